/** TLS ports, connections and STARTTLS, with a self-signed certificate made at test time. */
import { expect } from "chai";
import { ConnectionDone, ConnectionLost, IPv4Address, type ITLSTransport, type ListeningPort } from "../../net";
import { _disconnectAll } from "../../net/registry";
import type { Reactor } from "../../reactor";
import { Recorder, RecordingClientFactory, ServerRecorderFactory, boundPort, localhostCertificate, sleep } from "../helpers/net";
import { newReactor } from "../helpers/reactor";

describe("net/tls", function () {
  this.timeout(20_000);
  let r: Reactor;
  let pem: { key: string; cert: string };
  before(async () => {
    pem = await localhostCertificate();
  });
  beforeEach(() => {
    r = newReactor();
  });
  afterEach(() => _disconnectAll(r));

  async function tlsServer(): Promise<{ port: ListeningPort; number: number; sf: ServerRecorderFactory<Recorder> }> {
    const sf = new ServerRecorderFactory(Recorder);
    const port = r.listenSSL(0, sf, { key: pem.key, cert: pem.cert }, { interface: "127.0.0.1" });
    return { port, number: await boundPort(port), sf };
  }

  async function connected(cf: RecordingClientFactory<Recorder>): Promise<Recorder> {
    while (cf.protocols.length === 0) {
      const failed = await Promise.race([cf.failed, sleep(5).then(() => null)]);
      if (failed !== null) throw failed.value;
    }
    await cf.protocols[0].made;
    return cf.protocols[0];
  }

  it("carries bytes both ways once the certificate is verified (by IP and by name)", async () => {
    const { port, number, sf } = await tlsServer();
    for (const host of ["127.0.0.1", "localhost"]) {
      const cf = new RecordingClientFactory(Recorder);
      r.connectSSL(host, number, cf, { ca: pem.cert });
      const client = await connected(cf);
      const server = await sf.nth(host === "localhost" ? 1 : 0);
      await server.made;
      expect(client.transport!.getPeer().equals(new IPv4Address("TCP", "127.0.0.1", number))).to.equal(true);
      expect(server.transport!.getPeer().equals(client.transport!.getHost())).to.equal(true);
      client.transport!.write("secret");
      await server.received(6);
      expect(server.text).to.equal("secret");
      server.transport!.write("reply");
      await client.received(5);
      expect(client.text).to.equal("reply");
      client.transport!.loseConnection();
      const [c, s] = await Promise.all([client.lost, server.lost]);
      expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
      expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
    }
    await port.stopListening();
  });

  it("verifies the certificate by default: an untrusted one fails the connection with the TLS error", async () => {
    const { port, number } = await tlsServer();
    const cf = new RecordingClientFactory(Recorder);
    r.connectSSL("127.0.0.1", number, cf, {});
    const f = await cf.failed;
    expect(cf.protocols).to.have.length(0);
    expect((f.value as NodeJS.ErrnoException).code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(cf.calls).to.deep.equal(["startFactory", "startedConnecting", "clientConnectionFailed", "stopFactory"]);
    await port.stopListening();
  });

  it("verifies the host name: another name fails with ERR_TLS_CERT_ALTNAME_INVALID", async () => {
    const { port, number } = await tlsServer();
    const cf = new RecordingClientFactory(Recorder);
    r.connectSSL("127.0.0.1", number, cf, { ca: pem.cert, hostname: "example.com" });
    const f = await cf.failed;
    expect((f.value as NodeJS.ErrnoException).code).to.equal("ERR_TLS_CERT_ALTNAME_INVALID");
    await port.stopListening();
  });

  it("rejectUnauthorized: false turns verification off", async () => {
    const { port, number, sf } = await tlsServer();
    const cf = new RecordingClientFactory(Recorder);
    r.connectSSL("127.0.0.1", number, cf, { rejectUnauthorized: false });
    const client = await connected(cf);
    const server = await sf.nth(0);
    client.transport!.loseConnection();
    await server.lost;
    await port.stopListening();
  });

  it("abortConnection on TLS: ConnectionAborted locally, ConnectionLost at the peer", async () => {
    const { port, number, sf } = await tlsServer();
    const cf = new RecordingClientFactory(Recorder);
    r.connectSSL("127.0.0.1", number, cf, { ca: pem.cert });
    const client = await connected(cf);
    const server = await sf.nth(0);
    await server.made;
    // Data both ways first: aborted straight after the handshake, node:tls sometimes reports
    // the reset to the server as a clean end (raw node:tls too, under load:
    // docs/design/net-transport.md).
    client.transport!.write("x");
    await server.received(1);
    server.transport!.write("y");
    await client.received(1);
    (client.transport as ITLSTransport).abortConnection();
    expect((await server.lost).value).to.be.instanceOf(ConnectionLost);
    await port.stopListening();
  });

  describe("startTLS (STARTTLS upgrade in place)", () => {
    class StartTLSServer extends Recorder {
      static options: { key: string; cert: string };
      override dataReceived(data: Buffer): void {
        super.dataReceived(data);
        if (this.text === "STARTTLS\n") {
          this.transport!.write("OK\n");
          (this.transport as ITLSTransport).startTLS(StartTLSServer.options, true);
          this.chunks.length = 0;
        }
      }
    }

    /** A client and a server of class `S` over TCP, the client having asked for STARTTLS and read "OK". */
    async function askForTLS(S: typeof StartTLSServer): Promise<{ port: ListeningPort; client: Recorder; server: StartTLSServer }> {
      StartTLSServer.options = pem;
      const sf = new ServerRecorderFactory(S);
      const port = r.listenTCP(0, sf, { interface: "127.0.0.1" });
      const number = await boundPort(port);
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, cf);
      const client = await connected(cf);
      const server = await sf.nth(0);
      client.transport!.write("STARTTLS\n");
      await client.received(3);
      return { port, client, server };
    }

    it("upgrades both sides: what was written before goes in the clear, the rest encrypted", async () => {
      const { port, client, server } = await askForTLS(StartTLSServer);
      expect(client.text).to.equal("OK\n");
      (client.transport as ITLSTransport).startTLS({ ca: pem.cert, hostname: "localhost" });
      client.transport!.write("now encrypted");
      await server.received(13);
      expect(server.text).to.equal("now encrypted");
      expect(() => (client.transport as ITLSTransport).startTLS({})).to.throw(Error, /already TLS/);
      client.transport!.loseConnection();
      expect((await server.lost).check(ConnectionDone)).to.equal(ConnectionDone);
      await port.stopListening();
    });

    it("a transport paused before startTLS stays paused after it: nothing is delivered until resumed", async () => {
      class PausingServer extends StartTLSServer {
        override dataReceived(data: Buffer): void {
          if (this.text === "" && data.toString() === "STARTTLS\n") (this.transport as unknown as { pauseProducing(): void }).pauseProducing();
          super.dataReceived(data);
        }
      }
      const { port, client, server } = await askForTLS(PausingServer);
      (client.transport as ITLSTransport).startTLS({ ca: pem.cert, hostname: "localhost" });
      client.transport!.write("while paused");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.text).to.equal("");
      (server.transport as unknown as { resumeProducing(): void }).resumeProducing();
      await server.received(12);
      expect(server.text).to.equal("while paused");
      client.transport!.loseConnection();
      await server.lost;
      await port.stopListening();
    });

    it("a failed handshake after startTLS is connectionLost with the TLS error", async () => {
      StartTLSServer.options = pem;
      const sf = new ServerRecorderFactory(StartTLSServer);
      const port = r.listenTCP(0, sf, { interface: "127.0.0.1" });
      const number = await boundPort(port);
      const cf = new RecordingClientFactory(Recorder);
      r.connectTCP("127.0.0.1", number, cf);
      const client = await connected(cf);
      client.transport!.write("STARTTLS\n");
      await client.received(3);
      (client.transport as ITLSTransport).startTLS({}); // no trusted CA: verification fails
      const reason = await client.lost;
      expect((reason.value as NodeJS.ErrnoException).code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY/);
      expect(client.lostReasons).to.have.length(1);
      await (await sf.nth(0)).lost;
      await port.stopListening();
    });
  });

  it("bad input: TLS options must be an object", () => {
    const sf = new ServerRecorderFactory(Recorder);
    expect(() => r.listenSSL(0, sf, null as never)).to.throw(TypeError, /tls/);
    expect(() => r.connectSSL("127.0.0.1", 1, new RecordingClientFactory(Recorder), 5 as never)).to.throw(TypeError, /tls/);
    expect(() => r.listenSSL(99999, sf, {})).to.throw(RangeError, /port/);
  });
});
