/**
 * Ported from Twisted 22.4's twisted/internet/test/test_endpoints.py: EndpointTestCaseMixin
 * (ServerEndpointTestCaseMixin + ClientEndpointTestCaseMixin) as TCP4EndpointsTests,
 * TCP6EndpointsTests, UNIXEndpointsTests and SSL4EndpointsTests run it, on twisted-ts/testing's
 * MemoryReactor and RaisingMemoryReactor. The wrapping factory the endpoint hands the reactor is
 * told the outcome through `_onConnection` / `clientConnectionFailed`, as in Twisted's tests.
 * Also WrappingFactoryTests (the endpoints' `_WrappingFactory` / `_WrappingProtocol`); the
 * file-descriptor-receiver variants have no Node counterpart (no fd passing). And
 * HostnameEndpointIDNATests / HostnameEndpointReprTests (a host is text here, never bytes), and
 * HostnameEndpointsFasterConnectionTests (the resolver given as the `resolve` option).
 */
import { expect } from "chai";
import { Failure } from "../../../core/failure";
import type { Deferred } from "../../../defer";
import {
  CannotListenError,
  ClientFactory,
  ConnectError,
  ConnectingCancelledError,
  Factory,
  HostnameEndpoint,
  IPv4Address,
  IPv6Address,
  Protocol,
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TCP6ServerEndpoint,
  UNIXAddress,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  UserError,
  ValueError,
  NoProtocol,
  type Address,
  type IListeningPort,
  type IProtocolFactory,
  type IStreamClientEndpoint,
  type IStreamServerEndpoint,
  type ResolvedAddress,
  type TLSOptions,
} from "../../../net";
import { _WrappingFactory, _WrappingProtocol } from "../../../net/wrapping-factory";
import { MemoryReactor, MemoryReactorClock, RaisingMemoryReactor, StringTransport, failureResultOf } from "../../../testing";

/** One of Twisted's *EndpointsTests classes: how to make its endpoints and what the reactor saw. */
interface EndpointCase {
  name: string;
  createServerEndpoint(reactor: MemoryReactor | RaisingMemoryReactor, nonDefault: boolean): [IStreamServerEndpoint, unknown[], Address];
  expectedServers(reactor: MemoryReactor): unknown[][];
  createClientEndpoint(reactor: MemoryReactor | RaisingMemoryReactor, nonDefault: boolean): [IStreamClientEndpoint, unknown[], Address];
  expectedClients(reactor: MemoryReactor): unknown[][];
}

const TLS: TLSOptions = { rejectUnauthorized: false };

const cases: EndpointCase[] = [
  {
    name: "TCP4EndpointsTests",
    createServerEndpoint: (reactor, nonDefault) => {
      const [backlog, iface] = nonDefault ? [100, "127.0.0.1"] : [50, ""];
      const ep = new TCP4ServerEndpoint(reactor, 0, nonDefault ? { backlog, interface: iface } : undefined);
      return [ep, [0, backlog, iface], new IPv4Address("TCP", "0.0.0.0", 0)];
    },
    expectedServers: (r) => r.tcpServers.map(([port, , backlog, iface]) => [port, backlog, iface]),
    createClientEndpoint: (reactor, nonDefault) => {
      const [timeout, bindAddress] = nonDefault ? [10, ["localhost", 49595] as [string, number]] : [30, null];
      const ep = new TCP4ClientEndpoint(reactor, "localhost", 80, nonDefault ? { timeout, bindAddress: bindAddress! } : undefined);
      return [ep, ["localhost", 80, timeout, bindAddress], new IPv4Address("TCP", "localhost", 80)];
    },
    expectedClients: (r) => r.tcpClients.map(([host, port, , timeout, bind]) => [host, port, timeout, bind]),
  },
  {
    name: "TCP6EndpointsTests",
    createServerEndpoint: (reactor, nonDefault) => {
      const [backlog, iface] = nonDefault ? [100, "::1"] : [50, "::"];
      const ep = new TCP6ServerEndpoint(reactor, 0, nonDefault ? { backlog, interface: iface } : undefined);
      return [ep, [0, backlog, iface], new IPv6Address("TCP", iface, 0)];
    },
    expectedServers: (r) => r.tcpServers.map(([port, , backlog, iface]) => [port, backlog, iface]),
    createClientEndpoint: (reactor, nonDefault) => {
      const [timeout, bindAddress] = nonDefault ? [10, ["::1", 49595] as [string, number]] : [30, null];
      const ep = new TCP6ClientEndpoint(reactor, "::1", 80, nonDefault ? { timeout, bindAddress: bindAddress! } : undefined);
      return [ep, ["::1", 80, timeout, bindAddress], new IPv6Address("TCP", "::1", 80)];
    },
    expectedClients: (r) => r.tcpClients.map(([host, port, , timeout, bind]) => [host, port, timeout, bind]),
  },
  {
    name: "UNIXEndpointsTests",
    createServerEndpoint: (reactor, nonDefault) => {
      const [backlog, mode, wantPID] = nonDefault ? [100, 0o600, true] : [50, 0o666, false];
      const ep = new UNIXServerEndpoint(reactor, "/tmp/tts-ports-endpoint", nonDefault ? { backlog, mode, wantPID } : undefined);
      return [ep, ["/tmp/tts-ports-endpoint", backlog, mode, wantPID], new UNIXAddress("/tmp/tts-ports-endpoint")];
    },
    expectedServers: (r) => r.unixServers.map(([path, , backlog, mode, wantPID]) => [path, backlog, mode, wantPID]),
    createClientEndpoint: (reactor, nonDefault) => {
      const timeout = nonDefault ? 10 : 30;
      const ep = new UNIXClientEndpoint(reactor, "/tmp/tts-ports-endpoint", nonDefault ? { timeout } : undefined);
      return [ep, ["/tmp/tts-ports-endpoint", timeout], new UNIXAddress("/tmp/tts-ports-endpoint")];
    },
    expectedClients: (r) => r.unixClients.map(([path, , timeout]) => [path, timeout]),
  },
  {
    name: "SSL4EndpointsTests",
    createServerEndpoint: (reactor, nonDefault) => {
      const [backlog, iface] = nonDefault ? [100, "127.0.0.1"] : [50, ""];
      const ep = new SSL4ServerEndpoint(reactor, 0, TLS, nonDefault ? { backlog, interface: iface } : undefined);
      return [ep, [0, TLS, backlog, iface], new IPv4Address("TCP", "0.0.0.0", 0)];
    },
    expectedServers: (r) => r.sslServers.map(([port, , tls, backlog, iface]) => [port, tls, backlog, iface]),
    createClientEndpoint: (reactor, nonDefault) => {
      const [timeout, bindAddress] = nonDefault ? [10, ["localhost", 49595] as [string, number]] : [30, null];
      const ep = new SSL4ClientEndpoint(reactor, "localhost", 80, TLS, nonDefault ? { timeout, bindAddress: bindAddress! } : undefined);
      return [ep, ["localhost", 80, TLS, timeout, bindAddress], new IPv4Address("TCP", "localhost", 80)];
    },
    expectedClients: (r) => r.sslClients.map(([host, port, , tls, timeout, bind]) => [host, port, tls, timeout, bind]),
  },
];

/** The factory the endpoint gave the reactor (Twisted's retrieveConnectedFactory). */
function retrieveConnectedFactory(r: MemoryReactor): ClientFactory & { _onConnection: Deferred<unknown> } {
  const entry = r.tcpClients[0] ?? r.sslClients[0] ?? r.unixClients[0];
  const factory = entry.find((x) => x instanceof ClientFactory);
  return factory as ClientFactory & { _onConnection: Deferred<unknown> };
}

describe("twisted ports: test_endpoints (EndpointTestCaseMixin)", () => {
  for (const c of cases) {
    describe(c.name, () => {
      it("test_interface (server and client)", () => {
        const [server] = c.createServerEndpoint(new MemoryReactor(), false);
        const [client] = c.createClientEndpoint(new MemoryReactor(), false);
        expect(server.listen).to.be.a("function");
        expect(client.connect).to.be.a("function");
      });

      it("test_endpointConnectSuccess", () => {
        const mreactor = new MemoryReactor();
        const [ep, expectedArgs] = c.createClientEndpoint(mreactor, false);
        const received: unknown[] = [];
        ep.connect(new Factory()).addCallback((p) => {
          received.push(p);
        });
        const proto = new Protocol();
        retrieveConnectedFactory(mreactor)._onConnection.callback(proto);
        expect(received).to.have.length(1);
        expect(received[0]).to.equal(proto);
        expect(c.expectedClients(mreactor)).to.deep.equal([expectedArgs]);
      });

      it("test_endpointConnectFailure", () => {
        const expectedError = new ConnectError(undefined, "Connection Failed");
        const mreactor = new RaisingMemoryReactor(undefined, expectedError);
        const [ep] = c.createClientEndpoint(mreactor, false);
        const received: unknown[] = [];
        ep.connect(new Factory()).addErrback((f: Failure) => {
          received.push(f.value);
        });
        expect(received).to.deep.equal([expectedError]);
      });

      it("test_endpointConnectingCancelled", () => {
        const mreactor = new MemoryReactor();
        const [ep, , address] = c.createClientEndpoint(mreactor, false);
        const d = ep.connect(new Factory());
        const received: Failure[] = [];
        d.addErrback((f: Failure) => {
          received.push(f);
        });
        d.cancel();
        // The connector tells its factory the attempt failed with a UserError.
        retrieveConnectedFactory(mreactor).clientConnectionFailed(null as never, new Failure(new UserError()));
        expect(received).to.have.length(1);
        expect(received[0].value).to.be.instanceOf(ConnectingCancelledError);
        expect(((received[0].value as ConnectingCancelledError).address as Address).equals(address)).to.equal(true);
      });

      it("test_endpointConnectNonDefaultArgs", () => {
        const mreactor = new MemoryReactor();
        const [ep, expectedArgs] = c.createClientEndpoint(mreactor, true);
        void ep.connect(new Factory());
        expect(c.expectedClients(mreactor)).to.deep.equal([expectedArgs]);
      });

      it("test_endpointListenSuccess", () => {
        const mreactor = new MemoryReactor();
        const factory = new Factory() as IProtocolFactory;
        const [ep, expectedArgs, expectedHost] = c.createServerEndpoint(mreactor, false);
        const received: Address[] = [];
        ep.listen(factory).addCallback((port: IListeningPort) => {
          received.push(port.getHost());
        });
        expect(received).to.have.length(1);
        expect(received[0].equals(expectedHost), `${String(received[0])} vs ${String(expectedHost)}`).to.equal(true);
        expect(c.expectedServers(mreactor)).to.deep.equal([expectedArgs]);
      });

      it("test_endpointListenFailure", () => {
        const exception = new CannotListenError("", 80, new Error("Address in use"));
        const mreactor = new RaisingMemoryReactor(exception);
        const [ep] = c.createServerEndpoint(mreactor, false);
        const received: unknown[] = [];
        ep.listen(new Factory()).addErrback((f: Failure) => {
          received.push(f.value);
        });
        expect(received).to.deep.equal([exception]);
      });

      it("test_endpointListenNonDefaultArgs", () => {
        const mreactor = new MemoryReactor();
        const [ep, expectedArgs] = c.createServerEndpoint(mreactor, true);
        void ep.listen(new Factory());
        expect(c.expectedServers(mreactor)).to.deep.equal([expectedArgs]);
      });
    });
  }
});

describe("twisted ports: test_endpoints WrappingFactoryTests", () => {
  /** Twisted's TestProtocol: records data and lost reasons; "A Test Protocol" as log prefix. */
  class TestProtocol extends Protocol {
    data: Buffer[] = [];
    connectionsLost: unknown[] = [];
    override logPrefix(): string {
      return "A Test Protocol";
    }
    override dataReceived(data: Buffer): void {
      this.data.push(data);
    }
    override connectionLost(reason: Failure): void {
      this.connectionsLost.push(reason);
    }
  }
  class TestHalfCloseableProtocol extends TestProtocol {
    readLost = false;
    writeLost = false;
    readConnectionLost(): void {
      this.readLost = true;
    }
    writeConnectionLost(): void {
      this.writeLost = true;
    }
  }
  class TestFactory extends ClientFactory {
    override protocol = TestProtocol;
  }
  class NoneFactory extends ClientFactory {
    override buildProtocol(): null {
      return null;
    }
  }
  const anyAddr = new IPv4Address("TCP", "127.0.0.1", 0);
  type Wrapping = _WrappingProtocol & { _wrappedProtocol: TestProtocol };

  it("test_doStart", () => {
    const factory = new ClientFactory();
    new _WrappingFactory(factory).doStart();
    expect(factory.numPorts).to.equal(1);
  });

  it("test_doStop", () => {
    const factory = new ClientFactory();
    factory.numPorts = 3;
    new _WrappingFactory(factory).doStop();
    expect(factory.numPorts).to.equal(2);
  });

  it("test_failedBuildProtocol", () => {
    class BogusFactory extends ClientFactory {
      override buildProtocol(): Protocol {
        throw new ValueError("My protocol is poorly defined.");
      }
    }
    const wf = new _WrappingFactory(new BogusFactory());
    wf.buildProtocol(anyAddr);
    const f = failureResultOf(wf._onConnection, ValueError);
    expect((f.value as Error).message).to.equal("My protocol is poorly defined.");
  });

  it("test_buildNoneProtocol", () => {
    const wf = new _WrappingFactory(new NoneFactory());
    wf.buildProtocol(anyAddr);
    failureResultOf(wf._onConnection, NoProtocol);
  });

  it("test_buildProtocolReturnsNone", () => {
    const wf = new _WrappingFactory(new NoneFactory());
    wf._onConnection.addErrback(() => undefined);
    expect(wf.buildProtocol(anyAddr)).to.equal(null);
  });

  it("test_logPrefixPassthrough", () => {
    const wp = new _WrappingFactory(new TestFactory()).buildProtocol(anyAddr)!;
    expect(wp.logPrefix()).to.equal("A Test Protocol");
  });

  it("test_logPrefixDefault", () => {
    class NoProtocol {
      makeConnection(): void {}
      dataReceived(): void {}
      connectionLost(): void {}
    }
    const factory = new TestFactory();
    factory.protocol = NoProtocol as unknown as typeof TestProtocol;
    const wp = new _WrappingFactory(factory).buildProtocol(anyAddr)!;
    expect(wp.logPrefix()).to.equal("NoProtocol");
  });

  it("test_wrappedProtocolDataReceived", () => {
    const p = new _WrappingFactory(new TestFactory()).buildProtocol(anyAddr) as Wrapping;
    p.makeConnection(new StringTransport());
    p.dataReceived(Buffer.from("foo"));
    expect(p._wrappedProtocol.data.map(String)).to.deep.equal(["foo"]);
    p.dataReceived(Buffer.from("bar"));
    expect(p._wrappedProtocol.data.map(String)).to.deep.equal(["foo", "bar"]);
  });

  it("test_wrappedProtocolTransport", () => {
    const p = new _WrappingFactory(new TestFactory()).buildProtocol(anyAddr) as Wrapping;
    const dummyTransport = new StringTransport();
    p.makeConnection(dummyTransport);
    expect(p.transport).to.equal(dummyTransport);
    expect(p._wrappedProtocol.transport).to.equal(dummyTransport);
  });

  it("test_wrappedProtocolConnectionLost", () => {
    const p = new _WrappingFactory(new TestFactory()).buildProtocol(anyAddr) as Wrapping;
    const reason = new Failure(new Error("fail"));
    p.connectionLost(reason);
    expect(p._wrappedProtocol.connectionsLost).to.deep.equal([reason]);
  });

  it("test_clientConnectionFailed", () => {
    const wf = new _WrappingFactory(new TestFactory());
    const expectedFailure = new Failure(new ConnectError(undefined, "fail"));
    wf.clientConnectionFailed(null as never, expectedFailure);
    const errors: Failure[] = [];
    wf._onConnection.addErrback((f: Failure) => {
      errors.push(f);
    });
    expect(errors).to.deep.equal([expectedFailure]);
  });

  it("test_wrappingProtocolHalfCloseable, test_wrappingProtocolNotHalfCloseable", () => {
    const cf = new TestFactory();
    cf.protocol = TestHalfCloseableProtocol;
    const half = new _WrappingFactory(cf).buildProtocol(anyAddr)!;
    expect(typeof (half as _WrappingProtocol).readConnectionLost).to.equal("function");
    const whole = new _WrappingFactory(new TestFactory()).buildProtocol(anyAddr)!;
    expect("readConnectionLost" in whole).to.equal(false);
    expect("writeConnectionLost" in whole).to.equal(false);
  });

  it("test_wrappedProtocolReadConnectionLost, test_wrappedProtocolWriteConnectionLost", () => {
    const cf = new TestFactory();
    cf.protocol = TestHalfCloseableProtocol;
    const p = new _WrappingFactory(cf).buildProtocol(anyAddr) as _WrappingProtocol & { _wrappedProtocol: TestHalfCloseableProtocol };
    p.readConnectionLost!();
    expect(p._wrappedProtocol.readLost).to.equal(true);
    p.writeConnectionLost!();
    expect(p._wrappedProtocol.writeLost).to.equal(true);
  });

  it("test_wrappingProtocolHandshakeListener, test_wrappingProtocolNotHandshakeListener, test_wrappedProtocolHandshakeCompleted", () => {
    class TestHandshakeListener extends TestProtocol {
      handshakeDone = false;
      handshakeCompleted(): void {
        this.handshakeDone = true;
      }
    }
    const cf = new TestFactory();
    cf.protocol = TestHandshakeListener;
    const p = new _WrappingFactory(cf).buildProtocol(anyAddr) as _WrappingProtocol & { _wrappedProtocol: TestHandshakeListener };
    p.handshakeCompleted!();
    expect(p._wrappedProtocol.handshakeDone).to.equal(true);
    expect("handshakeCompleted" in new _WrappingFactory(new TestFactory()).buildProtocol(anyAddr)!).to.equal(false);
  });
});

describe("twisted ports: test_endpoints HostnameEndpointIDNATests / HostnameEndpointReprTests", () => {
  const sampleIDNAText = "b\xfccher.ch";
  const sampleIDNABytes = Buffer.from("xn--bcher-kva.ch");
  const reactor = (): MemoryReactorClock => new MemoryReactorClock();

  it("test_idnaHostnameText", () => {
    const endpoint = new HostnameEndpoint(reactor(), sampleIDNAText, 80);
    expect(endpoint._hostBytes).to.deep.equal(sampleIDNABytes);
    expect(endpoint._hostText).to.equal(sampleIDNAText);
  });

  it("test_nonNormalizedText", () => {
    const endpoint = new HostnameEndpoint(reactor(), sampleIDNAText.normalize("NFD"), 80);
    expect(endpoint._hostBytes).to.deep.equal(sampleIDNABytes);
    expect(endpoint._hostText).to.equal(sampleIDNAText);
  });

  it("test_deferBadEncodingToConnect (text; a host is always text here)", () => {
    const endpoint = new HostnameEndpoint(reactor(), "\u2ff0-garbage-\u2ff0", 80);
    const f = failureResultOf(endpoint.connect(new Factory()), ValueError);
    expect(String(f.value)).to.include("\\u2ff0-garbage-\\u2ff0");
  });

  it("the IDNA name is what is resolved and connected to", () => {
    const r = reactor();
    const asked: string[] = [];
    const endpoint = new HostnameEndpoint(r, sampleIDNAText, 80, {
      resolve: (host) => {
        asked.push(host);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    void endpoint.connect(new Factory());
    expect(asked).to.deep.equal(["xn--bcher-kva.ch"]);
    expect(r.tcpClients.map(([host, port]) => [host, port])).to.deep.equal([["127.0.0.1", 80]]);
  });

  it("test_allASCII", () => {
    expect(String(new HostnameEndpoint(reactor(), "example.com", 80))).to.equal("<HostnameEndpoint example.com:80>");
  });

  it("test_idnaHostname", () => {
    expect(String(new HostnameEndpoint(reactor(), sampleIDNAText, 443))).to.equal("<HostnameEndpoint xn--bcher-kva.ch:443>");
  });

  it("test_hostIPv6Address", () => {
    expect(String(new HostnameEndpoint(reactor(), "::1", 22))).to.equal("<HostnameEndpoint [::1]:22>");
  });

  it("test_badEncoding (a text name IDNA rejects)", () => {
    expect(String(new HostnameEndpoint(reactor(), "\u2ff0-garbage-\u2ff0", 80))).to.equal("<HostnameEndpoint \\u2ff0-garbage-\\u2ff0:80>");
  });
});

describe("twisted ports: test_endpoints HostnameEndpointsFasterConnectionTests", () => {
  /** Twisted's setUp: a name resolving to ["1.2.3.4", "1:2::3:4"] (deterministicResolvingReactor). */
  function setUp(addresses: ResolvedAddress[] = [
    { address: "1.2.3.4", family: 4 },
    { address: "1:2::3:4", family: 6 },
  ]): { mreactor: MemoryReactorClock; endpoint: HostnameEndpoint } {
    const mreactor = new MemoryReactorClock();
    const endpoint = new HostnameEndpoint(mreactor, "www.example.com", 80, { resolve: () => addresses });
    return { mreactor, endpoint };
  }
  const clientFactory = (): Factory => Factory.forProtocol(Protocol);

  it("test_ignoreUnknownAddressTypes", () => {
    const { mreactor, endpoint } = setUp([
      { address: "1.2.3.4", family: 4 },
      { address: "/not/an/ip", family: 0 },
      { address: "1:2::3:4", family: 6 },
    ]);
    void endpoint.connect(clientFactory());
    mreactor.advance(0.3);
    expect(mreactor.tcpClients).to.have.length(2);
    const [host, port] = mreactor.tcpClients[1];
    expect([host, port]).to.deep.equal(["1:2::3:4", 80]);
  });

  for (const [name, index, host, advance] of [
    ["test_IPv4IsFaster", 0, "1.2.3.4", 0],
    ["test_IPv6IsFaster", 1, "1:2::3:4", 0.3],
  ] as const) {
    it(name, () => {
      const { mreactor, endpoint } = setUp();
      const factory = clientFactory();
      const results: Protocol[] = [];
      endpoint.connect(factory).addCallback((p) => {
        results.push(p as Protocol);
      });
      if (advance) mreactor.advance(advance);
      const [h, port, f] = mreactor.tcpClients[index];
      expect([h, port]).to.deep.equal([host, 80]);
      const proto = f.buildProtocol(new IPv4Address("TCP", "1.2.3.4", 80))!;
      expect(results).to.deep.equal([]);
      proto.makeConnection(new StringTransport());
      expect(results).to.have.length(1);
      expect(results[0].factory).to.equal(factory);
      expect(mreactor.getDelayedCalls()).to.deep.equal([]);
    });
  }

  it("test_otherConnectionsCancelled", () => {
    const { mreactor, endpoint } = setUp();
    void endpoint.connect(clientFactory());
    mreactor.advance(0.3);
    const [, , factory] = mreactor.tcpClients[1];
    factory.buildProtocol(new IPv6Address("TCP", "1:2::3:4", 80))!.makeConnection(new StringTransport());
    const first = mreactor.tcpClients[0][2] as ClientFactory & { _connector: { stoppedConnecting: boolean } };
    expect(first._connector.stoppedConnecting).to.equal(true);
    expect(mreactor.getDelayedCalls()).to.deep.equal([]);
  });
});
