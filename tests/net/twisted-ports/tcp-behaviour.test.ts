/**
 * Ported from Twisted 22.4's twisted/test/test_tcp.py (ListeningTests, LoopbackTests,
 * FactoryTests, CannotBindTests.test_clientBind, LocalRemoteAddressTests, WriteDataTests,
 * AddressTests, the half-close tests, PauseProducingTests, CallBackOrderTests), behaviours of
 * twisted/internet/test/test_tcp.py the other ports leave out (sessionno, addresses at
 * connectionLost, connector.disconnect, writes around loseConnection, exceptions in buildProtocol
 * and callbacks seen from the peer) and connectionmixins' test_logPrefix, over 127.0.0.1 (and a
 * temporary UNIX socket for test_logPrefix) on one new reactor per test.
 */
import { expect } from "chai";
import { Failure } from "../../../core/failure";
import { Deferred } from "../../../defer";
import {
  ConnectBindError,
  ConnectError,
  ConnectionAborted,
  ConnectionClosed,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  Factory,
  IPv4Address,
  Protocol,
  StreamTransport,
  UserError,
  connectErrorFor,
  type Address,
  type IConnector,
  type IPullProducer,
  type IPushProducer,
  type ITCPTransport,
  type ListeningPort,
} from "../../../net";
import { _disconnectAll, _openResources } from "../../../net/registry";
import type { Reactor } from "../../../reactor";
import { newReactor } from "../../helpers/reactor";
import { HalfCloseRecorder, Recorder, RecordingClientFactory, ServerRecorderFactory, listenLocal, sleep, waitFor } from "../../helpers/net";
import { flushLoggedErrors } from "../../setup";
import { addObserver, msg, removeObserver, type LogEvent } from "../../../log";
import { ConnectableProtocol, runProtocolsWithReactor, tcpCreator, unixCreator } from "./connectable";


/** Twisted's AccumulatingProtocol (test_tcp's MyServerFactory / MyClientFactory build it). */
class AccumulatingProtocol extends Recorder {}


/** A server of `S`, a client of `C` connected to it, both connectionMade. */
async function connectPair<S extends Protocol = Recorder, C extends Protocol = Recorder>(
  r: Reactor,
  serverProtocol: new () => S = Recorder as unknown as new () => S,
  clientProtocol: new () => C = Recorder as unknown as new () => C,
) {
  const sf = new ServerRecorderFactory(serverProtocol);
  const { port, number } = await listenLocal(r, sf);
  const cf = new RecordingClientFactory(clientProtocol);
  const connector = r.connectTCP("127.0.0.1", number, cf);
  const server = await sf.nth(0);
  await waitFor(() => cf.protocols.length > 0 && cf.protocols[0].connected && server.connected);
  return { server, client: cf.protocols[0], port, number, sf, cf, connector };
}

describe("twisted ports: test_tcp (twisted/test)", () => {
  let r: Reactor;
  beforeEach(() => {
    r = newReactor();
  });
  afterEach(() => {
    _disconnectAll(r);
  });

  const pair = <S extends Protocol = Recorder, C extends Protocol = Recorder>(s?: new () => S, c?: new () => C) => connectPair(r, s, c);

  describe("ListeningTests", () => {
    // testStopListening
    it("testStopListening: the port number can be bound again once stopListening fired", async () => {
      const f = new ServerRecorderFactory(Recorder);
      const { port, number } = await listenLocal(r, f);
      await port.stopListening();
      const again = r.listenTCP(number, f, { interface: "127.0.0.1" });
      await again.whenListening();
      expect((again.getHost() as IPv4Address).port).to.equal(number);
      await again.stopListening();
    });

    // testPortRepr
    it("testPortRepr: the port's string names its number while listening, not once stopped", async () => {
      const { port, number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      expect(String(port)).to.include(String(number));
      await port.stopListening();
      expect(String(port)).to.not.include(String(number));
    });

    // test_serverRepr
    it("test_serverRepr: a server transport reads <Protocol #sessionno on port>", async () => {
      const { server, client, number } = await pair(AccumulatingProtocol);
      expect((server.transport as StreamTransport).toString()).to.equal(`<AccumulatingProtocol #0 on ${number}>`);
      client.transport!.loseConnection();
      await server.lost;
    });

    // test_restartListening
    it("test_restartListening: after stopListening and startListening, clients connect again", async () => {
      const sf = new ServerRecorderFactory(Recorder);
      const { port } = await listenLocal(r, sf);
      await port.stopListening();
      port.startListening();
      await port.whenListening();
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", (port.getHost() as IPv4Address).port, cf);
      const server = await sf.nth(0);
      await server.made;
      await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
      cf.protocols[0].transport!.loseConnection();
      await server.lost;
      await port.stopListening();
    });

    class StopRaises extends ServerRecorderFactory<Recorder> {
      raise = true;
      constructor() {
        super(Recorder);
      }
      override stopFactory(): void {
        if (this.raise) throw new RangeError("An error");
      }
    }

    // test_exceptInStop
    it("test_exceptInStop: stopFactory's exception fails the Deferred of stopListening", async () => {
      const f = new StopRaises();
      const { port } = await listenLocal(r, f);
      const failure = await new Promise<Failure>((resolve, reject) => {
        port.stopListening().addCallbacks(() => reject(new Error("stopListening succeeded")), resolve);
      });
      expect(failure.value).to.be.instanceOf(RangeError);
      expect(flushLoggedErrors(RangeError)).to.have.length(0);
    });

    // test_restartAfterExcept
    it("test_restartAfterExcept: the port can listen again after stopFactory raised", async () => {
      const f = new StopRaises();
      const { port } = await listenLocal(r, f);
      await new Promise<void>((resolve) => {
        port.stopListening().addErrback(() => resolve());
      });
      f.raise = false;
      port.startListening();
      await port.whenListening();
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", (port.getHost() as IPv4Address).port, cf);
      const server = await f.nth(0);
      await server.made;
      await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
      cf.protocols[0].transport!.loseConnection();
      await server.lost;
      await port.stopListening();
    });
  });

  describe("LoopbackTests", () => {
    // test_closePortInProtocolFactory
    it("test_closePortInProtocolFactory: stopListening inside buildProtocol; that connection is still made", async () => {
      class Closing extends Protocol {
        override connectionMade(): void {
          this.transport!.loseConnection();
        }
      }
      let stopped: Deferred<void> | null = null;
      class ClosingFactory extends ServerRecorderFactory<Closing> {
        port: ListeningPort | null = null;
        constructor() {
          super(Closing);
        }
        override buildProtocol(addr: Address): Closing | null {
          stopped = this.port!.stopListening();
          return super.buildProtocol(addr);
        }
      }
      const f = new ClosingFactory();
      const { port, number } = await listenLocal(r, f);
      f.port = port;
      const cf = new RecordingClientFactory(AccumulatingProtocol);
      r.connectTCP("127.0.0.1", number, cf);
      const reason = await cf.connectionLost;
      expect(cf.protocols[0].events).to.deep.equal(["made", "lost"]);
      expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
      expect(stopped).to.not.equal(null);
      await stopped!;
      expect(String(port)).to.not.include(String(number));
    });
  });

  describe("FactoryTests", () => {
    /** Twisted's StartStopFactory: starting or stopping out of turn raises. */
    class StartStopFactory extends Factory {
      started = 0;
      stopped = 0;
      constructor() {
        super();
        this.noisy = false;
        this.protocol = Protocol;
      }
      override startFactory(): void {
        if (this.started || this.stopped) throw new Error("started out of turn");
        this.started = 1;
      }
      override stopFactory(): void {
        if (!this.started || this.stopped) throw new Error("stopped out of turn");
        this.stopped = 1;
      }
    }

    // test_serverStartStop
    it("test_serverStartStop: started with the first port, stopped after the last", async () => {
      const f = new StartStopFactory();
      const p1 = r.listenTCP(0, f, { interface: "127.0.0.1" });
      expect([f.started, f.stopped]).to.deep.equal([1, 0]);
      const p2 = r.listenTCP(0, f, { interface: "127.0.0.1" });
      const p3 = r.listenTCP(0, f, { interface: "127.0.0.1" });
      await Promise.all([p1, p2, p3].map((p) => p.whenListening()));
      expect([f.started, f.stopped]).to.deep.equal([1, 0]);
      await Promise.all([p1.stopListening(), p2.stopListening()]);
      expect([f.started, f.stopped]).to.deep.equal([1, 0]);
      await p3.stopListening();
      expect([f.started, f.stopped]).to.deep.equal([1, 1]);
    });

    // test_clientStartStop
    it("test_clientStartStop: a client factory starts in connectTCP, stops once the attempt is over", async () => {
      class Closing extends Protocol {
        override connectionMade(): void {
          this.transport!.loseConnection();
        }
      }
      const { number } = await listenLocal(r, new ServerRecorderFactory(Closing));
      const factory = new RecordingClientFactory(Protocol);
      r.connectTCP("127.0.0.1", number, factory);
      expect(factory.calls).to.deep.equal(["startFactory", "startedConnecting"]);
      await waitFor(() => factory.calls.includes("stopFactory"));
      expect(factory.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionLost", "stopFactory"]);
    });
  });

  describe("ProperlyCloseFilesTests", () => {
    // test_properlyCloseFiles (the reactor's record of what is open stands for the socket handles)
    it("test_properlyCloseFiles: once both sides are lost, only the port is left open, and nothing once it stops", async () => {
      const { server, client, port } = await pair();
      expect(_openResources(r)).to.have.length(3);
      client.transport!.write("some bytes to make sure the connection is set up");
      client.transport!.loseConnection();
      const [c, s] = await Promise.all([client.lost, server.lost]);
      expect(c.check(ConnectionClosed)).to.equal(ConnectionClosed);
      expect(s.check(ConnectionClosed)).to.equal(ConnectionClosed);
      expect(_openResources(r)).to.deep.equal([port]);
      await port.stopListening();
      expect(_openResources(r)).to.deep.equal([]);
    });
  });

  describe("CannotBindTests", () => {
    // test_clientBind
    it("test_clientBind: connectTCP from a bindAddress in use: clientConnectionFailed(ConnectBindError), then stopFactory", async () => {
      const sf = new ServerRecorderFactory(Recorder);
      const { number } = await listenLocal(r, sf);
      const cf1 = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, cf1, { bindAddress: ["127.0.0.1", 0] });
      await waitFor(() => cf1.protocols.length === 1 && cf1.protocols[0].connected);
      const bound = cf1.protocols[0].transport!.getHost() as IPv4Address;
      expect(bound.host).to.equal("127.0.0.1");
      const cf2 = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, cf2, { bindAddress: ["127.0.0.1", bound.port] });
      const reason = await cf2.failed;
      expect(reason.value).to.be.instanceOf(ConnectBindError);
      // Twisted's bind fails with EADDRINUSE; Node binds with SO_REUSEADDR, and the connect then
      // fails with EADDRNOTAVAIL (that address pair is taken).
      expect((reason.value as ConnectBindError).osError).to.be.oneOf(["EADDRINUSE", "EADDRNOTAVAIL"]);
      expect(String((reason.value as Error).message)).to.match(/^Couldn't bind/);
      await waitFor(() => cf2.calls.includes("stopFactory"));
      expect(cf2.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionFailed", "stopFactory"]);
      expect(cf2.protocols).to.have.length(0);
      cf1.protocols[0].transport!.loseConnection();
      await cf1.protocols[0].lost;
    });
  });

  describe("CannotBindTests (the OS refusing the bind itself)", () => {
    // test_clientBind, with a bindAddress that is not this host's (the bind system call fails)
    it("a bindAddress that is not local: clientConnectionFailed(ConnectBindError)", async () => {
      const { number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      const cf = new RecordingClientFactory(Recorder);
      // 192.0.2.1 (TEST-NET-1) is on no interface of this machine.
      r.connectTCP("127.0.0.1", number, cf, { bindAddress: ["192.0.2.1", 0] });
      const reason = await cf.failed;
      expect(reason.value).to.be.instanceOf(ConnectBindError);
      expect((reason.value as ConnectBindError).osError).to.equal("EADDRNOTAVAIL");
    });

    it("connectErrorFor: a bind system call's error, and an address error when a bindAddress was given", () => {
      const e = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall });
      expect(connectErrorFor(e("EADDRNOTAVAIL", "bind"))).to.be.instanceOf(ConnectBindError);
      expect(connectErrorFor(e("EADDRNOTAVAIL", "connect"), true)).to.be.instanceOf(ConnectBindError);
      expect(connectErrorFor(e("EADDRINUSE", "connect"), true)).to.be.instanceOf(ConnectBindError);
      // Without a bindAddress, running out of local ports is a plain ConnectError, as Twisted's.
      const plain = connectErrorFor(e("EADDRNOTAVAIL", "connect"));
      expect(plain).to.be.instanceOf(ConnectError);
      expect(plain).to.not.be.instanceOf(ConnectBindError);
    });
  });

  describe("LocalRemoteAddressTests / AddressTests", () => {
    // test_hostAddress, test_buildProtocolClient
    it("test_hostAddress / test_buildProtocolClient: the port's getHost is the client's buildProtocol address and getPeer", async () => {
      const addresses: Address[] = [];
      class Remembering extends RecordingClientFactory<Recorder> {
        override buildProtocol(addr: Address): Recorder | null {
          addresses.push(addr);
          return super.buildProtocol(addr);
        }
      }
      const sf = new ServerRecorderFactory(Recorder);
      const { port } = await listenLocal(r, sf);
      const cf = new Remembering(Recorder);
      const connector = r.connectTCP("127.0.0.1", (port.getHost() as IPv4Address).port, cf);
      const server = await sf.nth(0);
      await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
      const client = cf.protocols[0];
      expect(addresses).to.deep.equal([port.getHost()]);
      expect(client.transport!.getPeer()).to.deep.equal(port.getHost());
      expect(server.transport!.getHost()).to.deep.equal(port.getHost());
      connector.disconnect();
      await server.lost;
    });
  });

  describe("WriteDataTests", () => {
    // test_writer
    it("test_writer: write and writeSequence in connectionMade, then loseConnection: all arrives in order", async () => {
      const kinds: string[] = [];
      class Writer extends Protocol {
        override connectionMade(): void {
          const t = this.transport!;
          t.write("Hello Cleveland!\n");
          t.writeSequence([Buffer.from("Goodbye"), " cruel", new Uint8Array(Buffer.from(" world")), "\n"]);
          kinds.push((t.getPeer() as IPv4Address).type, (t.getHost() as IPv4Address).type);
          t.loseConnection();
        }
      }
      const { number } = await listenLocal(r, new ServerRecorderFactory(Writer));
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, cf);
      await waitFor(() => cf.protocols.length === 1);
      const reason = await cf.protocols[0].lost;
      expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
      expect(cf.protocols[0].text).to.equal("Hello Cleveland!\nGoodbye cruel world\n");
      expect(kinds).to.deep.equal(["TCP", "TCP"]);
    });

    // test_writeAfterShutdownWithoutReading
    it("test_writeAfterShutdownWithoutReading: a paused client writing to a closed connection learns it is lost", async () => {
      const clientPaused = new Deferred<void>();
      const serverLost = new Deferred<void>();
      class Disconnecter extends Protocol {
        override connectionMade(): void {
          clientPaused.addCallback(() => this.transport!.loseConnection());
        }
        override connectionLost(): void {
          serverLost.callback(undefined);
        }
      }
      class Infinite implements IPullProducer {
        constructor(readonly consumer: ITCPTransport) {}
        resumeProducing(): void {
          this.consumer.write("x");
        }
        stopProducing(): void {}
      }
      class UnreadingWriter extends Recorder {
        override connectionMade(): void {
          super.connectionMade();
          const t = this.transport as ITCPTransport & IPushProducer & StreamTransport;
          t.pauseProducing();
          clientPaused.callback(undefined);
          serverLost.addCallback(() => t.registerProducer(new Infinite(t), false));
        }
      }
      const { number } = await listenLocal(r, new ServerRecorderFactory(Disconnecter));
      const cf = new RecordingClientFactory(UnreadingWriter);
      r.connectTCP("127.0.0.1", number, cf);
      const reason = await cf.connectionLost;
      expect(reason.value).to.be.instanceOf(ConnectionLost);
    });
  });

  describe("HalfCloseTests", () => {
    // testCloseWriteCloser
    it("testCloseWriteCloser: loseWriteConnection sends FIN, writeConnectionLost here, readConnectionLost there; later writes are dropped", async () => {
      const { server, client } = await pair(HalfCloseRecorder, HalfCloseRecorder);
      const t = client.transport as ITCPTransport;
      t.write("hello");
      await server.received(5);
      t.loseWriteConnection();
      await waitFor(() => client.writeHalfClosed && server.readHalfClosed);
      expect(client.readHalfClosed).to.equal(false);
      t.write(" world");
      t.write("lalala fooled you");
      await sleep(20);
      expect(server.text).to.equal("hello");
      expect(server.connected).to.equal(true);
      expect(client.connected).to.equal(true);
      expect(server.events).to.deep.equal(["made", "readConnectionLost"]);
      expect(client.events).to.deep.equal(["made", "writeConnectionLost"]);
      // The server can still write to the half-closed client.
      server.transport!.write("still open");
      await client.received(10);
      server.transport!.loseConnection();
      await Promise.all([server.lost, client.lost]);
    });

    // testWriteCloseNotification
    it("testWriteCloseNotification: the server's loseWriteConnection: writeConnectionLost there, readConnectionLost at the client", async () => {
      const { server, client } = await pair(HalfCloseRecorder, HalfCloseRecorder);
      (server.transport as ITCPTransport).loseWriteConnection();
      await waitFor(() => server.writeHalfClosed && client.readHalfClosed);
      expect(server.readHalfClosed).to.equal(false);
      client.transport!.loseConnection();
      await Promise.all([server.lost, client.lost]);
    });
  });

  describe("HalfCloseNoNotificationAndShutdownExceptionTests", () => {
    // testNoNotification
    it("testNoNotification: a protocol that is not half-closeable: the peer gets the data, then both close", async () => {
      const { server, client } = await pair(AccumulatingProtocol, AccumulatingProtocol);
      client.transport!.write("hello");
      (client.transport as ITCPTransport).loseWriteConnection();
      const [s, c] = await Promise.all([server.lost, client.lost]);
      expect(server.text).to.equal("hello");
      expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
      expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
    });

    // testShutdownException
    it("testShutdownException: loseWriteConnection after the peer closed passes silently", async () => {
      const { server, client } = await pair(AccumulatingProtocol, AccumulatingProtocol);
      server.transport!.loseConnection();
      client.transport!.write("X");
      (client.transport as ITCPTransport).loseWriteConnection();
      await Promise.all([server.lost, client.lost]);
      expect(server.connected).to.equal(false);
      expect(flushLoggedErrors()).to.have.length(0);
    });
  });

  describe("HalfCloseBuggyApplicationTests", () => {
    class Bug extends Error {}

    // test_readNotificationRaises
    it("test_readNotificationRaises: logged, and the connection is dropped completely", async () => {
      class Buggy extends HalfCloseRecorder {
        override readConnectionLost(): void {
          throw new Bug("ONO I AM BUGGY CODE");
        }
      }
      const { server, client } = await pair(Buggy, AccumulatingProtocol);
      (client.transport as ITCPTransport).loseWriteConnection();
      const [s] = await Promise.all([server.lost, client.lost]);
      expect(s.value).to.be.instanceOf(Bug);
      expect(flushLoggedErrors(Bug)).to.have.length(1);
    });

    // test_writeNotificationRaises
    it("test_writeNotificationRaises: logged, and the connection is dropped completely", async () => {
      class Buggy extends HalfCloseRecorder {
        override writeConnectionLost(): void {
          throw new Bug("ONO I AM BUGGY CODE");
        }
      }
      const { server, client } = await pair(HalfCloseRecorder, Buggy);
      (client.transport as ITCPTransport).loseWriteConnection();
      const c = await client.lost;
      expect(c.value).to.be.instanceOf(Bug);
      expect(flushLoggedErrors(Bug)).to.have.length(1);
      // The server only saw the FIN (readConnectionLost): it closes when it wants to.
      await waitFor(() => server.readHalfClosed);
      server.transport!.loseConnection();
      await server.lost;
    });
  });

  describe("PauseProducingTests", () => {
    // test_pauseProducingInConnectionMade
    it("test_pauseProducingInConnectionMade: a client paused in connectionMade reads nothing until resumed", async () => {
      class Greeter extends Recorder {
        override connectionMade(): void {
          super.connectionMade();
          this.transport!.write("greetings");
        }
      }
      class PausesAtOnce extends Recorder {
        override connectionMade(): void {
          super.connectionMade();
          (this.transport as unknown as IPushProducer).pauseProducing();
        }
      }
      const { server, client } = await pair(Greeter, PausesAtOnce);
      await sleep(50);
      expect(client.bytes).to.equal(0);
      (client.transport as unknown as IPushProducer).resumeProducing();
      await client.received(9);
      expect(client.text).to.equal("greetings");
      client.transport!.loseConnection();
      await server.lost;
    });
  });

  describe("CallBackOrderTests", () => {
    // test_loseOrder (and test_clientStartStop's factory calls around it)
    it("test_loseOrder: the protocol's connectionLost comes before the factory's clientConnectionLost", async () => {
      const order: string[] = [];
      class Client extends Recorder {
        override connectionMade(): void {
          order.push("connectionMade");
          super.connectionMade();
          setImmediate(this.transport!.loseConnection); // Twisted: callLater(0, …) (this reactor is not running)
        }
        override connectionLost(reason: Failure): void {
          order.push("connectionLost");
          super.connectionLost(reason);
        }
      }
      class Factory_ extends RecordingClientFactory<Client> {
        override startFactory(): void {
          order.push("startFactory");
        }
        override stopFactory(): void {
          order.push("stopFactory");
        }
        override startedConnecting(c: IConnector): void {
          order.push(`startedConnecting ${c.state}`);
        }
        override buildProtocol(addr: Address): Client | null {
          order.push("buildProtocol");
          return super.buildProtocol(addr);
        }
        override clientConnectionLost(c: IConnector, reason: Failure): void {
          order.push(`clientConnectionLost ${c.state}`);
          super.clientConnectionLost(c, reason);
        }
      }
      const { number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      const cf = new Factory_(Client);
      r.connectTCP("127.0.0.1", number, cf);
      const reason = await cf.connectionLost;
      await waitFor(() => order.includes("stopFactory"));
      expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
      expect(order).to.deep.equal([
        "startFactory",
        "startedConnecting connecting",
        "buildProtocol",
        "connectionMade",
        "connectionLost",
        "clientConnectionLost disconnected",
        "stopFactory",
      ]);
    });
  });
});

describe("twisted ports: test_tcp (internet/test) connection details", () => {
  let r: Reactor;
  beforeEach(() => {
    r = newReactor();
  });
  afterEach(() => {
    _disconnectAll(r);
  });
  const pair = <S extends Protocol = Recorder, C extends Protocol = Recorder>(s?: new () => S, c?: new () => C) => connectPair(r, s, c);

  // TCPConnectionTestsBuilder / LogTests: each accepted connection's sessionno, logstr and repr
  it("server connections are numbered from 0 on their port: sessionno, logstr, string", async () => {
    const sf = new ServerRecorderFactory(AccumulatingProtocol);
    const { number } = await listenLocal(r, sf);
    const clients: RecordingClientFactory<Recorder>[] = [];
    for (let i = 0; i < 3; i++) {
      const cf = new RecordingClientFactory(Recorder);
      clients.push(cf);
      r.connectTCP("127.0.0.1", number, cf);
      await sf.nth(i);
    }
    const transports = sf.protocols.map((p) => p.transport as StreamTransport);
    expect(transports.map((t) => t.sessionno)).to.deep.equal([0, 1, 2]);
    expect(transports.map((t) => t.logstr)).to.deep.equal([0, 1, 2].map((n) => `AccumulatingProtocol,${n},127.0.0.1`));
    expect(transports.map(String)).to.deep.equal([0, 1, 2].map((n) => `<AccumulatingProtocol #${n} on ${number}>`));
    await waitFor(() => clients.every((c) => c.protocols.length === 1 && c.protocols[0].connected));
    // test_logstrClientSetup: a client connection's logstr once connected.
    expect((clients[0].protocols[0].transport as StreamTransport).logstr).to.equal("Recorder,client");
    for (const c of clients) c.protocols[0].transport!.loseConnection();
    await Promise.all(sf.protocols.map((p) => p.lost));
  });

  // TCPPortTestsMixin.test_serverGetHostOnIPv4 / test_serverGetPeerOnIPv4, asked in connectionMade and connectionLost
  // (Twisted 22.4's TCP getHost raises AttributeError in connectionLost, its socket being gone;
  // here both keep answering, as Twisted's getPeer and its UNIX client's getHost do.)
  it("getHost and getPeer on both sides: the same in connectionMade and in connectionLost", async () => {
    const seen: Record<string, string[]> = {};
    class Asking extends Recorder {
      side = "";
      note(when: string): void {
        (seen[this.side] ??= []).push(`${when} ${String(this.transport!.getHost())} ${String(this.transport!.getPeer())}`);
      }
      override connectionMade(): void {
        super.connectionMade();
        this.note("made");
      }
      override connectionLost(reason: Failure): void {
        this.note("lost");
        super.connectionLost(reason);
      }
    }
    class ServerSide extends Asking {
      override side = "server";
    }
    class ClientSide extends Asking {
      override side = "client";
      override connectionMade(): void {
        super.connectionMade();
        this.transport!.loseConnection();
      }
    }
    const sf = new ServerRecorderFactory(ServerSide);
    const { port, number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(ClientSide);
    r.connectTCP("127.0.0.1", number, cf);
    const server = await sf.nth(0);
    await server.lost;
    await cf.connectionLost;
    const host = String(port.getHost());
    const clientTransport = cf.protocols[0].transport!;
    const clientAddress = String(clientTransport.getHost());
    expect(clientAddress).to.match(/^IPv4Address\(TCP, '127\.0\.0\.1', \d+\)$/);
    expect(clientAddress).to.not.equal(host);
    expect(seen.server).to.deep.equal([`made ${host} ${clientAddress}`, `lost ${host} ${clientAddress}`]);
    expect(seen.client).to.deep.equal([`made ${clientAddress} ${host}`, `lost ${clientAddress} ${host}`]);
  });

  // AbstractConnectionTestsMixin.test_writeSequenceWithUnicodeRaisesException (here strings are
  // accepted, as UTF-8: an item that is neither bytes nor a string is the bad one)
  it("writeSequence with a bad item throws TypeError and sends nothing of the sequence", async () => {
    const { server, client } = await pair();
    const bad = ["good", 42] as unknown as string[];
    expect(() => server.transport!.writeSequence(bad)).to.throw(TypeError, /writeSequence/);
    function* generated(): Generator<unknown> {
      yield "also good";
      yield null;
    }
    expect(() => server.transport!.writeSequence(generated() as Iterable<string>)).to.throw(TypeError, /writeSequence/);
    server.transport!.writeSequence(["fine", Buffer.from("!")]);
    server.transport!.loseConnection();
    await client.lost;
    expect(client.text).to.equal("fine!");
    // Once lost, data is still checked first (Twisted's _dataMustBeBytes comes before the
    // connected test): a bad item throws, good ones are ignored.
    expect(() => server.transport!.write(42 as unknown as string)).to.throw(TypeError, /write/);
    expect(() => server.transport!.writeSequence(bad)).to.throw(TypeError, /writeSequence/);
    server.transport!.write("ignored");
  });

  // FileDescriptor.loseConnection / loseWriteConnection (Twisted closes once its buffer is
  // written: what is written in the same turn, even after the call, still goes out)
  it("writes made in the same turn after loseConnection (in dataReceived) or loseWriteConnection are sent", async () => {
    class ClosesThenWrites extends Recorder {
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        this.transport!.write("reply");
        this.transport!.loseConnection();
        this.transport!.write(" and a last word");
      }
    }
    const { server, client } = await pair(ClosesThenWrites, HalfCloseRecorder);
    client.transport!.write("hello");
    (client.transport as ITCPTransport).loseWriteConnection();
    client.transport!.writeSequence([" again", "!"]);
    await waitFor(() => client.writeHalfClosed);
    client.transport!.write(" too late");
    const [s] = await Promise.all([server.lost, waitFor(() => client.readHalfClosed)]);
    expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(server.text).to.equal("hello again!");
    expect(client.text).to.equal("reply and a last word");
    client.transport!.loseConnection();
    await client.lost;
  });

  // AbortConnectionMixin, the other order: loseConnection then abortConnection in the same turn
  it("loseConnection then abortConnection in one turn: ConnectionAborted, nothing of the turn's writes sent", async () => {
    const { server, client } = await pair();
    server.transport!.write("never sent");
    server.transport!.loseConnection();
    (server.transport as ITCPTransport).abortConnection();
    const [s, c] = await Promise.all([server.lost, client.lost]);
    expect(s.value).to.be.instanceOf(ConnectionAborted);
    expect(c.value).to.be.instanceOf(ConnectionLost);
    expect(client.bytes).to.equal(0);
  });

  // ConnectorTests (connector.disconnect while connecting: Twisted's stopConnecting path)
  it("connector.disconnect() while connecting: clientConnectionFailed(UserError), never connected", async () => {
    const { number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
    const cf = new RecordingClientFactory(Recorder);
    const connector = r.connectTCP("127.0.0.1", number, cf);
    expect(connector.state).to.equal("connecting");
    connector.disconnect();
    const reason = await cf.failed;
    expect(reason.value).to.be.instanceOf(UserError);
    expect(connector.state).to.equal("disconnected");
    await sleep(20);
    expect(cf.protocols).to.have.length(0);
    expect(cf.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionFailed", "stopFactory"]);
  });

  // LocalRemoteAddressTests' cleanup (connector.disconnect while connected)
  it("connector.disconnect() while connected: ConnectionDone on both sides, then clientConnectionLost", async () => {
    const sf = new ServerRecorderFactory(Recorder);
    const { number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(Recorder);
    const connector = r.connectTCP("127.0.0.1", number, cf);
    const server = await sf.nth(0);
    await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
    expect(connector.state).to.equal("connected");
    connector.disconnect();
    const [s, c, ccl] = await Promise.all([server.lost, cf.protocols[0].lost, cf.connectionLost]);
    expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(ccl).to.equal(c);
    expect(connector.state).to.equal("disconnected");
  });

  // TCPClientTestsBase / test_connectionRefusedErrorNumber: connectTCP to a port nobody listens on
  it("a closed port: clientConnectionFailed(ConnectionRefusedError), no protocol built", async () => {
    const { port, number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
    await port.stopListening();
    const cf = new RecordingClientFactory(Recorder);
    r.connectTCP("127.0.0.1", number, cf);
    const reason = await cf.failed;
    expect(reason.value).to.be.instanceOf(ConnectionRefusedError);
    expect(cf.protocols).to.have.length(0);
  });

  // ConnectionTestsMixin (a protocol's exception drops its connection; the peer sees a clean close)
  it("a server's dataReceived throwing: the server gets the exception, the client a clean close", async () => {
    class Boom extends Error {}
    class Throws extends Recorder {
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        throw new Boom("boom");
      }
    }
    const sf = new ServerRecorderFactory(Throws);
    const { number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(Recorder);
    r.connectTCP("127.0.0.1", number, cf);
    const server = await sf.nth(0);
    await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
    cf.protocols[0].transport!.write("x");
    const [s, c] = await Promise.all([server.lost, cf.protocols[0].lost]);
    expect(s.value).to.be.instanceOf(Boom);
    expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
  });

  // tcp.Port.doRead / BaseClient._connectDone with a factory whose buildProtocol raises
  it("a server factory's buildProtocol throwing: logged, the client sees the connection made and closed cleanly", async () => {
    class Boom extends Error {}
    class Throwing extends ServerRecorderFactory<Recorder> {
      constructor() {
        super(Recorder);
      }
      override buildProtocol(): Recorder | null {
        throw new Boom("no protocol today");
      }
    }
    const { number } = await listenLocal(r, new Throwing());
    const cf = new RecordingClientFactory(Recorder);
    r.connectTCP("127.0.0.1", number, cf);
    const reason = await cf.connectionLost;
    expect(cf.protocols[0].events).to.deep.equal(["made", "lost"]);
    expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
  });

  it("a client factory's buildProtocol throwing: logged, clientConnectionFailed(ConnectError), the server's connection closed", async () => {
    class Boom extends Error {}
    class Throwing extends RecordingClientFactory<Recorder> {
      override buildProtocol(): Recorder | null {
        throw new Boom("no protocol today");
      }
    }
    const sf = new ServerRecorderFactory(Recorder);
    const { number } = await listenLocal(r, sf);
    const cf = new Throwing(Recorder);
    const connector = r.connectTCP("127.0.0.1", number, cf);
    const reason = await cf.failed;
    expect(reason.value).to.be.instanceOf(ConnectError);
    expect((reason.value as Error).cause).to.be.instanceOf(Boom);
    expect(connector.state).to.equal("disconnected");
    await waitFor(() => cf.calls.includes("stopFactory"));
    expect(cf.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionFailed", "stopFactory"]);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
    expect((await (await sf.nth(0)).lost).check(ConnectionDone)).to.equal(ConnectionDone);
  });

  // BaseClient: connectionMade raising on the client side reaches clientConnectionLost too
  it("a client's connectionMade throwing: connectionLost then clientConnectionLost get the exception", async () => {
    class Boom extends Error {}
    class Throws extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        throw new Boom("made badly");
      }
    }
    const sf = new ServerRecorderFactory(Recorder);
    const { number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(Throws);
    r.connectTCP("127.0.0.1", number, cf);
    const ccl = await cf.connectionLost;
    expect(ccl.value).to.be.instanceOf(Boom);
    expect(cf.protocols[0].lostReasons[0]).to.equal(ccl);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
    expect((await (await sf.nth(0)).lost).check(ConnectionDone)).to.equal(ConnectionDone);
  });

  // ConnectionTestsMixin: a half-closeable client learns of the server's drop through readConnectionLost
  it("a server's dataReceived throwing: a half-closeable client gets readConnectionLost", async () => {
    class Boom extends Error {}
    class Throws extends Recorder {
      override dataReceived(): void {
        throw new Boom("boom");
      }
    }
    const sf = new ServerRecorderFactory(Throws);
    const { number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(HalfCloseRecorder);
    r.connectTCP("127.0.0.1", number, cf);
    const server = await sf.nth(0);
    await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
    const client = cf.protocols[0];
    client.transport!.write("x");
    await server.lost;
    await waitFor(() => client.readHalfClosed);
    expect(client.events).to.deep.equal(["made", "readConnectionLost"]);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
    client.transport!.loseConnection();
    expect((await client.lost).check(ConnectionDone)).to.equal(ConnectionDone);
  });
});


describe("twisted ports: connectionmixins ConnectionTestsMixin.test_logPrefix", () => {
  for (const [kind, creator] of [
    ["TCP", tcpCreator],
    ["UNIX", unixCreator],
  ] as const) {
    // ConnectionTestsMixin.test_logPrefix
    it(`test_logPrefix (${kind}): what dataReceived logs carries the protocol's own logPrefix`, async () => {
      class CustomLogPrefixProtocol extends ConnectableProtocol {
        system: unknown = null;
        constructor(readonly prefix: string) {
          super();
        }
        override connectionMade(): void {
          this.transport!.write("a");
        }
        override logPrefix(): string {
          return this.prefix;
        }
        override dataReceived(bytes: Buffer): void {
          const seen: LogEvent[] = [];
          const observer = (e: LogEvent): void => void seen.push(e);
          addObserver(observer);
          try {
            msg("where am I");
          } finally {
            removeObserver(observer);
          }
          this.system = seen[0]?.log_system;
          this.transport!.write("b");
          // Close once both sides received something, so both have their system set.
          if (bytes.includes("b")) this.transport!.loseConnection();
        }
      }
      const client = new CustomLogPrefixProtocol("Custom Client");
      const server = new CustomLogPrefixProtocol("Custom Server");
      await runProtocolsWithReactor(server, client, creator());
      expect(String(client.system)).to.include("Custom Client");
      expect(String(server.system)).to.include("Custom Server");
    });
  }
});
