/**
 * HostnameEndpoint against a recording reactor with a clock, ported from Twisted's
 * internet/test/test_endpoints.py (HostnameEndpointsOneIPv4Tests,
 * HostnameEndpointsFasterConnectionTests, HostnameEndpointsGAIFailureTests,
 * HostnameEndpointReprTests).
 */
import { expect } from "chai";
import { Failure } from "../../defer";
import { HostnameAddress, HostnameEndpoint, type ResolvedAddress } from "../../net/hostname-endpoint";
import { ConnectingCancelledError, ConnectionRefusedError, DNSLookupError } from "../../net/errors";
import { Factory } from "../../net/factory";
import { Protocol } from "../../net/protocol";
import { failureOf, successOf } from "../helpers/deferred";
import { FakeIOReactor } from "../helpers/fake-io-reactor";

const TWO: ResolvedAddress[] = [
  { address: "1.2.3.4", family: 4 },
  { address: "1:2::3:4", family: 6 },
];

function endpointFor(addresses: ResolvedAddress[] | Error, options: { attemptDelay?: number } = {}) {
  const reactor = new FakeIOReactor();
  const asked: string[] = [];
  const endpoint = new HostnameEndpoint(reactor, "www.example.com", 80, {
    ...options,
    resolve: (host) => {
      asked.push(host);
      if (addresses instanceof Error) throw addresses;
      return addresses;
    },
  });
  return { reactor, endpoint, asked };
}

const factory = (): Factory => Factory.forProtocol(Protocol);

describe("net/hostname-endpoint", () => {
  it("resolves the name and connects to its first address at once (test_endpointConnectSuccess)", () => {
    const { reactor, endpoint, asked } = endpointFor(TWO);
    const f = factory();
    const d = endpoint.connect(f);
    expect(asked).to.deep.equal(["www.example.com"]);
    expect(reactor.tcpClients.map((c) => [c.host, c.port, c.options])).to.deep.equal([
      ["1.2.3.4", 80, { timeout: 30, bindAddress: null }],
    ]);
    reactor.tcpClients[0].result.connectionSucceeds();
    const proto = successOf(d) as Protocol;
    expect(proto.factory).to.equal(f);
    expect(reactor.getDelayedCalls(), "the next attempt is unscheduled").to.deep.equal([]);
  });

  it("starts the next attempt 0.3 s later without waiting (test_IPv6IsFaster), and cancels the others once one wins", () => {
    const { reactor, endpoint } = endpointFor(TWO);
    const d = endpoint.connect(factory());
    reactor.advance(0.29);
    expect(reactor.tcpClients).to.have.length(1);
    reactor.advance(0.01);
    expect(reactor.tcpClients.map((c) => c.host)).to.deep.equal(["1.2.3.4", "1:2::3:4"]);
    reactor.tcpClients[1].result.connectionSucceeds();
    successOf(d);
    expect(reactor.tcpClients[0].result.stopConnectingCalls, "the IPv4 attempt was cancelled").to.equal(1);
    expect(reactor.getDelayedCalls()).to.deep.equal([]);
  });

  it("attemptDelay sets the stagger", () => {
    const { reactor, endpoint } = endpointFor(TWO, { attemptDelay: 1 });
    const d = endpoint.connect(factory());
    reactor.advance(0.5);
    expect(reactor.tcpClients).to.have.length(1);
    reactor.advance(0.5);
    expect(reactor.tcpClients).to.have.length(2);
    d.cancel();
    failureOf(d, ConnectingCancelledError);
  });

  it("a failed attempt does not end the race while others are left (test_endpointConnectFailureAfterIteration)", () => {
    const { reactor, endpoint } = endpointFor(TWO);
    const d = endpoint.connect(factory());
    reactor.tcpClients[0].result.connectionFails(new ConnectionRefusedError("first"));
    expect(d.called).to.equal(false);
    reactor.advance(0.3);
    reactor.tcpClients[1].result.connectionSucceeds();
    successOf(d);
  });

  it("fails with the last failure when every attempt fails (test_endpointConnectFailure)", () => {
    const { reactor, endpoint } = endpointFor(TWO);
    const d = endpoint.connect(factory());
    reactor.advance(0.3);
    reactor.tcpClients[0].result.connectionFails(new ConnectionRefusedError("first"));
    expect(d.called).to.equal(false);
    reactor.tcpClients[1].result.connectionFails(new ConnectionRefusedError("second"));
    const f = failureOf(d, ConnectionRefusedError);
    expect((f.value as Error).message).to.equal("Connection was refused by other side: second.");
  });

  it("cancelled while connecting: every pending attempt is stopped, no more are started (test_endpointConnectingCancelled)", () => {
    const { reactor, endpoint } = endpointFor(TWO);
    const d = endpoint.connect(factory());
    d.cancel();
    const f = failureOf(d, ConnectingCancelledError);
    expect((f.value as ConnectingCancelledError).address).to.deep.equal(new HostnameAddress("www.example.com", 80));
    expect(reactor.tcpClients[0].result.stopConnectingCalls).to.equal(1);
    expect(reactor.getDelayedCalls()).to.deep.equal([]);
    reactor.advance(1);
    expect(reactor.tcpClients).to.have.length(1);
  });

  it("cancelled after all attempts started (test_endpointConnectingCancelledAfterAllAttemptsStarted)", () => {
    const { reactor, endpoint } = endpointFor(TWO);
    const d = endpoint.connect(factory());
    reactor.advance(0.3);
    d.cancel();
    failureOf(d, ConnectingCancelledError);
    expect(reactor.tcpClients.map((c) => c.result.stopConnectingCalls)).to.deep.equal([1, 1]);
  });

  it("a name that does not resolve: DNSLookupError (HostnameEndpointsGAIFailureTests)", () => {
    const { reactor, endpoint } = endpointFor(Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }));
    const f = failureOf(endpoint.connect(factory()), DNSLookupError);
    expect((f.value as DNSLookupError).osError).to.equal("ENOTFOUND");
    expect((f.value as Error).message).to.include("www.example.com");
    expect(reactor.tcpClients).to.have.length(0);
  });

  it("a name with no addresses: DNSLookupError", () => {
    const { endpoint } = endpointFor([]);
    const f = failureOf(endpoint.connect(factory()), DNSLookupError);
    expect((f.value as Error).message).to.equal("DNS lookup failed: no results for hostname lookup: www.example.com.");
  });

  it("an asynchronous resolution: connects once it is done; cancelled before, nothing is attempted", async () => {
    const reactor = new FakeIOReactor();
    let release: (a: ResolvedAddress[]) => void = () => {};
    const endpoint = new HostnameEndpoint(reactor, "www.example.com", 80, {
      resolve: () => new Promise<ResolvedAddress[]>((r) => (release = r)),
    });
    const d1 = endpoint.connect(factory());
    const release1 = release;
    const d2 = endpoint.connect(factory());
    const release2 = release;
    d2.cancel();
    failureOf(d2, ConnectingCancelledError);
    release1(TWO);
    release2(TWO);
    await new Promise((r) => setImmediate(r));
    expect(reactor.tcpClients).to.have.length(1);
    reactor.tcpClients[0].result.connectionSucceeds();
    successOf(d1);
  });

  it("an address as host is not resolved", () => {
    const reactor = new FakeIOReactor();
    const endpoint = new HostnameEndpoint(reactor, "::1", 80, {
      resolve: () => {
        throw new Error("resolved");
      },
    });
    const d = endpoint.connect(factory());
    expect(reactor.tcpClients.map((c) => c.host)).to.deep.equal(["::1"]);
    reactor.tcpClients[0].result.connectionSucceeds();
    successOf(d);
  });

  it("addresses of other families are ignored (test_ignoreUnknownAddressTypes)", () => {
    const { reactor, endpoint } = endpointFor([TWO[0], { address: "x", family: 0 }, TWO[1]]);
    const d = endpoint.connect(factory());
    reactor.advance(0.3);
    expect(reactor.tcpClients.map((c) => c.host)).to.deep.equal(["1.2.3.4", "1:2::3:4"]);
    d.cancel();
    failureOf(d, ConnectingCancelledError);
  });

  it("with tls: connects with connectSSL, verifying against the name", () => {
    const reactor = new FakeIOReactor();
    const endpoint = new HostnameEndpoint(reactor, "www.example.com", 443, {
      resolve: () => [TWO[0]],
      tls: { ca: ["CA"] },
    });
    const d = endpoint.connect(factory());
    expect(reactor.tcpClients).to.have.length(0);
    expect(reactor.sslClients.map((c) => [c.host, c.port, c.tls])).to.deep.equal([
      ["1.2.3.4", 443, { hostname: "www.example.com", ca: ["CA"] }],
    ]);
    reactor.sslClients[0].result.connectionSucceeds();
    successOf(d);
  });

  it("toString as Twisted's repr (HostnameEndpointReprTests)", () => {
    const reactor = new FakeIOReactor();
    expect(String(new HostnameEndpoint(reactor, "example.com", 80))).to.equal("<HostnameEndpoint example.com:80>");
    expect(String(new HostnameEndpoint(reactor, "::1", 22))).to.equal("<HostnameEndpoint [::1]:22>");
    expect(String(new HostnameAddress("example.com", 80))).to.equal("HostnameAddress(hostname='example.com', port=80)");
  });

  it("bad input throws at the call", () => {
    const reactor = new FakeIOReactor();
    expect(() => new HostnameEndpoint(reactor, 1 as unknown as string, 80)).to.throw(TypeError, /host/);
    expect(() => new HostnameEndpoint(reactor, "h", 65536)).to.throw(RangeError, /port/);
    expect(() => new HostnameEndpoint(reactor, "h", 80, { attemptDelay: -1 })).to.throw(RangeError, /attemptDelay/);
    expect(() => new HostnameEndpoint(reactor, "h", 80).connect(undefined as unknown as Factory)).to.throw(TypeError, /factory/);
  });

  it("connect works passed as a value; the winner's failure path leaves nothing unhandled", () => {
    const { reactor, endpoint } = endpointFor(TWO);
    const { connect } = endpoint;
    const d = connect(factory());
    reactor.tcpClients[0].result.connectionFails(new ConnectionRefusedError());
    reactor.advance(0.3);
    reactor.tcpClients[1].result.connectionFails(new ConnectionRefusedError());
    expect(failureOf(d)).to.be.instanceOf(Failure);
  });
});
