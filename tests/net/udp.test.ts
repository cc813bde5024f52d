import * as dgram from "node:dgram";
import { expect } from "chai";
import { Deferred } from "../../defer";
import type { Reactor } from "../../reactor";
import { DatagramProtocol } from "../../net/datagram-protocol";
import { InvalidAddressError, MessageLengthError, UDPPort } from "../../net/udp";
import { CannotListenError, IPv4Address, IPv6Address } from "../../net";
import { addObserver, msg, removeObserver, type LogEvent } from "../../log";
import { flushLoggedErrors } from "../setup";
import { newReactor, runReactor } from "../helpers/reactor";

type Addr = IPv4Address | IPv6Address;

/** Records what happens to it; `next()` resolves with the next datagram. */
class Recorder extends DatagramProtocol {
  started = 0;
  stopped = 0;
  refused = 0;
  readonly packets: Array<[Buffer, Addr]> = [];
  #waiting: Array<(p: [Buffer, Addr]) => void> = [];
  #refusedWaiters: Array<() => void> = [];
  override noisy = false;
  override startProtocol(): void {
    this.started++;
  }
  override stopProtocol(): void {
    this.stopped++;
  }
  override datagramReceived(data: Buffer, addr: Addr): void {
    const w = this.#waiting.shift();
    if (w) w([data, addr]);
    else this.packets.push([data, addr]);
  }
  override connectionRefused(): void {
    this.refused++;
    this.#refusedWaiters.splice(0).forEach((f) => f());
  }
  next(): Promise<[Buffer, Addr]> {
    const p = this.packets.shift();
    if (p) return Promise.resolve(p);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  whenRefused(): Promise<void> {
    return new Promise((resolve) => this.#refusedWaiters.push(resolve));
  }
}

describe("net/udp: reactor.listenUDP", () => {
  let reactor: Reactor;
  const ports: UDPPort[] = [];
  beforeEach(() => {
    reactor = newReactor();
  });
  afterEach(async () => {
    for (const p of ports.splice(0)) await p.stopListening();
  });
  function listen(proto: DatagramProtocol, options: { maxPacketSize?: number; interface?: string } = {}): UDPPort {
    const p = reactor.listenUDP(0, proto, { interface: "127.0.0.1", ...options });
    ports.push(p);
    return p;
  }

  it("binds asynchronously: startProtocol once bound, then getHost and whenListening", async () => {
    const proto = new Recorder();
    const port = listen(proto);
    expect(proto.started).to.equal(0);
    expect(() => port.getHost()).to.throw(Error, /whenListening/);
    const got = await port.whenListening();
    expect(got).to.equal(port);
    expect(proto.started).to.equal(1);
    expect(proto.transport).to.equal(port);
    const host = port.getHost();
    expect(host).to.be.instanceOf(IPv4Address);
    expect(host.type).to.equal("UDP");
    expect(host.host).to.equal("127.0.0.1");
    expect(host.port).to.be.greaterThan(0);
    // whenListening after binding fires at once.
    expect((await port.whenListening()).getHost().equals(host)).to.equal(true);
  });

  it("the default interface is every IPv4 interface, reported as 0.0.0.0 (as Twisted)", async () => {
    const port = reactor.listenUDP(0, new Recorder());
    ports.push(port);
    await port.whenListening();
    expect(port.getHost().host).to.equal("0.0.0.0");
  });

  it("stopListening calls stopProtocol, clears the transport and fires once closed; startListening binds again", async () => {
    const proto = new Recorder();
    const port = listen(proto);
    await port.whenListening();
    await port.stopListening();
    expect(proto.stopped).to.equal(1);
    expect(proto.transport).to.equal(null);
    expect(proto.numPorts).to.equal(0);
    // Stopping again is harmless.
    await port.stopListening();
    expect(proto.stopped).to.equal(1);
    port.startListening();
    await port.whenListening();
    expect(proto.started).to.equal(2);
  });

  it("logs as Twisted's UDP port: 'starting on', datagramReceived under '<prefix> (UDP)', the close after stopListening() with no context", async () => {
    const events: LogEvent[] = [];
    const observer = (e: LogEvent): void => void events.push(e);
    addObserver(observer);
    try {
      class Echo extends DatagramProtocol {
        override datagramReceived(): void {
          msg("got one");
        }
        override stopProtocol(): void {
          msg("stopping");
        }
      }
      const port = listen(new Echo());
      await port.whenListening();
      const number = port.getHost().port;
      expect(port.logPrefix()).to.equal("Echo (UDP)");
      const sender = dgram.createSocket("udp4");
      await new Promise<void>((r) => sender.send("x", number, "127.0.0.1", () => r()));
      sender.close();
      for (let i = 0; i < 200 && !events.some((e) => e.log_text === "got one"); i++) await new Promise((r) => setTimeout(r, 5));
      await port.stopListening();
      msg("after");
      const lines = events
        .filter((e) => typeof e.log_text === "string" && /starting on|got one|Closed|stopping|Stopping protocol|^after$/.test(e.log_text))
        .map((e) => [e.log_text, e.log_system ?? "-"]);
      expect(lines).to.deep.equal([
        [`Echo starting on ${number}`, "-"],
        ["got one", "Echo (UDP)"],
        [`(UDP Port ${number} Closed)`, "-"],
        ["Stopping protocol Echo", "-"],
        ["stopping", "-"],
        ["after", "-"],
      ]);
    } finally {
      removeObserver(observer);
    }
  });

  it("a UDP port closed by the reactor's shutdown logs its close and stopProtocol under '<prefix> (UDP)'", async () => {
    const events: LogEvent[] = [];
    const observer = (e: LogEvent): void => void events.push(e);
    addObserver(observer);
    try {
      class Echo extends DatagramProtocol {
        override noisy = false;
        override stopProtocol(): void {
          msg("stopping");
        }
      }
      const port = reactor.listenUDP(0, new Echo(), { interface: "127.0.0.1" });
      await port.whenListening();
      const number = port.getHost().port;
      reactor.callWhenRunning(() => reactor.stop());
      await runReactor(reactor);
      const lines = events.filter((e) => /Closed|^stopping$/.test(String(e.log_text))).map((e) => [e.log_text, e.log_system ?? "-"]);
      expect(lines).to.deep.equal([
        [`(UDP Port ${number} Closed)`, "Echo (UDP)"],
        ["stopping", "Echo (UDP)"],
      ]);
    } finally {
      removeObserver(observer);
    }
  });

  it("sends and receives datagrams, with the sender's address", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const sp = listen(server);
    const cp = listen(client);
    await Promise.all([sp.whenListening(), cp.whenListening()]);
    const serverAddr = sp.getHost();
    cp.write("hello", ["127.0.0.1", serverAddr.port]);
    cp.write(Buffer.from("a"), ["127.0.0.1", serverAddr.port]);
    cp.writeSequence(["b", Buffer.from("c")], ["127.0.0.1", serverAddr.port]);
    const [data, from] = await server.next();
    expect(data.toString()).to.equal("hello");
    expect(from.equals(cp.getHost())).to.equal(true);
    expect((await server.next())[0].toString()).to.equal("a");
    expect((await server.next())[0].toString()).to.equal("bc");
    // And back.
    sp.write("back", [from.host, from.port]);
    expect((await client.next())[0].toString()).to.equal("back");
  });

  it("cuts a datagram longer than maxPacketSize (default 8192)", async () => {
    const server = new Recorder();
    const small = new Recorder();
    const sp = listen(server);
    const smallPort = listen(small, { maxPacketSize: 10 });
    await Promise.all([sp.whenListening(), smallPort.whenListening()]);
    expect(sp.maxPacketSize).to.equal(8192);
    const big = Buffer.alloc(9000, 0x61);
    sp.write(big, ["127.0.0.1", sp.getHost().port]);
    expect((await server.next())[0].length).to.equal(8192);
    sp.write("0123456789abcdef", ["127.0.0.1", smallPort.getHost().port]);
    expect((await small.next())[0].toString()).to.equal("0123456789");
  });

  it("an exception in datagramReceived is logged and the port keeps working", async () => {
    class Boom extends Recorder {
      override datagramReceived(data: Buffer, addr: Addr): void {
        if (data.toString() === "boom") throw new RangeError("boom");
        super.datagramReceived(data, addr);
      }
    }
    const server = new Boom();
    const sp = listen(server);
    await sp.whenListening();
    const to: [string, number] = ["127.0.0.1", sp.getHost().port];
    sp.write("boom", to);
    sp.write("after", to);
    expect((await server.next())[0].toString()).to.equal("after");
    expect(flushLoggedErrors(RangeError)).to.have.length(1);
  });

  it("connected UDP: write without an address, connectionRefused when the peer is closed", async () => {
    const server = new Recorder();
    const client = new Recorder();
    const sp = listen(server);
    const cp = listen(client);
    await Promise.all([sp.whenListening(), cp.whenListening()]);
    cp.connect("127.0.0.1", sp.getHost().port);
    expect(() => cp.connect("127.0.0.1", 1)).to.throw(Error, /already connected/);
    cp.write("to the connected peer");
    expect((await server.next())[0].toString()).to.equal("to the connected peer");
    expect(() => cp.write("x", ["127.0.0.1", 1])).to.throw(TypeError, /connected/);
    await sp.stopListening();
    const refused = client.whenRefused();
    cp.write("nobody there");
    // The ICMP error arrives as a receive error on Linux: write once more to surface it.
    const again = setInterval(() => cp.write("still nobody"), 50);
    try {
      await refused;
    } finally {
      clearInterval(again);
    }
    expect(client.refused).to.be.greaterThan(0);
  });

  it("an unconnected port ignores refusals", async () => {
    const client = new Recorder();
    const cp = listen(client);
    const other = listen(new Recorder());
    await Promise.all([cp.whenListening(), other.whenListening()]);
    const closedPort = other.getHost().port;
    await other.stopListening();
    cp.write("x", ["127.0.0.1", closedPort]);
    await new Promise((r) => setTimeout(r, 50));
    expect(client.refused).to.equal(0);
  });

  it("bad input throws at the call", () => {
    const proto = new Recorder();
    expect(() => reactor.listenUDP("80" as unknown as number, proto)).to.throw(TypeError, /port/);
    expect(() => reactor.listenUDP(70000, proto)).to.throw(RangeError, /port/);
    expect(() => reactor.listenUDP(0, {} as DatagramProtocol)).to.throw(TypeError, /protocol/);
    expect(() => reactor.listenUDP(0, proto, { maxPacketSize: 0 })).to.throw(RangeError, /maxPacketSize/);
    expect(() => reactor.listenUDP(0, proto, { interface: "localhost" })).to.throw(InvalidAddressError, /localhost/);
  });

  it("write checks its address and length", async () => {
    const port = listen(new Recorder());
    await port.whenListening();
    expect(() => port.write("x")).to.throw(TypeError, /addr/);
    expect(() => port.write("x", ["localhost", 1])).to.throw(InvalidAddressError);
    expect(() => port.write("x", ["127.0.0.1", -1])).to.throw(RangeError, /port/);
    expect(() => port.write(Buffer.alloc(70000), ["127.0.0.1", 9])).to.throw(MessageLengthError);
    expect(() => port.connect("localhost", 1)).to.throw(InvalidAddressError);
  });

  it("a port in use fails whenListening with CannotListenError", async () => {
    const first = listen(new Recorder());
    await first.whenListening();
    const proto = new Recorder();
    const second = reactor.listenUDP(first.getHost().port, proto, { interface: "127.0.0.1" });
    ports.push(second);
    const d = second.whenListening();
    const failure = await new Promise<unknown>((resolve) => { d.addErrback((f) => resolve(f.value)); });
    expect(failure).to.be.instanceOf(CannotListenError);
    expect((failure as CannotListenError).port).to.equal(first.getHost().port);
    expect(proto.started).to.equal(0);
  });

  it("a bind failure nobody waited for is logged", async () => {
    const first = listen(new Recorder());
    await first.whenListening();
    const second = reactor.listenUDP(first.getHost().port, new Recorder(), { interface: "127.0.0.1" });
    ports.push(second);
    await new Promise((r) => setTimeout(r, 50));
    expect(flushLoggedErrors(CannotListenError)).to.have.length(1);
  });

  it("broadcast can be allowed", async () => {
    const port = listen(new Recorder());
    expect(port.getBroadcastAllowed()).to.equal(false);
    port.setBroadcastAllowed(true);
    await port.whenListening();
    expect(port.getBroadcastAllowed()).to.equal(true);
    port.setBroadcastAllowed(false);
    expect(port.getBroadcastAllowed()).to.equal(false);
  });

  it("IPv6: binds ::1 and reports IPv6Address", async function () {
    const proto = new Recorder();
    const port = reactor.listenUDP(0, proto, { interface: "::1" });
    ports.push(port);
    const result = await new Promise<unknown>((resolve) => { port.whenListening().addCallbacks(resolve, (f) => resolve(f)); });
    if (!(result instanceof UDPPort)) this.skip(); // no IPv6 here
    expect(port.getHost()).to.be.instanceOf(IPv6Address);
    port.write("six", ["::1", port.getHost().port]);
    const [data, from] = await proto.next();
    expect(data.toString()).to.equal("six");
    expect(from.host).to.equal("::1");
  });

  it("methods work when passed as values", async () => {
    const port = listen(new Recorder());
    const d = new Deferred<unknown>();
    d.addCallback(port.whenListening).addCallback(port.stopListening);
    d.callback(null);
    await d;
    expect(port.getHandle()).to.equal(null);
  });

  it("reactor.stop() closes the ports before run() resolves", async () => {
    const proto = new Recorder();
    const port = reactor.listenUDP(0, proto, { interface: "127.0.0.1" });
    await port.whenListening();
    reactor.callLater(0, () => reactor.stop());
    await runReactor(reactor);
    expect(proto.stopped).to.equal(1);
    expect(port.getHandle()).to.equal(null);
  });
});

describe("net/udp: reactor.listenMulticast", () => {
  let reactor: Reactor;
  const ports: UDPPort[] = [];
  beforeEach(() => {
    reactor = newReactor();
  });
  afterEach(async () => {
    for (const p of ports.splice(0)) await p.stopListening();
  });

  it("TTL and loopback mode, with checks", async () => {
    const port = reactor.listenMulticast(0, new Recorder());
    ports.push(port);
    expect(port.getTTL()).to.equal(1);
    expect(port.getLoopbackMode()).to.equal(true);
    port.setTTL(2);
    port.setLoopbackMode(false);
    await port.whenListening();
    expect(port.getTTL()).to.equal(2);
    expect(port.getLoopbackMode()).to.equal(false);
    port.setLoopbackMode(1);
    expect(port.getLoopbackMode()).to.equal(true);
    expect(() => port.setTTL(300)).to.throw(RangeError, /ttl/);
    expect(port.getOutgoingInterface()).to.equal("0.0.0.0");
  });

  it("joins a group and receives its own datagram on loopback; leaving twice fails", async function () {
    const proto = new Recorder();
    const port = reactor.listenMulticast(0, proto);
    ports.push(port);
    const group = "225.0.0.250";
    const joined = await new Promise<unknown>((resolve) => { port.joinGroup(group, "127.0.0.1").addCallbacks(() => resolve(true), (f) => resolve(f)); });
    if (joined !== true) this.skip(); // no multicast on this host
    await port.setOutgoingInterface("127.0.0.1");
    port.write("to the group", [group, port.getHost().port]);
    const [data] = await proto.next();
    expect(data.toString()).to.equal("to the group");
    await port.leaveGroup(group, "127.0.0.1");
    const second = await new Promise<unknown>((resolve) => { port.leaveGroup(group, "127.0.0.1").addCallbacks(resolve, (f) => resolve(f.value)); });
    expect((second as Error).name).to.equal("MulticastJoinError");
  });

  it("joining a non-multicast address fails with MulticastJoinError", async () => {
    const port = reactor.listenMulticast(0, new Recorder());
    ports.push(port);
    const result = await new Promise<unknown>((resolve) => { port.joinGroup("127.0.0.1").addCallbacks(resolve, (f) => resolve(f.value)); });
    expect((result as Error).name).to.equal("MulticastJoinError");
  });

  it("listenMultiple lets two ports share a port number", async () => {
    const first = reactor.listenMulticast(0, new Recorder(), { listenMultiple: true });
    ports.push(first);
    await first.whenListening();
    const second = reactor.listenMulticast(first.getHost().port, new Recorder(), { listenMultiple: true });
    ports.push(second);
    await second.whenListening();
    expect(second.getHost().port).to.equal(first.getHost().port);
  });
});

describe("net/udp: node:dgram is what the ports use", () => {
  it("getHandle is the dgram socket", async () => {
    const reactor = newReactor();
    const port = reactor.listenUDP(0, new Recorder(), { interface: "127.0.0.1" });
    await port.whenListening();
    expect(port.getHandle()).to.be.instanceOf(dgram.Socket);
    await port.stopListening();
  });
});
