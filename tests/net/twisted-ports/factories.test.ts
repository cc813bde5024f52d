/**
 * Ported from Twisted 22.4's twisted/test/test_factories.py (ReconnectingFactoryTests; the
 * pickling tests have no counterpart), plus the factory methods passed as values, as Twisted's
 * tests do (`self.addCleanup(factory.stopTrying)`).
 */
import { expect } from "chai";
import { Failure } from "../../../core/failure";
import { Deferred } from "../../../defer";
import { ClientFactory, ConnectionDone, Factory, Protocol, ReconnectingClientFactory, type IConnector } from "../../../net";
import { Clock } from "../../../task";

/** Twisted's test_factories.FakeConnector. */
class FakeConnector implements IConnector {
  state: "disconnected" | "connecting" | "connected" = "disconnected";
  stopConnecting(): void {}
  connect(): void {}
  disconnect(): void {}
  getDestination(): never {
    throw new Error("not used");
  }
}

describe("twisted ports: test_factories", () => {
  describe("ReconnectingFactoryTests", () => {
    it("test_stopTryingWhenConnected", () => {
      class NoConnectConnector extends FakeConnector {
        override stopConnecting(): void {
          throw new Error("Shouldn't be called, we're connected.");
        }
        override connect(): void {
          throw new Error("Shouldn't be reconnecting.");
        }
      }
      const c = new ReconnectingClientFactory();
      c.protocol = Protocol;
      c.buildProtocol(null as never);
      c.stopTrying();
      c.clientConnectionLost(new NoConnectConnector(), null as never);
      expect(c.continueTrying).to.equal(false);
    });

    it("test_stopTryingDoesNotReconnect", () => {
      const f = new ReconnectingClientFactory();
      class FactoryAwareFakeConnector extends FakeConnector {
        attemptedRetry = false;
        override stopConnecting(): void {
          f.clientConnectionFailed(this, null as never);
        }
        override connect(): void {
          this.attemptedRetry = true;
        }
      }
      const clock = new Clock();
      f.clock = clock;
      const connector = new FactoryAwareFakeConnector();
      f.connector = connector;
      f.stopTrying();
      expect(connector.attemptedRetry).to.equal(false);
      expect(clock.getDelayedCalls()).to.have.length(0);
    });

    it("test_parametrizedClock", () => {
      const clock = new Clock();
      const factory = new ReconnectingClientFactory();
      factory.clock = clock;
      factory.clientConnectionLost(new FakeConnector(), null as never);
      expect(clock.calls).to.have.length(1);
    });

    it("a retry scheduled then stopTrying passed as a value (addCleanup(factory.stopTrying))", () => {
      const clock = new Clock();
      const factory = new ReconnectingClientFactory();
      factory.clock = clock;
      factory.clientConnectionFailed(new FakeConnector(), null as never);
      expect(clock.getDelayedCalls()).to.have.length(1);
      const cleanup = factory.stopTrying;
      cleanup();
      expect(clock.getDelayedCalls()).to.have.length(0);
      expect(factory.continueTrying).to.equal(false);
      const reset = factory.resetDelay;
      reset();
      expect(factory.continueTrying).to.equal(true);
    });
  });

  describe("factory methods passed as values", () => {
    it("doStart / doStop / buildProtocol keep their factory", () => {
      const f = Factory.forProtocol(Protocol);
      f.noisy = false;
      const d = new Deferred<void>();
      d.addCallback(f.doStart);
      d.callback(undefined);
      expect(f.numPorts).to.equal(1);
      const stop = f.doStop;
      stop();
      expect(f.numPorts).to.equal(0);
      const build = f.buildProtocol;
      expect(build(null as never)!.factory).to.equal(f);
    });

    it("a subclass's override is what the bound method calls", () => {
      const seen: string[] = [];
      class Mine extends ClientFactory {
        override clientConnectionLost(_c: IConnector, reason: Failure): void {
          seen.push(`${this.constructor.name}: ${(reason.value as Error).name}`);
        }
      }
      const f = new Mine();
      const lost = f.clientConnectionLost;
      lost(new FakeConnector(), new Failure(new ConnectionDone()));
      expect(seen).to.deep.equal(["Mine: ConnectionDone"]);
    });
  });
});
