import { expect } from "chai";
import { ClientFactory, DatagramProtocol, Factory, IPv4Address, IPv6Address, Protocol, UNIXAddress } from "../../net";
import type { IConnector } from "../../net";
import { MemoryReactor, MemoryReactorClock, RaisingMemoryReactor } from "../../testing";

describe("MemoryReactor (twisted.internet.testing)", () => {
  it("connectTCP records the call, calls startedConnecting, and the connector knows its destination (test_connectDestination)", () => {
    const reactor = new MemoryReactor();
    const started: IConnector[] = [];
    class F extends ClientFactory {
      override startedConnecting(c: IConnector): void {
        started.push(c);
      }
    }
    const factory = new F();
    const connector = reactor.connectTCP("test.example.com", 8321, factory);
    expect(connector.getDestination()).to.deep.equal(new IPv4Address("TCP", "test.example.com", 8321));
    expect(reactor.tcpClients).to.deep.equal([["test.example.com", 8321, factory, 30, null]]);
    expect(reactor.connectors).to.deep.equal([connector]);
    expect(started).to.deep.equal([connector]);
    const v6 = reactor.connectTCP("::1", 8321, factory, { timeout: 5, bindAddress: ["::1", 0] });
    expect(v6.getDestination()).to.deep.equal(new IPv6Address("TCP", "::1", 8321));
    expect(reactor.tcpClients[1]).to.deep.equal(["::1", 8321, factory, 5, ["::1", 0]]);
    connector.stopConnecting();
    expect(connector.stoppedConnecting).to.equal(true);
  });

  it("listenTCP records the call; the port's host is 0.0.0.0 or the IPv6 interface (test_listenDefaultHost)", () => {
    const reactor = new MemoryReactor();
    const factory = new Factory();
    const port = reactor.listenTCP(0, factory);
    expect(port.getHost()).to.deep.equal(new IPv4Address("TCP", "0.0.0.0", 0));
    const port6 = reactor.listenTCP(8080, factory, { interface: "::1", backlog: 7 });
    expect(port6.getHost()).to.deep.equal(new IPv6Address("TCP", "::1", 8080));
    expect(reactor.tcpServers).to.deep.equal([
      [0, factory, 50, ""],
      [8080, factory, 7, "::1"],
    ]);
  });

  it("a fake port stops, starts and is ready at once", async () => {
    const port = new MemoryReactor().listenTCP(1234, new Factory());
    expect(await port.whenListening()).to.equal(port);
    await port.stopListening();
    expect(port.listening).to.equal(false);
    port.startListening();
    expect(port.listening).to.equal(true);
  });

  it("records SSL, UNIX and UDP calls in the contract's tuple shapes", () => {
    const reactor = new MemoryReactor();
    const factory = new ClientFactory();
    const tls = { rejectUnauthorized: false };
    reactor.listenSSL(443, factory, tls);
    const c = reactor.connectSSL("example.com", 443, factory, tls, { timeout: 3 });
    expect(reactor.sslServers).to.deep.equal([[443, factory, tls, 50, ""]]);
    expect(reactor.sslClients).to.deep.equal([["example.com", 443, factory, tls, 3, null]]);
    expect(c.getDestination()).to.deep.equal(new IPv4Address("TCP", "example.com", 443));
    const up = reactor.listenUNIX("/tmp/sock", factory, { mode: 0o600, wantPID: true });
    expect(up.getHost()).to.deep.equal(new UNIXAddress("/tmp/sock"));
    const uc = reactor.connectUNIX("/tmp/sock", factory);
    expect(uc.getDestination()).to.deep.equal(new UNIXAddress("/tmp/sock"));
    expect(reactor.unixServers).to.deep.equal([["/tmp/sock", factory, 50, 0o600, true]]);
    expect(reactor.unixClients).to.deep.equal([["/tmp/sock", factory, 30]]);
    const datagram = new DatagramProtocol();
    const udp = reactor.listenUDP(5353, datagram, { maxPacketSize: 512 });
    expect(udp.getHost()).to.deep.equal(new IPv4Address("UDP", "0.0.0.0", 5353));
    expect(reactor.udpServers).to.deep.equal([[5353, datagram, "", 512]]);
    udp.write("x", ["127.0.0.1", 1]);
    expect(udp.written).to.deep.equal([["x", ["127.0.0.1", 1]]]);
    expect(reactor.connectors).to.have.length(2);
  });

  it("rejects bad arguments at the call", () => {
    const reactor = new MemoryReactor();
    expect(() => reactor.listenTCP("80" as unknown as number, new Factory())).to.throw(TypeError, /port/);
    expect(() => reactor.listenTCP(70000, new Factory())).to.throw(RangeError, /port/);
    expect(() => reactor.listenTCP(80, {} as never)).to.throw(TypeError, /factory/);
    expect(() => reactor.connectTCP(1 as unknown as string, 80, new ClientFactory())).to.throw(TypeError, /host/);
    expect(() => reactor.listenUDP(53, null as never)).to.throw(TypeError, /protocol/);
  });

  it("run() is synchronous: startup triggers, callWhenRunning hooks, then stop", () => {
    const reactor = new MemoryReactor();
    const order: string[] = [];
    reactor.addSystemEventTrigger("before", "startup", () => order.push("before"));
    reactor.callWhenRunning((x: string) => order.push(`hook ${x}`), "a");
    const id = reactor.addSystemEventTrigger("during", "startup", () => order.push("removed"));
    reactor.removeSystemEventTrigger(id);
    reactor.run();
    expect(order).to.deep.equal(["before", "hook a"]);
    expect([reactor.hasRun, reactor.running, reactor.hasStopped]).to.deep.equal([true, false, true]);
    const { stop } = reactor;
    stop();
    reactor.crash();
    expect(reactor.hasCrashed).to.equal(true);
  });

  it("records triggers as Twisted's (phase → event → [f, args])", () => {
    const reactor = new MemoryReactor();
    const f = (_n: number): void => {};
    reactor.addSystemEventTrigger("after", "shutdown", f, 1);
    expect(reactor.triggers.after.shutdown).to.deep.equal([[f, [1]]]);
  });
});

describe("MemoryReactor as an IReactorFDSet (test_readers, test_writers)", () => {
  it("adds, lists and removes readers, each once", () => {
    const reader = {};
    const reactor = new MemoryReactor();
    reactor.addReader(reader);
    reactor.addReader(reader);
    expect(reactor.getReaders()).to.deep.equal([reader]);
    reactor.removeReader(reader);
    expect(reactor.getReaders()).to.deep.equal([]);
  });

  it("adds, lists and removes writers, each once; removeAll forgets both", () => {
    const writer = {};
    const reactor = new MemoryReactor();
    const { addWriter, removeWriter, getWriters } = reactor;
    addWriter(writer);
    addWriter(writer);
    expect(getWriters()).to.deep.equal([writer]);
    removeWriter(writer);
    expect(getWriters()).to.deep.equal([]);
    reactor.addReader(1);
    reactor.addWriter(2);
    reactor.removeAll();
    expect(reactor.getReaders()).to.deep.equal([]);
    expect(reactor.getWriters()).to.deep.equal([]);
  });

  it("install() records that it was installed", () => {
    const reactor = new MemoryReactor();
    expect(reactor.hasInstalled).to.equal(false);
    reactor.install();
    expect(reactor.hasInstalled).to.equal(true);
  });
});

describe("MemoryReactorClock.calls (Twisted's Clock.calls)", () => {
  it("lists the pending calls in the order they would run", () => {
    const reactor = new MemoryReactorClock();
    expect(reactor.calls).to.deep.equal([]);
    const late = reactor.callLater(2, () => undefined);
    const early = reactor.callLater(1, () => undefined);
    expect(reactor.calls).to.deep.equal([early, late]);
    reactor.advance(1);
    expect(reactor.calls).to.deep.equal([late]);
  });
});

describe("MemoryReactorClock", () => {
  it("is a MemoryReactor with a Clock's time", () => {
    const reactor = new MemoryReactorClock();
    const seen: number[] = [];
    reactor.callLater(2, () => seen.push(reactor.seconds()));
    expect(reactor.getDelayedCalls()).to.have.length(1);
    reactor.advance(1);
    expect(seen).to.deep.equal([]);
    const { advance } = reactor;
    advance(1);
    expect(seen).to.deep.equal([2]);
    expect(reactor.rightNow).to.equal(2);
    reactor.pump([1, 1]);
    expect(reactor.seconds()).to.equal(4);
    reactor.listenTCP(80, new Factory());
    expect(reactor.tcpServers).to.have.length(1);
  });
});

describe("RaisingMemoryReactor", () => {
  it("throws the given exceptions", () => {
    const listen = new Error("listen");
    const connect = new Error("connect");
    const reactor = new RaisingMemoryReactor(listen, connect);
    expect(() => reactor.listenTCP()).to.throw(listen);
    expect(() => reactor.connectTCP()).to.throw(connect);
    expect(() => reactor.listenUNIX()).to.throw(listen);
    expect(() => reactor.connectSSL()).to.throw(connect);
    // Passed as values, as every public method.
    const { listenSSL, connectUNIX } = reactor;
    expect(() => listenSSL()).to.throw(listen);
    expect(() => connectUNIX()).to.throw(connect);
  });
});

describe("Protocol under a MemoryReactor", () => {
  it("a protocol built from a recorded factory", () => {
    const reactor = new MemoryReactor();
    reactor.listenTCP(0, Factory.forProtocol(Protocol));
    const [, factory] = reactor.tcpServers[0];
    const p = factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 1));
    expect(p).to.be.instanceOf(Protocol);
  });
});
