/**
 * The behaviours of tcp-behaviour.test.ts that apply to UNIX sockets, as Twisted's
 * internet/test/test_unix.py runs connectionmixins over them (UNIXTestsBuilder,
 * UNIXPortTestsBuilder): sessionno and logstr, the addresses of both ends at connectionMade and
 * connectionLost, writes, half-close, stopListening with a connection open, connector.disconnect,
 * the factory's callback order, a protocol's exception, pausing in connectionMade. Each socket is
 * in a new temporary directory.
 */
import { expect } from "chai";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Failure } from "../../../core/failure";
import {
  ConnectError,
  ConnectionAborted,
  ConnectionDone,
  UNIXAddress,
  UserError,
  type Address,
  type IConnector,
  type IPushProducer,
  type ITCPTransport,
  type ListeningPort,
  type Protocol,
  type StreamTransport,
} from "../../../net";
import { _disconnectAll, _openResources } from "../../../net/registry";
import type { Reactor } from "../../../reactor";
import { HalfCloseRecorder, Recorder, RecordingClientFactory, ServerRecorderFactory, sleep, tempDir, waitFor } from "../../helpers/net";
import { newReactor } from "../../helpers/reactor";
import { flushLoggedErrors } from "../../setup";


class AccumulatingProtocol extends Recorder {}


describe("twisted ports: test_unix connection details", () => {
  let r: Reactor;
  let tmp: { dir: string; remove: () => void };
  let sock: string;
  beforeEach(() => {
    r = newReactor();
    tmp = tempDir();
    sock = join(tmp.dir, "sock");
  });
  afterEach(() => {
    _disconnectAll(r);
    tmp.remove();
  });

  async function listen<P extends Protocol>(sf: ServerRecorderFactory<P>): Promise<ListeningPort> {
    const port = r.listenUNIX(sock, sf);
    await port.whenListening();
    return port;
  }

  /** A server of `S`, a client of `C` connected to it over `sock`, both connectionMade. */
  async function pair<S extends Protocol = Recorder, C extends Protocol = Recorder>(
    serverProtocol: new () => S = Recorder as unknown as new () => S,
    clientProtocol: new () => C = Recorder as unknown as new () => C,
  ) {
    const sf = new ServerRecorderFactory(serverProtocol);
    const port = await listen(sf);
    const cf = new RecordingClientFactory(clientProtocol);
    const connector = r.connectUNIX(sock, cf);
    const server = await sf.nth(0);
    await waitFor(() => cf.protocols.length > 0 && cf.protocols[0].connected && server.connected);
    return { server, client: cf.protocols[0], port, sf, cf, connector };
  }

  // test_tcp's test_serverRepr / LogTests over UNIX: sessionno and logstr (the peer has no name: Twisted's "P,0,")
  it("server connections are numbered from 0: sessionno and logstr; a client's logstr", async () => {
    const sf = new ServerRecorderFactory(AccumulatingProtocol);
    await listen(sf);
    const clients: RecordingClientFactory<Recorder>[] = [];
    for (let i = 0; i < 2; i++) {
      const cf = new RecordingClientFactory(Recorder);
      clients.push(cf);
      r.connectUNIX(sock, cf);
      await sf.nth(i);
    }
    const transports = sf.protocols.map((p) => p.transport as StreamTransport);
    expect(transports.map((t) => t.sessionno)).to.deep.equal([0, 1]);
    expect(transports.map((t) => t.logstr)).to.deep.equal(["AccumulatingProtocol,0,", "AccumulatingProtocol,1,"]);
    await waitFor(() => clients.every((c) => c.protocols.length === 1 && c.protocols[0].connected));
    expect((clients[0].protocols[0].transport as StreamTransport).logstr).to.equal("Recorder,client");
    for (const c of clients) c.protocols[0].transport!.loseConnection();
    await Promise.all(sf.protocols.map((p) => p.lost));
  });

  // UNIXTestsBuilder.test_addresses, asked in connectionMade and connectionLost on both sides
  it("addresses: the path on the listening side, UNIXAddress(null) for the client's end, the same at connectionLost", async () => {
    const seen: Record<string, Array<[Address, Address]>> = {};
    class Asking extends Recorder {
      side = "";
      note(): void {
        (seen[this.side] ??= []).push([this.transport!.getHost(), this.transport!.getPeer()]);
      }
      override connectionMade(): void {
        super.connectionMade();
        this.note();
      }
      override connectionLost(reason: Failure): void {
        this.note();
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
    await listen(sf);
    const built: Address[] = [];
    class Remembering extends RecordingClientFactory<ClientSide> {
      override buildProtocol(addr: Address): ClientSide | null {
        built.push(addr);
        return super.buildProtocol(addr);
      }
    }
    const cf = new Remembering(ClientSide);
    r.connectUNIX(sock, cf);
    await (await sf.nth(0)).lost;
    await cf.connectionLost;
    const path = new UNIXAddress(sock);
    const unnamed = new UNIXAddress(null);
    expect(built.map(String)).to.deep.equal([String(path)]);
    expect(seen.server.map((a) => a.map(String))).to.deep.equal([
      [String(path), String(unnamed)],
      [String(path), String(unnamed)],
    ]);
    expect(seen.client.map((a) => a.map(String))).to.deep.equal([
      [String(unnamed), String(path)],
      [String(unnamed), String(path)],
    ]);
  });

  // test_tcp's WriteDataTests.test_writer over UNIX
  it("test_writer: write and writeSequence in connectionMade, then loseConnection: all arrives in order", async () => {
    class Writer extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        this.transport!.write("Hello Cleveland!\n");
        this.transport!.writeSequence(["Goodbye", Buffer.from(" cruel"), " world", "\n"]);
        this.transport!.loseConnection();
      }
    }
    await listen(new ServerRecorderFactory(Writer));
    const cf = new RecordingClientFactory(Recorder);
    r.connectUNIX(sock, cf);
    const reason = await cf.connectionLost;
    expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(cf.protocols[0].text).to.equal("Hello Cleveland!\nGoodbye cruel world\n");
  });

  // test_tcp's HalfCloseTests.testCloseWriteCloser / testWriteCloseNotification over UNIX
  it("half-close: writeConnectionLost here, readConnectionLost there, later writes dropped, the other way still open", async () => {
    const { server, client } = await pair(HalfCloseRecorder, HalfCloseRecorder);
    client.transport!.write("hello");
    (client.transport as ITCPTransport).loseWriteConnection();
    await waitFor(() => client.writeHalfClosed && server.readHalfClosed);
    client.transport!.write(" dropped"); // after writeConnectionLost, as testCloseWriteCloser
    await sleep(20);
    expect(server.text).to.equal("hello");
    expect(client.readHalfClosed).to.equal(false);
    expect(server.writeHalfClosed).to.equal(false);
    server.transport!.write("reply");
    await client.received(5);
    expect(client.text).to.equal("reply");
    server.transport!.loseConnection();
    await Promise.all([server.lost, client.lost]);
    expect(server.events).to.deep.equal(["made", "readConnectionLost", "lost"]);
  });

  // test_tcp's HalfCloseNoNotificationAndShutdownExceptionTests.testNoNotification over UNIX
  it("half-close to a protocol that is not half-closeable: it gets the data, then both close cleanly", async () => {
    const { server, client } = await pair(AccumulatingProtocol, AccumulatingProtocol);
    client.transport!.write("hello");
    (client.transport as ITCPTransport).loseWriteConnection();
    const [s, c] = await Promise.all([server.lost, client.lost]);
    expect(server.text).to.equal("hello");
    expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
  });

  // IListeningPort.stopListening over UNIX (Twisted's unix.Port removes its socket file)
  it("stopListening with a connection open: it stays open, the socket file is removed, new connects fail", async () => {
    const { server, client, port } = await pair();
    await port.stopListening();
    expect(existsSync(sock)).to.equal(false);
    const late = new RecordingClientFactory(Recorder);
    r.connectUNIX(sock, late);
    const failed = await late.failed;
    expect(failed.value).to.be.instanceOf(ConnectError);
    expect((failed.value as ConnectError).osError).to.equal("ENOENT");
    client.transport!.write("still here");
    await server.received(10);
    server.transport!.write("me too");
    await client.received(6);
    client.transport!.loseConnection();
    await server.lost;
  });

  // connector.disconnect() while connected, and CallBackOrderTests.test_loseOrder, over UNIX
  it("connector.disconnect() while connected: connectionLost, then clientConnectionLost, then stopFactory", async () => {
    const order: string[] = [];
    class Client extends Recorder {
      override connectionLost(reason: Failure): void {
        order.push("connectionLost");
        super.connectionLost(reason);
      }
    }
    class Factory_ extends RecordingClientFactory<Client> {
      override startedConnecting(c: IConnector): void {
        order.push(`startedConnecting ${c.state}`);
      }
      override clientConnectionLost(c: IConnector, reason: Failure): void {
        order.push(`clientConnectionLost ${c.state}`);
        super.clientConnectionLost(c, reason);
      }
      override stopFactory(): void {
        order.push("stopFactory");
      }
    }
    const sf = new ServerRecorderFactory(Recorder);
    await listen(sf);
    const cf = new Factory_(Client);
    const connector = r.connectUNIX(sock, cf);
    const server = await sf.nth(0);
    await waitFor(() => cf.protocols.length === 1 && cf.protocols[0].connected);
    expect(connector.state).to.equal("connected");
    connector.disconnect();
    const [s, c] = await Promise.all([server.lost, cf.connectionLost]);
    expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(order).to.deep.equal(["startedConnecting connecting", "connectionLost", "clientConnectionLost disconnected", "stopFactory"]);
  });

  // ConnectionTestsMixin over UNIX: a protocol's exception drops only its connection
  it("a server's dataReceived throwing: that connection dropped (the client sees a clean close), the next one served", async () => {
    class Boom extends Error {}
    class ThrowsOnce extends Recorder {
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        if (data.toString() === "boom") throw new Boom("boom");
      }
    }
    const { server, client, sf } = await pair(ThrowsOnce);
    const other = new RecordingClientFactory(Recorder);
    r.connectUNIX(sock, other);
    const second = await sf.nth(1);
    await waitFor(() => other.protocols.length === 1 && other.protocols[0].connected);
    client.transport!.write("boom");
    const [s, c] = await Promise.all([server.lost, client.lost]);
    expect(s.value).to.be.instanceOf(Boom);
    expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
    other.protocols[0].transport!.write("fine");
    await second.received(4);
    expect(second.connected).to.equal(true);
    other.protocols[0].transport!.loseConnection();
    await second.lost;
  });

  // test_tcp's PauseProducingTests.test_pauseProducingInConnectionMade over UNIX
  it("a client paused in connectionMade reads nothing until resumed", async () => {
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
    client.transport!.loseConnection();
    await server.lost;
  });

  // AbortConnectionMixin over UNIX (no reset exists there: the peer sees a clean close, as Twisted 22.4's)
  it("abortConnection: ConnectionAborted here, ConnectionDone at the peer, what was buffered dropped", async () => {
    class Aborts extends Recorder {
      override connectionMade(): void {
        super.connectionMade();
        this.transport!.write("x".repeat(10));
        (this.transport as ITCPTransport).abortConnection();
      }
    }
    const sf = new ServerRecorderFactory(Aborts);
    await listen(sf);
    const cf = new RecordingClientFactory(Recorder);
    r.connectUNIX(sock, cf);
    const reason = await cf.connectionLost;
    expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(cf.protocols[0].bytes).to.equal(0);
    expect((await (await sf.nth(0)).lost).value).to.be.instanceOf(ConnectionAborted);
  });

  // test_tcp's ProperlyCloseFilesTests.test_properlyCloseFiles over UNIX
  it("once both sides are lost only the port is left open, and nothing once it stops", async () => {
    const { server, client, port } = await pair();
    client.transport!.write("some bytes to make sure the connection is set up");
    client.transport!.loseConnection();
    await Promise.all([client.lost, server.lost]);
    expect(_openResources(r)).to.deep.equal([port]);
    await port.stopListening();
    expect(_openResources(r)).to.deep.equal([]);
  });

  // TCPConnectorTestsBuilder.test_userFail over UNIX (disconnect() while connecting stops connecting)
  it("connector.disconnect() while connecting: clientConnectionFailed(UserError), no protocol built", async () => {
    await listen(new ServerRecorderFactory(Recorder));
    const cf = new RecordingClientFactory(Recorder);
    const connector = r.connectUNIX(sock, cf);
    expect(connector.state).to.equal("connecting");
    connector.disconnect();
    const reason = await cf.failed;
    expect(reason.value).to.be.instanceOf(UserError);
    expect(connector.state).to.equal("disconnected");
    await sleep(20);
    expect(cf.protocols).to.have.length(0);
  });
});
