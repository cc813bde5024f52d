/**
 * The endpoints against a recording reactor (tests/helpers/fake-io-reactor.ts), ported from
 * Twisted's internet/test/test_endpoints.py: WrappingFactoryTests, the TCP4/TCP6/SSL4/UNIX
 * endpoint tests of ClientEndpointTestCaseMixin / ServerEndpointTestCaseMixin, and
 * ConnectProtocolTests.
 */
import { expect } from "chai";
import { CancelledError, Deferred, Failure } from "../../defer";
import { IPv4Address, IPv6Address, UNIXAddress } from "../../net/address";
import {
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TCP6ServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  connectProtocol,
} from "../../net/endpoints";
import { NoProtocol, _WrappingFactory, _WrappingProtocol } from "../../net/wrapping-factory";
import { CannotListenError, ConnectingCancelledError, ConnectionDone, ConnectionRefusedError, DNSLookupError } from "../../net/errors";
import { ClientFactory, Factory } from "../../net/factory";
import type { IProtocol } from "../../net/interfaces";
import { Protocol } from "../../net/protocol";
import { failureOf, successOf } from "../helpers/deferred";
import { collectGarbage } from "../helpers/gc";
import { flushLoggedErrors } from "../setup";
import { FakeIOReactor, FakeTransport } from "../helpers/fake-io-reactor";

/** Records what happens to it, as Twisted's TestProtocol. */
class TestProtocol extends Protocol {
  data: Buffer[] = [];
  connectionsLost: Failure[] = [];
  connectionMadeCalls = 0;
  override connectionMade(): void {
    this.connectionMadeCalls++;
  }
  override dataReceived(data: Buffer): void {
    this.data.push(data);
  }
  override connectionLost(reason: Failure): void {
    this.connectionsLost.push(reason);
  }
}

class TestHalfCloseableProtocol extends TestProtocol {
  readLost = 0;
  writeLost = 0;
  readConnectionLost(): void {
    this.readLost++;
  }
  writeConnectionLost(): void {
    this.writeLost++;
  }
}

/** Counts doStart/doStop, as Twisted's TestFactory. */
class TestFactory extends ClientFactory<TestProtocol> {
  override noisy = false;
  override protocol = TestProtocol;
  starts = 0;
  stops = 0;
  override startFactory(): void {
    this.starts++;
  }
  override stopFactory(): void {
    this.stops++;
  }
}

class NoneFactory extends Factory {
  override buildProtocol(): null {
    return null;
  }
}

const ADDR = new IPv4Address("TCP", "127.0.0.1", 0);

describe("net/endpoints", () => {
  describe("_WrappingFactory (WrappingFactoryTests)", () => {
    it("doStart and doStop go to the wrapped factory", () => {
      const f = new TestFactory();
      const wf = new _WrappingFactory(f);
      wf.doStart();
      wf.doStop();
      expect([f.starts, f.stops]).to.deep.equal([1, 1]);
    });

    it("a buildProtocol that throws fails the Deferred with its error and refuses the connection", () => {
      class Boom extends Factory {
        override buildProtocol(): Protocol {
          throw new Error("boom");
        }
      }
      const wf = new _WrappingFactory(new Boom());
      expect(wf.buildProtocol(ADDR)).to.equal(null);
      expect(failureOf(wf._onConnection, Error).value).to.have.property("message", "boom");
    });

    it("a buildProtocol that returns null fails the Deferred with NoProtocol", () => {
      const wf = new _WrappingFactory(new NoneFactory());
      expect(wf.buildProtocol(ADDR)).to.equal(null);
      failureOf(wf._onConnection, NoProtocol);
    });

    it("the wrapping protocol passes data and connectionLost through, and logPrefix", () => {
      const wf = new _WrappingFactory(new TestFactory());
      const wrapper = wf.buildProtocol(ADDR) as _WrappingProtocol;
      const t = new FakeTransport();
      wrapper.makeConnection(t);
      const proto = successOf(wf._onConnection) as TestProtocol;
      expect(proto.transport).to.equal(t);
      expect(proto.connected).to.equal(true);
      wrapper.dataReceived(Buffer.from("hi"));
      wrapper.connectionLost(new Failure(new ConnectionDone()));
      expect(Buffer.concat(proto.data).toString()).to.equal("hi");
      expect(proto.connectionsLost[0].check(ConnectionDone)).to.equal(ConnectionDone);
      expect(wrapper.logPrefix()).to.equal("TestProtocol");
    });

    it("provides the half-close methods only when the wrapped protocol does", () => {
      const plain = new _WrappingProtocol(new Deferred(), new TestProtocol());
      expect("readConnectionLost" in plain).to.equal(false);
      expect("writeConnectionLost" in plain).to.equal(false);
      const inner = new TestHalfCloseableProtocol();
      const half = new _WrappingProtocol(new Deferred(), inner);
      half.readConnectionLost!();
      half.writeConnectionLost!();
      expect([inner.readLost, inner.writeLost]).to.deep.equal([1, 1]);
    });

    it("a connectionMade that throws fails the Deferred and the error reaches the transport", () => {
      class Bad extends Protocol {
        override connectionMade(): void {
          throw new Error("bad start");
        }
      }
      const wf = new _WrappingFactory(Factory.forProtocol(Bad));
      const wrapper = wf.buildProtocol(ADDR)!;
      expect(() => wrapper.makeConnection(new FakeTransport())).to.throw("bad start");
      expect(failureOf(wf._onConnection, Error).value).to.have.property("message", "bad start");
    });

    it("a connection lost before it was made fails the Deferred; a failure after success is ignored", () => {
      const wf = new _WrappingFactory(new TestFactory());
      const connector = new FakeIOReactor().connectTCP("h", 1, new ClientFactory());
      wf.clientConnectionLost(connector, new Failure(new ConnectionDone()));
      failureOf(wf._onConnection, ConnectionDone);
      wf.clientConnectionFailed(connector, new Failure(new Error("late"))); // no AlreadyCalledError
    });
  });

  describe("TCP4ServerEndpoint / TCP6ServerEndpoint", () => {
    it("listen() calls listenTCP with the port, backlog and interface, and fires with the port once bound", () => {
      const reactor = new FakeIOReactor();
      const factory = new TestFactory();
      const d = new TCP4ServerEndpoint(reactor, 8080, { backlog: 12, interface: "10.0.0.1" }).listen(factory);
      expect(reactor.tcpServers).to.have.length(1);
      const call = reactor.tcpServers[0];
      expect(call.port).to.equal(8080);
      expect(call.factory).to.equal(factory);
      expect(call.options).to.deep.equal({ backlog: 12, interface: "10.0.0.1" });
      expect(d.called).to.equal(false);
      call.result.bound();
      expect(successOf(d)).to.equal(call.result);
    });

    it("defaults: backlog 50, interface '' (TCP4) and '::' (TCP6)", () => {
      const reactor = new FakeIOReactor();
      void new TCP4ServerEndpoint(reactor, 0).listen(new TestFactory());
      void new TCP6ServerEndpoint(reactor, 0).listen(new TestFactory());
      expect(reactor.tcpServers.map((c) => c.options)).to.deep.equal([
        { backlog: 50, interface: "" },
        { backlog: 50, interface: "::" },
      ]);
      const ep = new TCP6ServerEndpoint(reactor, 80);
      expect([ep._port, ep._backlog, ep._interface, ep._reactor]).to.deep.equal([80, 50, "::", reactor]);
      for (const c of reactor.tcpServers) c.result.bound();
    });

    it("fails with CannotListenError when the bind fails", () => {
      const reactor = new FakeIOReactor();
      const d = new TCP4ServerEndpoint(reactor, 80).listen(new TestFactory());
      reactor.tcpServers[0].result.bindFails(Object.assign(new Error("in use"), { code: "EADDRINUSE" }));
      const f = failureOf(d, CannotListenError);
      expect((f.value as CannotListenError).port).to.equal(80);
    });

    it("an exception from listenTCP is a failed Deferred", () => {
      const reactor = new FakeIOReactor();
      reactor.raises = new Error("no");
      failureOf(new TCP4ServerEndpoint(reactor, 80).listen(new TestFactory()), Error);
    });

    it("cancelling listen() before the port is bound stops the port: CancelledError", () => {
      const reactor = new FakeIOReactor();
      const d = new TCP4ServerEndpoint(reactor, 80).listen(new TestFactory());
      d.cancel();
      failureOf(d, CancelledError);
      const port = reactor.tcpServers[0].result;
      expect(port.stopListeningCalls).to.equal(1);
      port.bound(); // too late: ignored
    });

    it("a bind failure after listen() was cancelled is dropped, not reported as unhandled", async () => {
      // In a function of its own, so nothing on the test's stack keeps the Deferreds alive.
      ((): void => {
        const reactor = new FakeIOReactor();
        const d = new TCP4ServerEndpoint(reactor, 80).listen(new TestFactory());
        d.cancel();
        failureOf(d, CancelledError);
        reactor.tcpServers[0].result.bindFails(new Error("in use"));
      })();
      await collectGarbage();
      expect(flushLoggedErrors(CannotListenError)).to.deep.equal([]);
    });

    it("bad input throws at the call, naming the argument", () => {
      const reactor = new FakeIOReactor();
      expect(() => new TCP4ServerEndpoint(reactor, "80" as unknown as number)).to.throw(TypeError, /port/);
      expect(() => new TCP4ServerEndpoint(reactor, 70000)).to.throw(RangeError, /port/);
      expect(() => new TCP4ServerEndpoint(reactor, 1.5)).to.throw(RangeError, /port/);
      expect(() => new TCP4ServerEndpoint(reactor, 80, { backlog: -1 })).to.throw(RangeError, /backlog/);
      expect(() => new TCP4ServerEndpoint(reactor, 80, { interface: 1 as unknown as string })).to.throw(TypeError, /interface/);
      expect(() => new TCP4ServerEndpoint(null as unknown as FakeIOReactor, 80)).to.throw(TypeError, /reactor/);
      expect(() => new TCP4ServerEndpoint(reactor, 80).listen({} as Factory)).to.throw(TypeError, /factory/);
      expect(reactor.tcpServers).to.have.length(0);
    });

    it("listen works passed as a value", () => {
      const reactor = new FakeIOReactor();
      const { listen } = new TCP4ServerEndpoint(reactor, 80);
      const d = listen(new TestFactory());
      reactor.tcpServers[0].result.bound();
      successOf(d);
    });
  });

  describe("TCP4ClientEndpoint (ClientEndpointTestCaseMixin)", () => {
    it("connect() calls connectTCP with host, port, timeout and bindAddress", () => {
      const reactor = new FakeIOReactor();
      const ep = new TCP4ClientEndpoint(reactor, "example.com", 1234, { timeout: 7, bindAddress: ["10.0.0.2", 0] });
      const d = ep.connect(new TestFactory());
      const call = reactor.tcpClients[0];
      expect([call.host, call.port, call.options]).to.deep.equal(["example.com", 1234, { timeout: 7, bindAddress: ["10.0.0.2", 0] }]);
      expect(ep.toString()).to.equal("TCP4ClientEndpoint(example.com:1234)");
      call.result.connectionFails(new ConnectionRefusedError());
      failureOf(d, ConnectionRefusedError);
    });

    it("defaults: timeout 30, no bindAddress", () => {
      const reactor = new FakeIOReactor();
      const ep = new TCP4ClientEndpoint(reactor, "h", 1);
      expect([ep._timeout, ep._bindAddress]).to.deep.equal([30, null]);
      const d = ep.connect(new TestFactory());
      expect(reactor.tcpClients[0].options).to.deep.equal({ timeout: 30, bindAddress: null });
      reactor.tcpClients[0].result.connectionFails(new ConnectionRefusedError());
      failureOf(d, ConnectionRefusedError);
    });

    it("fires with the user's protocol once its connectionMade has run (test_endpointConnectSuccess)", () => {
      const reactor = new FakeIOReactor();
      const factory = new TestFactory();
      const d = new TCP4ClientEndpoint(reactor, "127.0.0.1", 80).connect(factory);
      expect(d.called).to.equal(false);
      const connector = reactor.tcpClients[0].result;
      let madeWhenFired = -1;
      d.addCallback((p) => {
        madeWhenFired = (p as TestProtocol).connectionMadeCalls;
        return p;
      });
      const transport = new FakeTransport();
      connector.connectionSucceeds(transport);
      const proto = successOf(d) as TestProtocol;
      expect(proto).to.be.instanceOf(TestProtocol);
      expect(proto.factory).to.equal(factory);
      expect(proto.transport).to.equal(transport);
      expect(madeWhenFired).to.equal(1);
      // The wrapper forwards what the transport delivers.
      connector.protocol!.dataReceived(Buffer.from("abc"));
      expect(Buffer.concat(proto.data).toString()).to.equal("abc");
    });

    it("fails with the connect error (test_endpointConnectFailure)", () => {
      const reactor = new FakeIOReactor();
      const d = new TCP4ClientEndpoint(reactor, "127.0.0.1", 80).connect(new TestFactory());
      reactor.tcpClients[0].result.connectionFails(new ConnectionRefusedError());
      failureOf(d, ConnectionRefusedError);
    });

    it("cancel while connecting: stopConnecting and ConnectingCancelledError with the address (test_endpointConnectingCancelled)", () => {
      const reactor = new FakeIOReactor();
      const d = new TCP4ClientEndpoint(reactor, "127.0.0.1", 80).connect(new TestFactory());
      d.cancel();
      const f = failureOf(d, ConnectingCancelledError);
      expect((f.value as ConnectingCancelledError).address).to.deep.equal(new IPv4Address("TCP", "127.0.0.1", 80));
      const connector = reactor.tcpClients[0].result;
      expect(connector.stopConnectingCalls).to.equal(1);
      expect(connector.state).to.equal("disconnected");
    });

    it("fails with NoProtocol when the factory builds none", () => {
      const reactor = new FakeIOReactor();
      const d = new TCP4ClientEndpoint(reactor, "127.0.0.1", 80).connect(new NoneFactory());
      expect(reactor.tcpClients[0].result.connectionSucceeds()).to.equal(null);
      failureOf(d, NoProtocol);
    });

    it("an exception from connectTCP is a failed Deferred", () => {
      const reactor = new FakeIOReactor();
      reactor.raises = new TypeError("bad");
      failureOf(new TCP4ClientEndpoint(reactor, "h", 80).connect(new TestFactory()), TypeError);
    });

    it("bad input throws at the call", () => {
      const reactor = new FakeIOReactor();
      expect(() => new TCP4ClientEndpoint(reactor, 5 as unknown as string, 80)).to.throw(TypeError, /host/);
      expect(() => new TCP4ClientEndpoint(reactor, "h", -1)).to.throw(RangeError, /port/);
      expect(() => new TCP4ClientEndpoint(reactor, "h", 80, { timeout: "x" as unknown as number })).to.throw(TypeError, /timeout/);
      expect(() => new TCP4ClientEndpoint(reactor, "h", 80, { bindAddress: ["x"] as unknown as [string, number] })).to.throw(TypeError, /bindAddress/);
      expect(() => new TCP4ClientEndpoint(reactor, "h", 80).connect(null as unknown as Factory)).to.throw(TypeError, /factory/);
    });

    it("connect works passed as a value", () => {
      const reactor = new FakeIOReactor();
      const { connect } = new TCP4ClientEndpoint(reactor, "h", 80);
      const d = connect(new TestFactory());
      reactor.tcpClients[0].result.connectionSucceeds();
      successOf(d);
    });
  });

  describe("TCP6ClientEndpoint", () => {
    it("connects to an IPv6 address at once", () => {
      const reactor = new FakeIOReactor();
      const d = new TCP6ClientEndpoint(reactor, "::1", 80).connect(new TestFactory());
      expect(reactor.tcpClients[0].host).to.equal("::1");
      reactor.tcpClients[0].result.connectionSucceeds();
      successOf(d);
    });

    it("resolves a name to its first IPv6 address, then connects", async () => {
      const reactor = new FakeIOReactor();
      const ep = new TCP6ClientEndpoint(reactor, "ipv6.example.com", 80);
      const asked: string[] = [];
      ep._lookup = async (host) => {
        asked.push(host);
        return ["2001:db8::1", "2001:db8::2"];
      };
      const d = ep.connect(new TestFactory());
      await Promise.resolve();
      await Promise.resolve();
      expect(asked).to.deep.equal(["ipv6.example.com"]);
      expect(reactor.tcpClients.map((c) => c.host)).to.deep.equal(["2001:db8::1"]);
      reactor.tcpClients[0].result.connectionSucceeds(new FakeTransport(new IPv6Address("TCP", "2001:db8::1", 80)));
      expect(successOf(d)).to.be.instanceOf(TestProtocol);
    });

    it("fails with DNSLookupError when the name does not resolve", async () => {
      const reactor = new FakeIOReactor();
      const ep = new TCP6ClientEndpoint(reactor, "nowhere.invalid", 80);
      ep._lookup = () => Promise.reject(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
      const d = ep.connect(new TestFactory());
      await new Promise((r) => setImmediate(r));
      const f = failureOf(d, DNSLookupError);
      expect((f.value as DNSLookupError).osError).to.equal("ENOTFOUND");
      expect(reactor.tcpClients).to.have.length(0);
    });

    it("cancelled while resolving: ConnectingCancelledError, and no connection is attempted", async () => {
      const reactor = new FakeIOReactor();
      const ep = new TCP6ClientEndpoint(reactor, "ipv6.example.com", 80);
      ep._lookup = async () => ["2001:db8::1"];
      const d = ep.connect(new TestFactory());
      d.cancel();
      failureOf(d, ConnectingCancelledError);
      await new Promise((r) => setImmediate(r));
      expect(reactor.tcpClients).to.have.length(0);
    });
  });

  describe("UNIX endpoints", () => {
    it("UNIXServerEndpoint.listen calls listenUNIX with backlog, mode and wantPID", () => {
      const reactor = new FakeIOReactor();
      const d = new UNIXServerEndpoint(reactor, "/tmp/s.sock", { backlog: 7, mode: 0o600, wantPID: true }).listen(new TestFactory());
      const call = reactor.unixServers[0];
      expect([call.address, call.options]).to.deep.equal(["/tmp/s.sock", { backlog: 7, mode: 0o600, wantPID: true }]);
      call.result.bound();
      expect(successOf(d).getHost()).to.deep.equal(new UNIXAddress("/tmp/s.sock"));
    });

    it("UNIXServerEndpoint defaults: backlog 50, mode 0o666, wantPID false", () => {
      const ep = new UNIXServerEndpoint(new FakeIOReactor(), "/tmp/s.sock");
      expect([ep._backlog, ep._mode, ep._wantPID]).to.deep.equal([50, 0o666, false]);
    });

    it("UNIXClientEndpoint.connect calls connectUNIX with the timeout; success and failure", () => {
      const reactor = new FakeIOReactor();
      const ep = new UNIXClientEndpoint(reactor, "/tmp/s.sock", { timeout: 9 });
      const d1 = ep.connect(new TestFactory());
      const d2 = ep.connect(new TestFactory());
      expect(reactor.unixClients.map((c) => [c.address, c.options])).to.deep.equal([
        ["/tmp/s.sock", { timeout: 9 }],
        ["/tmp/s.sock", { timeout: 9 }],
      ]);
      reactor.unixClients[0].result.connectionSucceeds(new FakeTransport(new UNIXAddress("/tmp/s.sock")));
      reactor.unixClients[1].result.connectionFails(new ConnectionRefusedError());
      successOf(d1);
      failureOf(d2, ConnectionRefusedError);
    });

    it("bad input throws at the call", () => {
      expect(() => new UNIXServerEndpoint(new FakeIOReactor(), 3 as unknown as string)).to.throw(TypeError, /address/);
      expect(() => new UNIXClientEndpoint(new FakeIOReactor(), null as unknown as string)).to.throw(TypeError, /path/);
    });
  });

  describe("SSL4 endpoints", () => {
    const tls = { key: "KEY", cert: "CERT" };

    it("SSL4ServerEndpoint.listen calls listenSSL with the TLS options", () => {
      const reactor = new FakeIOReactor();
      const d = new SSL4ServerEndpoint(reactor, 443, tls, { interface: "127.0.0.1" }).listen(new TestFactory());
      const call = reactor.sslServers[0];
      expect([call.port, call.tls, call.options]).to.deep.equal([443, tls, { backlog: 50, interface: "127.0.0.1" }]);
      call.result.bound();
      successOf(d);
    });

    it("SSL4ClientEndpoint.connect calls connectSSL with the TLS options, and can be cancelled", () => {
      const reactor = new FakeIOReactor();
      const d = new SSL4ClientEndpoint(reactor, "example.com", 443, tls, { timeout: 3 }).connect(new TestFactory());
      const call = reactor.sslClients[0];
      expect([call.host, call.port, call.tls, call.options]).to.deep.equal(["example.com", 443, tls, { timeout: 3, bindAddress: null }]);
      d.cancel();
      failureOf(d, ConnectingCancelledError);
      expect(call.result.stopConnectingCalls).to.equal(1);
    });

    it("missing TLS options throw at the call", () => {
      expect(() => new SSL4ServerEndpoint(new FakeIOReactor(), 443, undefined as unknown as object)).to.throw(TypeError, /tls/);
      expect(() => new SSL4ClientEndpoint(new FakeIOReactor(), "h", 443, null as unknown as object)).to.throw(TypeError, /tls/);
    });
  });

  describe("connectProtocol (ConnectProtocolTests)", () => {
    it("connects the given protocol instance through the endpoint", () => {
      const reactor = new FakeIOReactor();
      const proto = new TestProtocol();
      const d = connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", 80), proto);
      const built = reactor.tcpClients[0].factory.buildProtocol(ADDR) as _WrappingProtocol;
      expect(built._wrappedProtocol).to.equal(proto);
      built.makeConnection(new FakeTransport());
      expect(successOf(d)).to.equal(proto);
      expect(proto.connectionMadeCalls).to.equal(1);
    });

    it("passes the endpoint's failure on", () => {
      const reactor = new FakeIOReactor();
      const d = connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", 80), new TestProtocol() as IProtocol);
      reactor.tcpClients[0].result.connectionFails(new ConnectionRefusedError());
      failureOf(d, ConnectionRefusedError);
    });

    it("bad input throws at the call", () => {
      expect(() => connectProtocol({} as TCP4ClientEndpoint, new TestProtocol())).to.throw(TypeError, /endpoint/);
      const ep = new TCP4ClientEndpoint(new FakeIOReactor(), "h", 1);
      expect(() => connectProtocol(ep, null as unknown as Protocol)).to.throw(TypeError, /protocol/);
    });
  });
});
