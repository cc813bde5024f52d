// Ported from Twisted 22.4: twisted/test/test_udp.py (UDPTests) and
// twisted/internet/test/test_udp.py (UDPPortTestsMixin), on 127.0.0.1 with port 0.
import { expect } from "chai";
import { Deferred, DeferredList, gatherResults } from "../../../defer";
import { reactor } from "../../../reactor";
import {
  CannotListenError,
  ConnectionRefusedError,
  DatagramProtocol,
  InvalidAddressError,
  IPv4Address,
  IPv6Address,
  ValueError,
  type UDPPort,
} from "../../../net";
import { flushLoggedErrors } from "../../setup";

class Server extends DatagramProtocol {
  started = 0;
  stopped = 0;
  startedDeferred: Deferred<void> | null = null;
  packetReceived: Deferred<void> | null = null;
  refused = 0;
  readonly packets: [Buffer, [string, number]][] = [];
  override startProtocol(): void {
    this.started = 1;
    const d = this.startedDeferred;
    if (d !== null) {
      this.startedDeferred = null;
      d.callback(undefined);
    }
  }
  override stopProtocol(): void {
    this.stopped = 1;
  }
  override datagramReceived(data: Buffer, addr: IPv4Address | IPv6Address): void {
    this.packets.push([data, [addr.host, addr.port]]);
    const d = this.packetReceived;
    if (d !== null) {
      this.packetReceived = null;
      d.callback(undefined);
    }
  }
}

class GoodClient extends Server {
  override connectionRefused(): void {
    const d = this.startedDeferred;
    if (d !== null) {
      this.startedDeferred = null;
      d.errback(new ConnectionRefusedError("yup"));
    }
    this.refused = 1;
  }
}

class BadClientError extends Error {}

class BadClient extends DatagramProtocol {
  d: Deferred<Buffer> | null = null;
  override datagramReceived(bytes: Buffer): void {
    const d = this.d;
    if (d !== null) {
      this.d = null;
      d.callback(bytes);
    }
    throw new BadClientError("Application code is very buggy!");
  }
}

describe("twisted ports: test_udp.UDPTests", () => {
  const opened: UDPPort[] = [];
  const listen = (p: DatagramProtocol, options = { interface: "127.0.0.1" }): UDPPort => {
    const port = reactor.listenUDP(0, p, options);
    opened.push(port);
    return port;
  };
  afterEach(async () => {
    for (const p of opened.splice(0)) await p.stopListening();
  });

  it("test_oldAddress", async () => {
    const server = new Server();
    const d = (server.startedDeferred = new Deferred());
    const p = listen(server);
    await d;
    expect(p.getHost().type).to.equal("UDP");
    await p.stopListening();
  });

  it("test_startStop", async () => {
    const server = new Server();
    const d = (server.startedDeferred = new Deferred());
    const port1 = listen(server);
    await d;
    expect(server.started).to.equal(1);
    expect(server.stopped).to.equal(0);
    await port1.stopListening();
    expect(server.stopped).to.equal(1);
  });

  it("test_rebind", async () => {
    const server = new Server();
    let d = (server.startedDeferred = new Deferred());
    const p = listen(server);
    await d;
    await p.stopListening();
    d = server.startedDeferred = new Deferred();
    const p2 = listen(server);
    await d;
    await p2.stopListening();
  });

  it("test_bindError (CannotListenError through whenListening)", async () => {
    const server = new Server();
    const d = (server.startedDeferred = new Deferred());
    const port = listen(server);
    await d;
    expect(port.getHost().equals(server.transport!.getHost())).to.equal(true);
    const port2 = reactor.listenUDP(port.getHost().port, new Server(), { interface: "127.0.0.1" });
    const e = await port2.whenListening().then(
      () => null,
      (f: unknown) => f,
    );
    expect(e).to.be.instanceOf(CannotListenError);
  });

  it("test_sendPackets", async () => {
    const server = new Server();
    const serverStarted = (server.startedDeferred = new Deferred());
    const port1 = listen(server);
    const client = new GoodClient();
    const clientStarted = (client.startedDeferred = new Deferred());
    listen(client);
    await gatherResults([serverStarted, clientStarted]);
    const cAddr = client.transport!.getHost();
    const serverAddr = port1.getHost();
    let received = (server.packetReceived = new Deferred());
    client.transport!.write("hello", ["127.0.0.1", serverAddr.port]);
    await received;
    client.transport!.connect("127.0.0.1", serverAddr.port);
    received = server.packetReceived = new Deferred();
    client.transport!.write("a");
    await received;
    received = server.packetReceived = new Deferred();
    client.transport!.writeSequence(["b", "c"]);
    await received;
    const expected: [Buffer, [string, number]][] = [
      [Buffer.from("hello"), [cAddr.host, cAddr.port]],
      [Buffer.from("a"), [cAddr.host, cAddr.port]],
      [Buffer.from("bc"), [cAddr.host, cAddr.port]],
    ];
    expect(server.packets).to.deep.equal(expected);
  });

  it("test_connectionRefused", async () => {
    const client = new GoodClient();
    const clientStarted = (client.startedDeferred = new Deferred());
    listen(client);
    const server = new Server();
    const serverStarted = (server.startedDeferred = new Deferred());
    listen(server);
    await new DeferredList([clientStarted, serverStarted], { fireOnOneErrback: true });
    // A free port nobody listens on, instead of port 80.
    const probe = new Server();
    const probeStarted = (probe.startedDeferred = new Deferred());
    const closedPort = reactor.listenUDP(0, probe, { interface: "127.0.0.1" });
    await probeStarted;
    const target = closedPort.getHost().port;
    await closedPort.stopListening();
    const connectionRefused = (client.startedDeferred = new Deferred());
    client.transport!.connect("127.0.0.1", target);
    for (let i = 0; i < 10; i++) {
      client.transport!.write(`${i}`);
      server.transport!.write(`${i}`, ["127.0.0.1", target]);
    }
    const e = await connectionRefused.then(
      () => null,
      (f: unknown) => f,
    );
    expect(e).to.be.instanceOf(ConnectionRefusedError);
  });

  it("test_badConnect", async () => {
    const client = new GoodClient();
    // client.transport is set once bound (listenUDP binds asynchronously): use the port.
    const port = listen(client);
    expect(() => port.connect("localhost", 80)).to.throw(InvalidAddressError);
    port.connect("127.0.0.1", 80);
    expect(() => port.connect("127.0.0.1", 80)).to.throw(Error, /already connected/);
    await port.whenListening();
    expect(client.transport).to.equal(port);
    expect(port.getHost().host).to.equal("127.0.0.1");
    await port.stopListening();
  });

  it("test_datagramReceivedError", async () => {
    const client = new BadClient();
    const port = listen(client);
    await port.whenListening();
    const addr = port.getHost();
    const got: Buffer[] = [];
    for (let attempt = 0; attempt < 60 && got.length < 2; attempt++) {
      const d = (client.d = new Deferred<Buffer>());
      client.transport!.write(`${attempt}`, [addr.host, addr.port]);
      const timer = setTimeout(() => d.called || d.errback(new Error("timeout")), 100);
      await d.then(
        (b) => got.push(b),
        () => undefined,
      );
      clearTimeout(timer);
    }
    await new Promise((r) => setImmediate(r));
    expect(client.transport).to.not.equal(null);
    expect(flushLoggedErrors(BadClientError)).to.have.length(2);
  });

  it("test_NoWarningOnBroadcast: '<broadcast>' is an address", async () => {
    const server = new Server();
    const port = listen(server);
    await port.whenListening();
    port.setBroadcastAllowed(true);
    expect(() => port.write("test", ["<broadcast>", 1234])).to.not.throw();
    await new Promise((r) => setTimeout(r, 20));
    flushLoggedErrors();
  });
});

describe("twisted ports: internet/test/test_udp.UDPPortTestsMixin", () => {
  const opened: UDPPort[] = [];
  const getListeningPort = async (p: DatagramProtocol, options: { interface?: string } = { interface: "127.0.0.1" }) => {
    const port = reactor.listenUDP(0, p, options);
    opened.push(port);
    await port.whenListening();
    return port;
  };
  afterEach(async () => {
    for (const p of opened.splice(0)) await p.stopListening();
  });

  it("test_getHost", async () => {
    const port = await getListeningPort(new DatagramProtocol());
    expect(port.getHost().equals(new IPv4Address("UDP", "127.0.0.1", port.getHost().port))).to.equal(true);
  });

  it("test_getHostIPv6", async () => {
    const port = await getListeningPort(new DatagramProtocol(), { interface: "::1" });
    const addr = port.getHost();
    expect(addr.host).to.equal("::1");
    expect(addr).to.be.instanceOf(IPv6Address);
  });

  it("test_invalidInterface", () => {
    expect(() => reactor.listenUDP(0, new DatagramProtocol(), { interface: "example.com" })).to.throw(InvalidAddressError);
    expect(new InvalidAddressError("x", "y")).to.be.instanceOf(ValueError);
  });

  it("test_writeSequence", async () => {
    let resolve!: (b: Buffer) => void;
    const got = new Promise<Buffer>((r) => (resolve = r));
    class Simple extends DatagramProtocol {
      override datagramReceived(data: Buffer): void {
        resolve(data);
      }
    }
    const port = await getListeningPort(new Simple());
    const dataToWrite = ["some", "bytes", "to", "write"].map((s) => Buffer.from(s));
    port.writeSequence(dataToWrite, ["127.0.0.1", port.getHost().port]);
    expect((await got).toString()).to.equal("somebytestowrite");
  });

  it("test_str / test_repr include the port number", async () => {
    const port = await getListeningPort(new DatagramProtocol());
    expect(String(port)).to.include(String(port.getHost().port));
  });

  it("test_writeToIPv6Interface", async () => {
    const server = new Server();
    const serverStarted = (server.startedDeferred = new Deferred());
    await getListeningPort(server, { interface: "::1" });
    const client = new GoodClient();
    const clientStarted = (client.startedDeferred = new Deferred());
    await getListeningPort(client, { interface: "::1" });
    await gatherResults([serverStarted, clientStarted]);
    const cAddr = client.transport!.getHost();
    const received = (server.packetReceived = new Deferred());
    client.transport!.write("spam", ["::1", server.transport!.getHost().port]);
    await received;
    expect(server.packets[0]).to.deep.equal([Buffer.from("spam"), [cAddr.host, cAddr.port]]);
  });

  it("test_connectedWriteToIPv6Interface", async () => {
    const server = new Server();
    await getListeningPort(server, { interface: "::1" });
    const client = new GoodClient();
    await getListeningPort(client, { interface: "::1" });
    const cAddr = client.transport!.getHost();
    client.transport!.connect("::1", server.transport!.getHost().port);
    const received = (server.packetReceived = new Deferred());
    client.transport!.write("spam");
    await received;
    expect(server.packets[0]).to.deep.equal([Buffer.from("spam"), [cAddr.host, cAddr.port]]);
  });

  it("test_writingToHostnameRaisesInvalidAddressError", async () => {
    const port = await getListeningPort(new DatagramProtocol());
    expect(() => port.write("spam", ["example.invalid", 1])).to.throw(InvalidAddressError);
  });

  it("test_writingToIPv6OnIPv4RaisesInvalidAddressError", async () => {
    const port = await getListeningPort(new DatagramProtocol(), { interface: "127.0.0.1" });
    expect(() => port.write("spam", ["::1", 1])).to.throw(InvalidAddressError);
  });

  it("test_writingToIPv4OnIPv6RaisesInvalidAddressError", async () => {
    const port = await getListeningPort(new DatagramProtocol(), { interface: "::1" });
    expect(() => port.write("spam", ["127.0.0.1", 1])).to.throw(InvalidAddressError);
  });

  it("test_connectingToHostnameRaisesInvalidAddressError", async () => {
    const port = await getListeningPort(new DatagramProtocol());
    expect(() => port.connect("example.invalid", 1)).to.throw(InvalidAddressError);
  });

  it("test_allowBroadcast", async () => {
    const port = await getListeningPort(new DatagramProtocol());
    port.setBroadcastAllowed(true);
    expect(port.getBroadcastAllowed()).to.equal(true);
  });
});
