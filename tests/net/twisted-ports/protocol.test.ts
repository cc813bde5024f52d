/**
 * Ported from Twisted 22.4's twisted/internet/test/test_protocol.py: ClientCreatorTests,
 * ProtocolTests, FactoryTests (the parts with a TypeScript counterpart).
 */
import { expect } from "chai";
import { Failure } from "../../../core/failure";
import { CancelledError } from "../../../defer";
import { globalLogPublisher, type LogEvent } from "../../../log";
import {
  ClientCreator,
  ClientFactory,
  ConsumerToProtocolAdapter,
  Factory,
  Protocol,
  ProtocolToConsumerAdapter,
  ServerFactory,
  type IConsumer,
  type TLSOptions,
} from "../../../net";
import { FakeConnector, MemoryReactorClock, StringTransport, failureResultOf } from "../../../testing";

describe("twisted ports: test_protocol", () => {
  describe("ClientCreatorTests", () => {
    class SomeProtocol extends Protocol {}

    function basicConnectTest(check: (reactor: MemoryReactorClock, cc: ClientCreator<SomeProtocol>) => ClientFactory): void {
      const reactor = new MemoryReactorClock();
      const cc = new ClientCreator(reactor, SomeProtocol);
      const factory = check(reactor, cc);
      const protocol = factory.buildProtocol(null as never);
      expect(protocol).to.be.instanceOf(SomeProtocol);
    }

    it("test_connectTCP", () => {
      basicConnectTest((reactor, cc) => {
        void cc.connectTCP("example.com", 1234, 4321, ["1.2.3.4", 9876]);
        const [host, port, factory, timeout, bindAddress] = reactor.tcpClients.pop()!;
        expect(host).to.equal("example.com");
        expect(port).to.equal(1234);
        expect(timeout).to.equal(4321);
        expect(bindAddress).to.deep.equal(["1.2.3.4", 9876]);
        return factory;
      });
    });

    it("test_connectTCP with an options object", () => {
      basicConnectTest((reactor, cc) => {
        void cc.connectTCP("example.com", 1234, { timeout: 4321, bindAddress: ["1.2.3.4", 9876] });
        const [, , factory, timeout, bindAddress] = reactor.tcpClients.pop()!;
        expect(timeout).to.equal(4321);
        expect(bindAddress).to.deep.equal(["1.2.3.4", 9876]);
        return factory;
      });
    });

    it("test_connectUNIX", () => {
      basicConnectTest((reactor, cc) => {
        void cc.connectUNIX("/foo/bar", 123, true);
        const [address, factory, timeout] = reactor.unixClients.pop()!;
        expect(address).to.equal("/foo/bar");
        expect(timeout).to.equal(123);
        return factory;
      });
    });

    it("test_connectSSL", () => {
      basicConnectTest((reactor, cc) => {
        const expectedContextFactory: TLSOptions = {};
        void cc.connectSSL("example.com", 1234, expectedContextFactory, 4321, ["4.3.2.1", 5678]);
        const [host, port, factory, contextFactory, timeout, bindAddress] = reactor.sslClients.pop()!;
        expect(host).to.equal("example.com");
        expect(port).to.equal(1234);
        expect(contextFactory).to.equal(expectedContextFactory);
        expect(timeout).to.equal(4321);
        expect(bindAddress).to.deep.equal(["4.3.2.1", 5678]);
        return factory;
      });
    });

    const connects: Array<[string, (cc: ClientCreator<Protocol>) => ReturnType<ClientCreator<Protocol>["connectTCP"]>]> = [
      ["TCP", (cc) => cc.connectTCP("example.com", 1234)],
      ["UNIX", (cc) => cc.connectUNIX("/foo/bar")],
      ["SSL", (cc) => cc.connectSSL("example.com", 1234, {})],
    ];
    const popFactory: Record<string, (reactor: MemoryReactorClock) => ClientFactory> = {
      TCP: (r) => r.tcpClients.pop()![2],
      UNIX: (r) => r.unixClients.pop()![1],
      SSL: (r) => r.sslClients.pop()![2],
    };

    for (const [kind, connect] of connects) {
      it(`test_cancelConnect${kind}`, () => {
        const reactor = new MemoryReactorClock();
        const cc = new ClientCreator(reactor, Protocol);
        const d = connect(cc);
        const connector = reactor.connectors.pop() as FakeConnector;
        expect(connector.disconnected).to.equal(false);
        d.cancel();
        expect(connector.disconnected).to.equal(true);
        failureResultOf(d, CancelledError);
      });

      it(`test_cancelConnect${kind}Timeout`, () => {
        const reactor = new MemoryReactorClock();
        const cc = new ClientCreator(reactor, Protocol);
        const d = connect(cc);
        const factory = popFactory[kind](reactor);
        const protocol = factory.buildProtocol(null as never)!;
        protocol.makeConnection(new StringTransport());
        const connector = reactor.connectors.pop() as FakeConnector;
        expect(reactor.getDelayedCalls()).to.have.length(1);
        d.cancel();
        expect(reactor.getDelayedCalls()).to.deep.equal([]);
        expect(connector.disconnected).to.equal(true);
        failureResultOf(d, CancelledError);
      });

      it(`test_cancelConnect${kind}FailedTimeout`, () => {
        const reactor = new MemoryReactorClock();
        const cc = new ClientCreator(reactor, Protocol);
        const d = connect(cc);
        const factory = popFactory[kind](reactor);
        const connector = reactor.connectors.pop()!;
        factory.clientConnectionFailed(connector, new Failure(new Error("Simulated failure")));
        expect(reactor.getDelayedCalls()).to.have.length(1);
        d.cancel();
        expect(reactor.getDelayedCalls()).to.deep.equal([]);
        failureResultOf(d, CancelledError);
      });
    }

    it("fires with the protocol a moment after it is connected", () => {
      const reactor = new MemoryReactorClock();
      const cc = new ClientCreator(reactor, SomeProtocol);
      let result: SomeProtocol | null = null;
      void cc.connectTCP("example.com", 1234).addCallback((p) => {
        result = p;
      });
      const protocol = reactor.tcpClients.pop()![2].buildProtocol(null as never)!;
      protocol.makeConnection(new StringTransport());
      expect(result).to.equal(null);
      reactor.advance(0);
      expect(result).to.equal(protocol);
    });
  });

  describe("ProtocolTests", () => {
    it("test_logPrefix", () => {
      class SomeThing extends Protocol {}
      expect(new SomeThing().logPrefix()).to.equal("SomeThing");
    });

    it("test_makeConnection", () => {
      const result: unknown[] = [];
      class SomeProtocol extends Protocol {
        override connectionMade(): void {
          result.push(this.transport);
        }
      }
      const transport = new StringTransport();
      const protocol = new SomeProtocol();
      protocol.makeConnection(transport);
      expect(result).to.deep.equal([transport]);
      expect(result[0]).to.equal(transport);
    });
  });

  describe("FactoryTests", () => {
    const events: LogEvent[] = [];
    const observe = (e: LogEvent): void => {
      events.push(e);
    };
    beforeEach(() => {
      events.length = 0;
      globalLogPublisher.addObserver(observe);
    });
    afterEach(() => globalLogPublisher.removeObserver(observe));

    it("test_logPrefix", () => {
      class SomeKindOfFactory extends Factory {}
      expect(new SomeKindOfFactory().logPrefix()).to.equal("SomeKindOfFactory");
    });

    it("test_defaultBuildProtocol", () => {
      class SomeProtocol extends Protocol {}
      const f = new Factory();
      f.protocol = SomeProtocol;
      const protocol = f.buildProtocol(null as never);
      expect(protocol).to.be.instanceOf(SomeProtocol);
      expect(protocol!.factory).to.equal(f);
    });

    it("test_forProtocol", () => {
      class ArgTakingFactory extends Factory {
        args: unknown[];
        constructor(...args: unknown[]) {
          super();
          this.args = args;
        }
      }
      const factory = ArgTakingFactory.forProtocol(Protocol, 1, 2, { foo: 12 });
      expect(factory.protocol).to.equal(Protocol);
      expect(factory.args).to.deep.equal([1, 2, { foo: 12 }]);
      expect(factory).to.be.instanceOf(ArgTakingFactory);
    });

    it("forProtocol on a subclass gives that subclass, building the protocol's type (typechecked)", () => {
      class Some extends Protocol {
        some = true;
      }
      const client: ClientFactory = ClientFactory.forProtocol(Some);
      const server: ServerFactory = ServerFactory.forProtocol(Some);
      const built: Some | null = Factory.forProtocol(Some).buildProtocol(null as never);
      expect(client).to.be.instanceOf(ClientFactory);
      expect(server).to.be.instanceOf(ServerFactory);
      expect(built!.some).to.equal(true);
    });

    it("test_doStartLoggingStatement", () => {
      const f = new Factory();
      f.doStart();
      expect(events[0]["factory"]).to.equal(f);
      expect(events[0].log_level).to.equal("info");
      expect(events[0].log_format).to.equal("Starting factory {factory!r}");
    });

    it("test_doStopLoggingStatement", () => {
      class MyFactory extends Factory {
        override numPorts = 1;
      }
      const f = new MyFactory();
      f.doStop();
      expect(events[0]["factory"]).to.equal(f);
      expect(events[0].log_level).to.equal("info");
      expect(events[0].log_format).to.equal("Stopping factory {factory!r}");
    });
  });

  describe("AdapterTests", () => {
    it("test_protocolToConsumer", () => {
      const result: Buffer[] = [];
      const p = new Protocol();
      p.dataReceived = (d) => {
        result.push(d);
      };
      const consumer: IConsumer = new ProtocolToConsumerAdapter(p);
      consumer.write(Buffer.from("hello"));
      expect(result).to.deep.equal([Buffer.from("hello")]);
      expect(consumer).to.be.instanceOf(ProtocolToConsumerAdapter);
    });

    it("test_consumerToProtocol", () => {
      const result: unknown[] = [];
      const c = {
        write(d: unknown): void {
          result.push(d);
        },
      };
      const protocol = new ConsumerToProtocolAdapter(c);
      protocol.dataReceived(Buffer.from("hello"));
      expect(result).to.deep.equal([Buffer.from("hello")]);
      expect(protocol.original).to.equal(c);
    });
  });
});
