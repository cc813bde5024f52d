// Ported from Twisted 22.4: twisted/test/test_policies.py, the parts this project implements
// (WrappingFactory, ProtocolWrapper, TimeoutProtocol, TimeoutFactory, TimeoutMixin) that
// tests/protocols/*.test.ts does not cover already. ThrottlingFactory,
// LimitTotalConnectionsFactory, SpewingFactory and TrafficLoggingFactory are not implemented.
import { expect } from "chai";
import { ProtocolWrapper, WrappingFactory } from "../../../protocols";
import { IPv4Address, Protocol, ServerFactory } from "../../../net";
import type { Failure } from "../../../defer";
import type { IConnector, IProducer, IProtocolFactory } from "../../../net";
import { StringTransport } from "../../../testing";

/** Twisted's EchoProtocol (test_policies). */
class EchoProtocol extends Protocol {
  paused = false;
  pauseProducing(): void {
    this.paused = true;
  }
  resumeProducing(): void {
    this.paused = false;
  }
  stopProducing(): void {}
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

/** Twisted's Server: a ServerFactory of EchoProtocol. */
class Server extends ServerFactory {
  override protocol = EchoProtocol;
}

/** Twisted's WrapperTests._getWrapper: a ProtocolWrapper connected to a StringTransport. */
function getWrapper(): ProtocolWrapper & { transport: StringTransport } {
  const wrapper = new ProtocolWrapper(new WrappingFactory(new Server()), new Protocol());
  const transport = new StringTransport();
  wrapper.makeConnection(transport);
  return wrapper as ProtocolWrapper & { transport: StringTransport };
}

describe("twisted ports: test_policies.WrapperTests", () => {
  it("test_protocolLogPrefix: names the original protocol and the wrapper", () => {
    const factory = new WrappingFactory(new Server());
    const p = factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 35))!;
    expect(p.logPrefix()).to.equal("EchoProtocol (ProtocolWrapper)");
  });

  it("test_getHost: calls getHost on the underlying transport", () => {
    const wrapper = getWrapper();
    expect(wrapper.getHost()).to.equal(wrapper.transport.getHost());
  });

  it("test_getPeer: calls getPeer on the underlying transport", () => {
    const wrapper = getWrapper();
    expect(wrapper.getPeer()).to.equal(wrapper.transport.getPeer());
  });

  it("test_registerProducer: calls registerProducer on the underlying transport", () => {
    const wrapper = getWrapper();
    const producer = {} as IProducer; // Twisted passes object()
    wrapper.registerProducer(producer, true);
    expect(wrapper.transport.producer).to.equal(producer);
    expect(wrapper.transport.streaming).to.equal(true);
  });

  it("test_startedConnecting: calls startedConnecting on the underlying factory", () => {
    const result: unknown[] = [];
    class Factory {
      startedConnecting(connector: IConnector): void {
        result.push(connector);
      }
    }
    const wrapper = new WrappingFactory(new Factory() as unknown as IProtocolFactory);
    const connector = {} as IConnector;
    wrapper.startedConnecting(connector);
    expect(result).to.have.length(1);
    expect(result[0]).to.equal(connector);
  });

  // Twisted's test_clientConnectionLost and test_clientConnectionFailed, the same test for each.
  for (const method of ["clientConnectionLost", "clientConnectionFailed"] as const) {
    it(`test_${method}: calls ${method} on the underlying factory`, () => {
      const result: Array<[IConnector, Failure]> = [];
      const factory = {
        [method](connector: IConnector, reason: Failure): void {
          result.push([connector, reason]);
        },
      };
      const wrapper = new WrappingFactory(factory as unknown as IProtocolFactory);
      const connector = {} as IConnector;
      const reason = {} as Failure;
      wrapper[method](connector, reason);
      expect(result).to.have.length(1);
      expect(result[0][0]).to.equal(connector);
      expect(result[0][1]).to.equal(reason);
    });
  }
});
