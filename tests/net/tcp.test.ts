/**
 * TCP transports, ports and connectors on real sockets (127.0.0.1, port 0): the behaviours of
 * Twisted's internet/test/test_tcp.py that apply.
 */
import { expect } from "chai";
import * as net from "node:net";
import { Failure } from "../../core/failure";
import { Deferred } from "../../defer";
import {
  CannotListenError,
  ClientFactory,
  ConnectionAborted,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  Connector,
  ConnectTimeoutError,
  DNSLookupError,
  Factory,
  IPv4Address,
  ListeningPort,
  NotConnectingError,
  NoRouteError,
  Protocol,
  StreamTransport,
  UserError,
  connectErrorFor,
  type IProducer,
  type ITCPTransport,
} from "../../net";
import { _disconnectAll, _openCount } from "../../net/registry";
import { clientAddresses } from "../../net/tcp";
import type { Reactor } from "../../reactor";
import { reactor as globalReactor } from "../../reactor";
import { newReactor, runReactor } from "../helpers/reactor";
import {
  HalfCloseRecorder,
  recordingPushProducer,
  Recorder,
  RecordingClientFactory,
  ServerRecorderFactory,
  boundPort,
  later,
  listenLocal,
  sleep,
} from "../helpers/net";
import { flushLoggedErrors } from "../setup";

describe("net/tcp", () => {
  let r: Reactor;
  beforeEach(() => {
    r = newReactor();
  });
  afterEach(() => {
    _disconnectAll(r);
  });

  /** A connected pair: the server's and the client's protocols. */
  async function pair<S extends Protocol = Recorder, C extends Protocol = Recorder>(
    serverProtocol: new () => S = Recorder as unknown as new () => S,
    clientProtocol: new () => C = Recorder as unknown as new () => C,
  ): Promise<{ server: S; client: C; port: ListeningPort; number: number; cf: RecordingClientFactory<C>; connector: Connector }> {
    const sf = new ServerRecorderFactory(serverProtocol);
    const { port, number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(clientProtocol);
    const connector = r.connectTCP("127.0.0.1", number, cf);
    const server = await sf.nth(0);
    await waitFor(() => cf.protocols.length > 0 && cf.protocols[0].connected);
    await waitFor(() => server.connected);
    return { server, client: cf.protocols[0], port, number, cf, connector };
  }

  async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
    const until = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > until) throw new Error("timed out waiting");
      await sleep(2);
    }
  }

  describe("clientAddresses", () => {
    const fake = (remote: string): net.Socket =>
      ({
        localAddress: "127.0.0.1",
        localPort: 40000,
        localFamily: "IPv4",
        get remoteAddress(): string {
          remoteReads++;
          return remote;
        },
        remotePort: 80,
        remoteFamily: remote.includes(":") ? "IPv6" : "IPv4",
      }) as unknown as net.Socket;
    let remoteReads = 0;
    beforeEach(() => (remoteReads = 0));

    it("connected to an IPv4 literal, the peer is the destination (no getpeername)", () => {
      const a = clientAddresses(fake("10.0.0.9"), "10.0.0.9", 80);
      expect(a.peer).to.deep.equal(new IPv4Address("TCP", "10.0.0.9", 80));
      expect(a.host).to.deep.equal(new IPv4Address("TCP", "127.0.0.1", 40000));
      expect(remoteReads).to.equal(0);
    });

    it("connected to a name (or an unusual literal), the peer is what the socket says", () => {
      expect(clientAddresses(fake("127.0.0.1"), "localhost", 80).peer).to.deep.equal(new IPv4Address("TCP", "127.0.0.1", 80));
      expect(clientAddresses(fake("10.0.0.9"), "010.0.0.9", 80).peer).to.deep.equal(new IPv4Address("TCP", "10.0.0.9", 80));
      expect(remoteReads).to.equal(2);
    });
  });

  describe("a connection", () => {
    it("carries bytes both ways and reports IPv4 addresses", async () => {
      const { server, client, number } = await pair();
      client.transport!.write("hello ");
      client.transport!.write(Buffer.from("from "));
      client.transport!.writeSequence([new Uint8Array([99, 108]), "ient"]);
      await server.received(17);
      expect(server.text).to.equal("hello from client");
      server.transport!.write("back");
      await client.received(4);
      expect(client.text).to.equal("back");
      const peer = client.transport!.getPeer();
      expect(peer.equals(new IPv4Address("TCP", "127.0.0.1", number))).to.equal(true);
      expect(server.transport!.getHost().equals(peer)).to.equal(true);
      expect(server.transport!.getPeer().equals(client.transport!.getHost())).to.equal(true);
      client.transport!.loseConnection();
      await Promise.all([client.lost, server.lost]);
    });

    it("loseConnection: both sides get ConnectionDone exactly once, connected already false", async () => {
      const { server, client, cf } = await pair();
      client.transport!.loseConnection();
      client.transport!.loseConnection();
      const [c, s] = await Promise.all([client.lost, server.lost]);
      expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
      expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
      await sleep(20);
      expect(client.lostReasons).to.have.length(1);
      expect(server.lostReasons).to.have.length(1);
      expect(client.connectedAtLost).to.equal(false);
      expect(server.connectedAtLost).to.equal(false);
      const lost = await cf.connectionLost;
      expect(lost.value).to.equal(c.value);
      expect(cf.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionLost", "stopFactory"]);
    });

    it("loseConnection flushes what was written first (5 MB)", async () => {
      const { server, client } = await pair();
      const big = Buffer.alloc(5 * 1024 * 1024, 7);
      server.transport!.write(big);
      server.transport!.loseConnection();
      const reason = await client.lost;
      expect(client.bytes).to.equal(big.length);
      expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
    });

    it("writes made in one turn go out in one socket write: on the next tick from a timer, as dataReceived returns from it", async () => {
      class Replier extends Recorder {
        override dataReceived(data: Buffer): void {
          super.dataReceived(data);
          this.transport!.write("a");
          this.transport!.write(Buffer.from("b"));
          this.transport!.write("c");
          socketWritesAtReturn.push(socketWrites);
        }
      }
      let socketWrites = 0;
      const socketWritesAtReturn: number[] = [];
      const { client } = await pair(Replier);
      const original = net.Socket.prototype.write;
      net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
        socketWrites++;
        return (original as (...a: unknown[]) => boolean).apply(this, args);
      };
      // Socket writes made by the time each 'data' event's listeners have all returned (no tick yet).
      const writesAfterData: number[] = [];
      const originalEmit = net.Socket.prototype.emit;
      net.Socket.prototype.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
        const r = (originalEmit as (...a: unknown[]) => boolean).call(this, event, ...args);
        if (event === "data") writesAfterData.push(socketWrites);
        return r;
      };
      try {
        // From a timer: nothing is written until the next tick, then the three go out as one.
        client.transport!.write("x");
        client.transport!.write("y");
        client.transport!.write("z");
        expect(socketWrites).to.equal(0);
        await new Promise((resolve) => process.nextTick(resolve));
        expect(socketWrites).to.equal(1);
        // From dataReceived: not while it runs; then one socket write for its three.
        await client.received(3);
        expect(socketWritesAtReturn).to.have.length.at.least(1);
        expect(socketWritesAtReturn[0]).to.equal(1); // only the client's: the reply is not sent yet
        // ... and it is sent once dataReceived has returned, before the event that delivered the
        // data ends (the server's 'data' comes first; the client's, of the reply, after it).
        expect(writesAfterData[0]).to.equal(2);
        await sleep(5);
        expect(socketWrites).to.equal(1 + socketWritesAtReturn.length);
        expect(client.text).to.equal("abc".repeat(socketWritesAtReturn.length));
      } finally {
        net.Socket.prototype.write = original;
        net.Socket.prototype.emit = originalEmit;
      }
    });

    it("turn after turn, every write arrives once and in order (a burst of 3,000 small writes, then small turns)", async () => {
      const { server, client } = await pair();
      const t = client.transport!;
      let expected = "";
      // One turn with more writes than the transport keeps room for (and past the 16 KiB at
      // which writes go out at once), then turns of one, two and three writes.
      for (let i = 0; i < 3000; i++) {
        const piece = `${i % 10}`.repeat(7);
        t.write(i % 2 === 0 ? piece : Buffer.from(piece));
        expected += piece;
      }
      for (let turn = 1; turn <= 3; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        for (let k = 0; k < turn; k++) {
          t.write(`<${turn}.${k}>`);
          expected += `<${turn}.${k}>`;
        }
      }
      await server.received(expected.length);
      expect(server.text).to.equal(expected);
      t.loseConnection();
      await Promise.all([client.lost, server.lost]);
    });

    it("logPrefix: a server connection's logstr (Proto,sessionno,peer host), a client's (Proto,client), a port's factory class; also passed as values", async () => {
      const { server, client, port } = await pair();
      const serverPrefix = (server.transport as StreamTransport).logPrefix;
      const clientPrefix = (client.transport as StreamTransport).logPrefix;
      expect(serverPrefix()).to.equal("Recorder,0,127.0.0.1");
      expect(clientPrefix()).to.equal("Recorder,client");
      const portPrefix = port.logPrefix;
      expect(portPrefix()).to.equal("ServerRecorderFactory");
      client.transport!.loseConnection();
      await Promise.all([client.lost, server.lost]);
    });

    it("loseConnection: writes of the same turn still go out (as Twisted's), later ones and those after connectionLost are ignored", async () => {
      const { server, client } = await pair();
      client.transport!.write("a");
      client.transport!.loseConnection();
      client.transport!.write("b");
      client.transport!.writeSequence(["c"]);
      await new Promise((resolve) => setImmediate(resolve)); // the close is under way
      client.transport!.write("d");
      await Promise.all([client.lost, server.lost]);
      client.transport!.write("e");
      expect(server.text).to.equal("abc");
    });

    it("abortConnection: ConnectionAborted here, ConnectionLost at the peer, buffer dropped", async () => {
      const { server, client } = await pair();
      (client.transport as ITCPTransport).abortConnection();
      const [c, s] = await Promise.all([client.lost, server.lost]);
      expect(c.value).to.be.instanceOf(ConnectionAborted);
      expect(s.value).to.be.instanceOf(ConnectionLost);
      expect(s.value).to.not.be.instanceOf(ConnectionAborted);
    });

    it("write rejects what is not bytes or a string", async () => {
      const { client } = await pair();
      expect(() => client.transport!.write(42 as never)).to.throw(TypeError, /data/);
      expect(() => client.transport!.writeSequence(5 as never)).to.throw(TypeError, /data/);
      client.transport!.loseConnection();
      await client.lost;
    });

    it("methods work passed as values (callLater, addCallback)", async () => {
      const { server, client } = await pair();
      const { loseConnection } = client.transport!;
      setImmediate(loseConnection);
      await Promise.all([client.lost, server.lost]);
    });

    it("no-delay and keep-alive can be read and set", async () => {
      const { client } = await pair();
      const t = client.transport as ITCPTransport;
      expect(t.getTcpNoDelay()).to.equal(false);
      t.setTcpNoDelay(true);
      expect(t.getTcpNoDelay()).to.equal(true);
      expect(t.getTcpKeepAlive()).to.equal(false);
      t.setTcpKeepAlive(true);
      expect(t.getTcpKeepAlive()).to.equal(true);
      t.loseConnection();
      await client.lost;
    });

    it("the peer's close without a half-closeable protocol is ConnectionDone", async () => {
      const { server, client } = await pair();
      (client.transport as ITCPTransport).loseWriteConnection();
      const s = await server.lost;
      expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
      expect((await client.lost).check(ConnectionDone)).to.equal(ConnectionDone);
    });

    it("pauseProducing stops dataReceived until resumeProducing", async () => {
      const { server, client } = await pair();
      (server.transport as StreamTransport).pauseProducing();
      client.transport!.write("while paused");
      await sleep(50);
      expect(server.bytes).to.equal(0);
      (server.transport as StreamTransport).resumeProducing();
      await server.received(12);
      expect(server.text).to.equal("while paused");
      client.transport!.loseConnection();
      await server.lost;
    });
  });

  describe("half-close (IHalfCloseableProtocol)", () => {
    class HalfClose extends Recorder {
      readConnectionLost(): void {
        this.events.push("readConnectionLost");
        this.transport!.write(`got ${this.bytes} bytes`);
        this.transport!.loseConnection();
      }
      writeConnectionLost(): void {
        this.events.push("writeConnectionLost");
      }
    }

    it("readConnectionLost on the peer's FIN; the connection stays writable", async () => {
      const { server, client } = await pair(HalfClose, HalfCloseClient);
      client.transport!.write("12345");
      (client.transport as ITCPTransport).loseWriteConnection();
      await server.lost;
      await client.lost;
      expect(server.events).to.deep.equal(["made", "readConnectionLost", "lost"]);
      expect(client.events).to.deep.equal(["made", "writeConnectionLost", "readConnectionLost", "lost"]);
      expect(client.text).to.equal("got 5 bytes");
      expect(server.lostReasons[0].check(ConnectionDone)).to.equal(ConnectionDone);
      expect(client.lostReasons[0].check(ConnectionDone)).to.equal(ConnectionDone);
    });

    class HalfCloseClient extends Recorder {
      readConnectionLost(): void {
        this.events.push("readConnectionLost");
        this.transport!.loseConnection();
      }
      writeConnectionLost(): void {
        this.events.push("writeConnectionLost");
      }
    }
  });

  describe("exceptions in protocol callbacks", () => {
    class Boom extends Error {}
    class ThrowsOnData extends Recorder {
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        throw new Boom("dataReceived failed");
      }
    }
    class ThrowsOnMade extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        throw new Boom("connectionMade failed");
      }
    }
    class RejectsOnMade extends Recorder {
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- on purpose: the transport watches what connectionMade returns
      override connectionMade(): Promise<void> {
        super.connectionMade();
        return Promise.reject(new Boom("async connectionMade failed"));
      }
    }
    class FailsDeferredOnData extends Recorder {
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- on purpose: the transport watches what dataReceived returns
      override dataReceived(data: Buffer): Deferred<void> {
        super.dataReceived(data);
        const d = new Deferred<void>();
        d.errback(new Boom("a Deferred failed"));
        return d;
      }
    }

    it("dataReceived throwing: logged, only that connection dropped, connectionLost gets it", async () => {
      const sf = new ServerRecorderFactory(ThrowsOnData);
      const { port, number } = await listenLocal(r, sf);
      const bad = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, bad);
      const server = await sf.nth(0);
      await server.made;
      await waitFor(() => bad.protocols.length === 1);
      const other = new ServerRecorderFactory(Recorder);
      const { number: n2 } = await listenLocal(r, other);
      const good = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", n2, good);
      const goodServer = await other.nth(0);
      await goodServer.made;
      bad.protocols[0].transport!.write("x");
      const reason = await server.lost;
      expect(reason.value).to.be.instanceOf(Boom);
      expect((await bad.protocols[0].lost).value).to.be.instanceOf(ConnectionClosedLike);
      expect(flushLoggedErrors(Boom)).to.have.length(1);
      await waitFor(() => good.protocols.length === 1 && good.protocols[0].connected);
      good.protocols[0].transport!.write("still fine");
      await goodServer.received(10);
      expect(goodServer.connected).to.equal(true);
      // the port still accepts
      const again = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, again);
      await sf.nth(1);
      void port;
    });

    it("connectionMade throwing: logged, connectionLost gets it", async () => {
      const sf = new ServerRecorderFactory(ThrowsOnMade);
      const { number } = await listenLocal(r, sf);
      r.connectTCP("127.0.0.1", number, new RecordingClientFactory(Recorder));
      const server = await sf.nth(0);
      const reason = await server.lost;
      expect(reason.value).to.be.instanceOf(Boom);
      expect(server.connectedAtLost).to.equal(false);
      expect(flushLoggedErrors(Boom)).to.have.length(1);
    });

    it("a callback's rejected Promise or failed Deferred is logged", async () => {
      const { server, client } = await pair(FailsDeferredOnData, RejectsOnMade);
      client.transport!.write("x");
      await server.received(1);
      let logged = 0;
      await waitFor(() => (logged += flushLoggedErrors(Boom).length) >= 2);
      expect(logged).to.equal(2);
      client.transport!.loseConnection();
      await server.lost;
    });
  });

  describe("ListeningPort", () => {
    it("whenListening fires with the port; getHost before the bind throws", async () => {
      const factory = new ServerRecorderFactory(Recorder);
      const port = r.listenTCP(0, factory, { interface: "127.0.0.1" });
      expect(port).to.be.instanceOf(ListeningPort);
      expect(() => port.getHost()).to.throw(Error, /whenListening/);
      const fired = await port.whenListening();
      expect(fired).to.equal(port);
      const host = port.getHost() as IPv4Address;
      expect(host).to.be.instanceOf(IPv4Address);
      expect(host.host).to.equal("127.0.0.1");
      expect(host.port).to.be.greaterThan(0);
      expect(await port.whenListening()).to.equal(port);
      await port.stopListening();
    });

    it("doStart runs inside listenTCP, doStop once stopped; stopListening works as a value", async () => {
      const calls: string[] = [];
      const factory = new (class extends Factory {
        override noisy = false;
        override startFactory(): void {
          calls.push("start");
        }
        override stopFactory(): void {
          calls.push("stop");
        }
      })();
      factory.protocol = Recorder;
      const port = r.listenTCP(0, factory, { interface: "127.0.0.1" });
      expect(calls).to.deep.equal(["start"]);
      await port.whenListening().addCallback(port.stopListening);
      expect(calls).to.deep.equal(["start", "stop"]);
      expect(factory.numPorts).to.equal(0);
    });

    it("stops accepting on stopListening while open connections stay open", async () => {
      const { server, client, port, number } = await pair();
      await port.stopListening();
      const refused = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, refused);
      expect((await refused.failed).value).to.be.instanceOf(ConnectionRefusedError);
      client.transport!.write("open");
      await server.received(4);
      client.transport!.loseConnection();
      await server.lost;
    });

    it("startListening after stopListening binds again and whenListening fires again", async () => {
      const factory = new ServerRecorderFactory(Recorder);
      const port = r.listenTCP(0, factory, { interface: "127.0.0.1" });
      await port.whenListening();
      expect(() => port.startListening()).to.throw(Error, /already listening/);
      await port.stopListening();
      expect(() => port.getHost()).to.throw(Error, /whenListening/);
      port.startListening();
      const again = await port.whenListening();
      expect(again).to.equal(port);
      const n = (port.getHost() as IPv4Address).port;
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", n, cf);
      const p = await factory.nth(0);
      await p.made;
      p.transport!.loseConnection();
      await p.lost;
      await port.stopListening();
      expect(factory.numPorts).to.equal(0);
    });

    it("a port in use: whenListening fails with CannotListenError and its fields", async () => {
      const { port, number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      const factory = new ServerRecorderFactory(Recorder);
      const second = r.listenTCP(number, factory, { interface: "127.0.0.1" });
      expect(factory.numPorts).to.equal(1);
      const f = await second.whenListening().then(
        () => null,
        (e: unknown) => e,
      );
      expect(f).to.be.instanceOf(CannotListenError);
      const e = f as CannotListenError;
      expect(e.interface).to.equal("127.0.0.1");
      expect(e.port).to.equal(number);
      expect((e.socketError as NodeJS.ErrnoException).code).to.equal("EADDRINUSE");
      expect(factory.numPorts).to.equal(0);
      expect(flushLoggedErrors()).to.have.length(0);
      await port.stopListening();
    });

    it("an unobserved bind failure is logged at once with why", async () => {
      const { port, number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      r.listenTCP(number, new ServerRecorderFactory(Recorder), { interface: "127.0.0.1" });
      await sleep(50);
      const logged = flushLoggedErrors(CannotListenError);
      expect(logged).to.have.length(1);
      expect(logged[0].why).to.equal(`Couldn't listen on 127.0.0.1:${number}:`);
      await port.stopListening();
    });

    it("buildProtocol returning null closes the connection", async () => {
      const factory = new (class extends Factory {
        override noisy = false;
        override buildProtocol(): null {
          return null;
        }
      })();
      const { port, number } = await listenLocal(r, factory);
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, cf);
      await cf.connectionLost;
      await port.stopListening();
    });

    it("listens on all interfaces by default", async () => {
      const port = r.listenTCP(0, new ServerRecorderFactory(Recorder));
      const n = await boundPort(port);
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", n, cf);
      await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
      cf.protocols[0].transport!.loseConnection();
      await cf.connectionLost;
      await port.stopListening();
    });
  });

  describe("Connector", () => {
    it("startedConnecting and doStart run inside connectTCP; it carries its reactor", async () => {
      const { port, number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      const cf = new RecordingClientFactory(Recorder);
      const c = r.connectTCP("127.0.0.1", number, cf);
      expect(cf.calls).to.deep.equal(["startFactory", "startedConnecting"]);
      expect(c.state).to.equal("connecting");
      expect(c.reactor).to.equal(r);
      expect(c.getDestination().equals(new IPv4Address("TCP", "127.0.0.1", number))).to.equal(true);
      expect(() => c.connect()).to.throw(Error, /can't connect/);
      await waitFor(() => c.state === "connected");
      c.disconnect();
      await cf.connectionLost;
      expect(c.state).to.equal("disconnected");
      await port.stopListening();
    });

    it("refused: clientConnectionFailed(ConnectionRefusedError) with osError, then doStop", async () => {
      const { port, number } = await listenLocal(r, new ServerRecorderFactory(Recorder));
      await port.stopListening();
      const cf = new RecordingClientFactory(Recorder);
      const c = r.connectTCP("127.0.0.1", number, cf);
      const f = await cf.failed;
      expect(f.value).to.be.instanceOf(ConnectionRefusedError);
      expect((f.value as ConnectionRefusedError).osError).to.equal("ECONNREFUSED");
      // As Twisted's (errno, strerror): the system's message, not Node's repeat of the code.
      expect(String(f.value)).to.equal(
        `ConnectionRefusedError: Connection was refused by other side: ECONNREFUSED: Connection refused (127.0.0.1:${number}).`,
      );
      expect(c.state).to.equal("disconnected");
      expect(cf.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionFailed", "stopFactory"]);
    });

    it("connect() again after a failure tries again (as ReconnectingClientFactory does)", async () => {
      const factory = new ServerRecorderFactory(Recorder);
      const first = r.listenTCP(0, factory, { interface: "127.0.0.1" });
      const n = await boundPort(first);
      await first.stopListening();
      const done = later<Failure>();
      let failures = 0;
      let port: ListeningPort | null = null;
      const cf = new (class extends ClientFactory {
        override noisy = false;
        override clientConnectionFailed(connector: Connector): void {
          failures++;
          port = r.listenTCP(n, factory, { interface: "127.0.0.1" });
          void port.whenListening().addCallback(() => connector.connect());
        }
        override clientConnectionLost(_c: Connector, reason: Failure): void {
          done.resolve(reason);
        }
      })();
      cf.protocol = Recorder;
      const c = r.connectTCP("127.0.0.1", n, cf);
      const server = await factory.nth(0);
      await server.made;
      expect(failures).to.equal(1);
      await waitFor(() => c.state === "connected");
      server.transport!.loseConnection();
      expect((await done.promise).check(ConnectionDone)).to.equal(ConnectionDone);
      await port!.stopListening();
    });

    it("stopConnecting: UserError; NotConnectingError when not connecting", async () => {
      const cf = new RecordingClientFactory(Recorder);
      const c = new Connector(
        r,
        cf,
        { event: "connect", destination: new IPv4Address("TCP", "10.0.0.1", 1), connect: () => new net.Socket(), addressesOf: () => ({ host: new IPv4Address("TCP", "", 0), peer: new IPv4Address("TCP", "", 0) }) },
        null,
      );
      expect(() => c.stopConnecting()).to.throw(NotConnectingError);
      c.connect();
      c.stopConnecting();
      expect((await cf.failed).value).to.be.instanceOf(UserError);
      expect(c.state).to.equal("disconnected");
      expect(() => c.stopConnecting()).to.throw(NotConnectingError);
    });

    it("times out after `timeout` seconds: ConnectTimeoutError (on the reactor's clock)", async () => {
      const cf = new RecordingClientFactory(Recorder);
      const c = new Connector(
        r,
        cf,
        { event: "connect", destination: new IPv4Address("TCP", "10.0.0.1", 1), connect: () => new net.Socket(), addressesOf: () => ({ host: new IPv4Address("TCP", "", 0), peer: new IPv4Address("TCP", "", 0) }) },
        0.05,
      );
      c.connect();
      const run = runReactor(r);
      const f = await cf.failed;
      r.stop();
      await run;
      expect(f.value).to.be.instanceOf(ConnectTimeoutError);
    });

    it("a name that does not resolve: DNSLookupError", async function () {
      this.timeout(15_000);
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("no-such-host.invalid", 80, cf);
      const f = await cf.failed;
      expect(f.value).to.be.instanceOf(DNSLookupError);
      expect((f.value as DNSLookupError).osError).to.match(/^(ENOTFOUND|EAI_)/);
    });

    it("maps Node's error codes to Twisted's errors", () => {
      const e = (code: string) => Object.assign(new Error(code), { code });
      expect(connectErrorFor(e("ECONNREFUSED"))).to.be.instanceOf(ConnectionRefusedError);
      expect(connectErrorFor(e("ENOTFOUND"))).to.be.instanceOf(DNSLookupError);
      expect(connectErrorFor(e("EAI_AGAIN"))).to.be.instanceOf(DNSLookupError);
      expect(connectErrorFor(e("EHOSTUNREACH"))).to.be.instanceOf(NoRouteError);
      expect(connectErrorFor(e("ENETUNREACH"))).to.be.instanceOf(NoRouteError);
      expect(connectErrorFor(e("ETIMEDOUT"))).to.be.instanceOf(ConnectTimeoutError);
      expect((connectErrorFor(e("ENETUNREACH")) as NoRouteError).osError).to.equal("ENETUNREACH");
    });
  });

  describe("bad input", () => {
    const factory = Factory.forProtocol(Protocol);
    it("listenTCP: port type and range, factory", () => {
      expect(() => r.listenTCP("80" as never, factory)).to.throw(TypeError, /port/);
      expect(() => r.listenTCP(70000, factory)).to.throw(RangeError, /port/);
      expect(() => r.listenTCP(-1, factory)).to.throw(RangeError, /port/);
      expect(() => r.listenTCP(1.5, factory)).to.throw(RangeError, /port/);
      expect(() => r.listenTCP(0, {} as never)).to.throw(TypeError, /factory/);
      expect(() => r.listenTCP(0, factory, { backlog: "x" as never })).to.throw(TypeError, /backlog/);
      expect(_openCount(r)).to.equal(0);
    });
    it("connectTCP: host, port, factory, timeout", () => {
      const cf = new ClientFactory();
      expect(() => r.connectTCP(5 as never, 80, cf)).to.throw(TypeError, /host/);
      expect(() => r.connectTCP("127.0.0.1", 65536, cf)).to.throw(RangeError, /port/);
      expect(() => r.connectTCP("127.0.0.1", 80, factory as never)).to.throw(TypeError, /ClientFactory/);
      expect(() => r.connectTCP("127.0.0.1", 80, cf, { timeout: -1 })).to.throw(RangeError, /timeout/);
    });
  });

  describe("reactor.stop() closes everything the reactor opened", () => {
    it("protocols get ConnectionLost before run() resolves; the port is closed", async () => {
      const run = runReactor(r);
      const { server, client, number, cf } = await pair();
      const pending = new RecordingClientFactory(Recorder);
      // A connection attempt in progress is abandoned too.
      const c = new Connector(
        r,
        pending,
        { event: "connect", destination: new IPv4Address("TCP", "10.0.0.1", 1), connect: () => new net.Socket(), addressesOf: () => ({ host: new IPv4Address("TCP", "", 0), peer: new IPv4Address("TCP", "", 0) }) },
        null,
      );
      c.connect();
      r.stop();
      await run;
      expect(server.lostReasons).to.have.length(1);
      expect(client.lostReasons).to.have.length(1);
      expect(server.lostReasons[0].value).to.be.instanceOf(ConnectionLost);
      expect(client.lostReasons[0].value).to.be.instanceOf(ConnectionLost);
      expect(cf.calls).to.include("clientConnectionLost");
      expect((await pending.failed).value).to.be.instanceOf(ConnectionLost);
      expect(_openCount(r)).to.equal(0);
      const refused = new RecordingClientFactory(Recorder);
      newReactor().connectTCP("127.0.0.1", number, refused);
      expect((await refused.failed).value).to.be.instanceOf(ConnectionRefusedError);
    });
  });

  describe("producers and consumers", () => {
    it("a second registerProducer throws", async () => {
      const { client } = await pair();
      const t = client.transport as StreamTransport;
      const p: IProducer = { stopProducing() {} };
      const push = Object.assign(p, { pauseProducing() {}, resumeProducing() {} });
      t.registerProducer(push, true);
      expect(() => t.registerProducer(push, true)).to.throw(Error, /never unregistered/);
      t.unregisterProducer();
      t.loseConnection();
      await client.lost;
    });

    it("a pull producer is asked for more each time the transport is ready", async () => {
      const { server, client } = await pair();
      const t = client.transport as StreamTransport;
      let calls = 0;
      const producer = {
        resumeProducing(): void {
          calls++;
          if (calls <= 5) t.write(`chunk${calls};`);
          else {
            t.unregisterProducer();
            t.loseConnection();
          }
        },
        stopProducing(): void {},
      };
      t.registerProducer(producer, false);
      expect(calls).to.equal(1);
      await server.lost;
      expect(server.text).to.equal("chunk1;chunk2;chunk3;chunk4;chunk5;");
    });

    it("loseConnection with a pull producer waits for unregisterProducer (test_disconnectWhileProducing)", async () => {
      const { server, client } = await pair();
      const t = client.transport as StreamTransport;
      const producer = { resumeProducing() {}, stopProducing() {} };
      t.registerProducer(producer, false);
      t.loseConnection();
      t.write("still written");
      await server.received(13);
      await sleep(30);
      expect(server.connected).to.equal(true);
      t.unregisterProducer();
      await server.lost;
      expect(server.text).to.equal("still written");
    });

    it("loseConnection with a push producer that is not paused closes once flushed and stops the producer (Twisted's doWrite)", async () => {
      const { server, client } = await pair();
      const t = client.transport as StreamTransport;
      const producer = recordingPushProducer();
      const actions = producer.actions;
      t.registerProducer(producer, true);
      t.write("hi");
      t.loseConnection();
      expect((await server.lost).check(ConnectionDone)).to.equal(ConnectionDone);
      await client.lost;
      expect(server.text).to.equal("hi");
      expect(actions).to.deep.equal(["stop"]);
    });

    it("loseConnection with a paused push producer waits until it is resumed (the buffer drained), then closes", async () => {
      const { server, client } = await pair();
      (server.transport as StreamTransport).pauseProducing(); // the server stops reading
      const t = client.transport as StreamTransport;
      const producer = recordingPushProducer();
      const actions = producer.actions;
      t.registerProducer(producer, true);
      const total = 16 * 1024 * 1024;
      let sent = 0;
      while (sent < total && !actions.includes("pause")) {
        t.write(Buffer.alloc(64 * 1024, 0x61));
        sent += 64 * 1024;
      }
      expect(actions).to.deep.equal(["pause"]);
      t.loseConnection();
      await sleep(50);
      expect(client.connected, "still open while the producer is paused").to.equal(true);
      (server.transport as StreamTransport).resumeProducing();
      await server.lost;
      await client.lost;
      expect(actions).to.deep.equal(["pause", "resume", "stop"]);
      expect(server.bytes).to.equal(sent); // everything written before the close arrived
    });

    it("loseWriteConnection with a pull producer waits for unregisterProducer too, then sends FIN", async () => {
      const { server, client } = await pair(HalfCloseRecorder);
      const t = client.transport as StreamTransport;
      const pull: IProducer & { resumeProducing(): void } = { resumeProducing() {}, stopProducing() {} };
      t.registerProducer(pull, false);
      t.loseWriteConnection();
      await sleep(30);
      expect(server.events).to.deep.equal(["made"]);
      t.write("last");
      t.unregisterProducer();
      await server.received(4);
      await waitFor(() => server.events.includes("readConnectionLost"));
      expect(server.text).to.equal("last");
      expect(client.connected).to.equal(true); // only the write side closed
      server.transport!.loseConnection(); // the half-closeable server ends its side
      await server.lost;
      await client.lost;
    });

    it("stopProducing is called when the connection is lost first", async () => {
      const { server, client } = await pair();
      const t = client.transport as StreamTransport;
      const stopped = later();
      const producer = { pauseProducing() {}, resumeProducing() {}, stopProducing: () => stopped.resolve() };
      t.registerProducer(producer, true);
      server.transport!.loseConnection();
      await stopped.promise;
      await client.lost;
      // registering on a closed transport stops the producer at once
      let stoppedAgain = false;
      t.registerProducer({ stopProducing: () => (stoppedAgain = true) }, false);
      expect(stoppedAgain).to.equal(true);
    });

    it("the transport is a push producer: stopProducing closes", async () => {
      const { server, client } = await pair();
      (client.transport as StreamTransport).stopProducing();
      expect((await server.lost).check(ConnectionDone)).to.equal(ConnectionDone);
    });
  });

  it("works with the global reactor", async () => {
    const factory = new ServerRecorderFactory(Recorder);
    const port = globalReactor.listenTCP(0, factory, { interface: "127.0.0.1" });
    const n = await boundPort(port);
    const cf = new RecordingClientFactory(Recorder);
    globalReactor.connectTCP("127.0.0.1", n, cf);
    const s = await factory.nth(0);
    await s.made;
    s.transport!.loseConnection();
    await cf.connectionLost;
    await port.stopListening();
  });

  it("the transport class is StreamTransport and a Failure reason", async () => {
    const { server, client } = await pair();
    expect(server.transport).to.be.instanceOf(StreamTransport);
    client.transport!.loseConnection();
    expect(await client.lost).to.be.instanceOf(Failure);
  });
});

/** ConnectionDone or ConnectionLost: the peer of a dropped connection may see either. */
const ConnectionClosedLike = Object.getPrototypeOf(ConnectionDone) as typeof ConnectionDone;
