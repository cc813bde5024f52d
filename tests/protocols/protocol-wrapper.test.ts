import { expect } from "chai";
import { ProtocolWrapper, WrappingFactory } from "../../protocols";
import { ClientFactory, ConnectionDone, Factory, IPv4Address, Protocol } from "../../net";
import { Failure } from "../../defer";
import { AccumulatingProtocol, StringTransport, StringTransportWithDisconnection } from "../../testing";
import type { IConnector } from "../../net";

describe("ProtocolWrapper / WrappingFactory (twisted.protocols.policies)", () => {
  const addr = new IPv4Address("TCP", "127.0.0.1", 35);

  it("wraps the wrapped factory's protocols and tracks them in `protocols`", () => {
    const wrapped = Factory.forProtocol(AccumulatingProtocol);
    const factory = new WrappingFactory(wrapped);
    const wrapper = factory.buildProtocol(addr)!;
    expect(wrapper).to.be.instanceOf(ProtocolWrapper);
    expect(wrapper.wrappedProtocol).to.be.instanceOf(AccumulatingProtocol);
    expect(wrapper.factory).to.equal(factory);
    const t = new StringTransport();
    wrapper.makeConnection(t);
    expect([...factory.protocols.keys()]).to.deep.equal([wrapper]);
    const inner = wrapper.wrappedProtocol as AccumulatingProtocol;
    expect(inner.transport).to.equal(wrapper);
    expect(inner.made).to.equal(1);
    wrapper.dataReceived(Buffer.from("hi"));
    expect(inner.data.toString()).to.equal("hi");
    inner.transport!.write("back");
    expect(t.value().toString()).to.equal("back");
    wrapper.connectionLost(new Failure(new ConnectionDone()));
    expect(inner.closed).to.equal(1);
    expect(factory.protocols.size).to.equal(0);
    // registerProtocol / unregisterProtocol work passed as values.
    const { registerProtocol, unregisterProtocol } = factory;
    registerProtocol(wrapper);
    expect(factory.protocols.size).to.equal(1);
    unregisterProtocol(wrapper);
    expect(factory.protocols.size).to.equal(0);
  });

  it("relays the transport's methods, also passed as values", () => {
    const wrapper = new ProtocolWrapper(new WrappingFactory(new Factory()), new Protocol());
    const t = new StringTransport();
    wrapper.makeConnection(t);
    const { loseConnection, setTcpNoDelay, pauseProducing, registerProducer } = wrapper;
    setTcpNoDelay(true);
    expect(t.tcpNoDelay).to.equal(true);
    expect(wrapper.getTcpNoDelay()).to.equal(true);
    pauseProducing();
    expect(t.producerState).to.equal("paused");
    const producer = { stopProducing(): void {} };
    registerProducer(producer, false);
    expect(t.producer).to.equal(producer);
    expect(wrapper.getPeer()).to.equal(t.getPeer());
    expect(wrapper.getHost()).to.equal(t.getHost());
    wrapper.writeSequence(["a", "b"]);
    expect(t.value().toString()).to.equal("ab");
    loseConnection();
    expect(wrapper.disconnecting).to.equal(1);
    expect(t.disconnecting).to.equal(true);
    wrapper.abortConnection();
    expect(t.disconnected).to.equal(true);
  });

  it("relays doStart/doStop and the client factory calls", () => {
    const calls: string[] = [];
    class Client extends ClientFactory {
      override startFactory(): void {
        calls.push("start");
      }
      override stopFactory(): void {
        calls.push("stop");
      }
      override startedConnecting(): void {
        calls.push("startedConnecting");
      }
      override clientConnectionFailed(): void {
        calls.push("failed");
      }
      override clientConnectionLost(): void {
        calls.push("lost");
      }
    }
    const inner = new Client();
    inner.noisy = false;
    const factory = new WrappingFactory(inner);
    factory.noisy = false;
    const connector = {} as IConnector;
    factory.doStart();
    factory.startedConnecting(connector);
    factory.clientConnectionFailed(connector, new Failure(new Error("x")));
    factory.clientConnectionLost(connector, new Failure(new Error("x")));
    factory.doStop();
    expect(calls).to.deep.equal(["start", "startedConnecting", "failed", "lost", "stop"]);
  });

  it("refuses the connection when the wrapped factory does", () => {
    class Refusing extends Factory {
      override buildProtocol(): null {
        return null;
      }
    }
    expect(new WrappingFactory(new Refusing()).buildProtocol(addr)).to.equal(null);
  });

  it("an anonymous wrapped protocol or wrapper class shows the nearest named class", () => {
    const wrapped = Factory.forProtocol(class extends Protocol {});
    const factory = new (class extends WrappingFactory {})(wrapped);
    const wrapper = factory.buildProtocol(addr)!;
    expect(wrapper.logPrefix()).to.equal("Protocol (ProtocolWrapper)");
    expect(factory.logPrefix()).to.equal("Factory (WrappingFactory)");
  });

  it("logPrefix names the wrapped protocol and the wrapper", () => {
    const wrapper = new ProtocolWrapper(new WrappingFactory(new Factory()), new AccumulatingProtocol());
    expect(wrapper.logPrefix()).to.equal("AccumulatingProtocol (ProtocolWrapper)");
  });

  it("accepts any wrappedFactory (as Twisted's tests do) but cannot build from a non-factory", () => {
    expect(() => new WrappingFactory(null as never).buildProtocol(addr)).to.throw(TypeError, /wrappedFactory/);
    expect(() => new WrappingFactory({} as never).buildProtocol(addr)).to.throw(TypeError, /wrappedFactory/);
  });

  it("logPrefix falls back to class names (test_factoryLogPrefix, test_protocolLogPrefixFallback)", () => {
    class Server extends Factory {}
    expect(new WrappingFactory(new Server()).logPrefix()).to.equal("Server (WrappingFactory)");
    class NoFactory {}
    expect(new WrappingFactory(new NoFactory() as never).logPrefix()).to.equal("NoFactory (WrappingFactory)");
    class NoProtocol {}
    const server = new Server();
    server.protocol = NoProtocol as never;
    const p = new WrappingFactory(server).buildProtocol(addr)!;
    expect(p.logPrefix()).to.equal("NoProtocol (ProtocolWrapper)");
    expect((p.wrappedProtocol as unknown as { factory: unknown }).factory).to.equal(server); // test_protocolFactoryAttribute
  });

  it("drops the wrapped protocol once the connection is lost (test_breakReferenceCycle)", () => {
    const wrapper = new ProtocolWrapper(new WrappingFactory(new Factory()), new Protocol());
    const transport = new StringTransportWithDisconnection();
    transport.protocol = wrapper;
    wrapper.makeConnection(transport);
    expect(wrapper.wrappedProtocol).to.not.equal(null);
    transport.loseConnection();
    expect(wrapper.wrappedProtocol).to.equal(null);
  });

  it("relays stopConsuming and unregisterProducer (test_stopConsuming, test_unregisterProducer)", () => {
    const wrapper = new ProtocolWrapper(new WrappingFactory(new Factory()), new Protocol());
    const t = new StringTransport();
    wrapper.makeConnection(t);
    const result: boolean[] = [];
    (t as unknown as { stopConsuming(): void }).stopConsuming = () => result.push(true);
    wrapper.stopConsuming();
    expect(result).to.deep.equal([true]);
    wrapper.registerProducer({ stopProducing(): void {} }, true);
    wrapper.unregisterProducer();
    expect([t.producer, t.streaming]).to.deep.equal([null, null]);
  });
});
