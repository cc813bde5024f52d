/**
 * ReconnectingClientFactory on a Clock (Twisted's test/test_factories.py, plus the delay
 * formula, maxRetries and resetDelay), and with a real connector (its reactor as the clock).
 */
import { expect } from "chai";
import { Failure } from "../../core/failure";
import { Clock } from "../../task";
import {
  ConnectionDone,
  ConnectionRefusedError,
  Protocol,
  ReconnectingClientFactory,
  ValueError,
  type IConnector,
} from "../../net";
import { IPv4Address } from "../../net/address";
import { _disconnectAll } from "../../net/registry";
import { newReactor, runReactor } from "../helpers/reactor";
import { Recorder, ServerRecorderFactory, boundPort } from "../helpers/net";

class FakeConnector implements IConnector {
  connects = 0;
  stops = 0;
  state: "disconnected" | "connecting" | "connected" = "disconnected";
  connect(): void {
    this.connects++;
  }
  disconnect(): void {}
  stopConnecting(): void {
    this.stops++;
  }
  getDestination(): IPv4Address {
    return new IPv4Address("TCP", "127.0.0.1", 1);
  }
}

const reason = new Failure(new ConnectionRefusedError());

function quietFactory(): ReconnectingClientFactory {
  const f = new ReconnectingClientFactory();
  f.noisy = false;
  return f;
}

describe("ReconnectingClientFactory", () => {
  it("stopTrying while connected: no reconnect when the connection is lost later", () => {
    const f = quietFactory();
    f.protocol = Protocol;
    f.clock = new Clock();
    const connector = {
      ...new FakeConnector(),
      stopConnecting(): void {
        throw new Error("Shouldn't be called, we're connected.");
      },
      connect(): void {
        throw new Error("Shouldn't be reconnecting.");
      },
    } as unknown as IConnector;
    f.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 1));
    f.stopTrying();
    f.clientConnectionLost(connector, reason);
    expect(f.continueTrying).to.equal(false);
    expect((f.clock as Clock).getDelayedCalls()).to.have.length(0);
  });

  it("stopTrying stops the attempt in progress and never retries", () => {
    const f = quietFactory();
    const clock = new Clock();
    f.clock = clock;
    let attemptedRetry = false;
    const connector = {
      ...new FakeConnector(),
      stopConnecting: () => f.clientConnectionFailed(connector, reason),
      connect: () => {
        attemptedRetry = true;
      },
    } as unknown as IConnector;
    f.connector = connector;
    f.stopTrying();
    expect(attemptedRetry).to.equal(false);
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("runs its waits on the given clock (parametrized clock)", () => {
    const f = quietFactory();
    const clock = new Clock();
    f.clock = clock;
    const connector = new FakeConnector();
    f.clientConnectionLost(connector, reason);
    expect(clock.getDelayedCalls()).to.have.length(1);
    clock.advance(f.delay);
    expect(connector.connects).to.equal(1);
  });

  it("the delay grows by factor up to maxDelay (without jitter)", () => {
    const f = quietFactory();
    f.jitter = 0;
    f.maxDelay = 20;
    const clock = new Clock();
    f.clock = clock;
    const connector = new FakeConnector();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      f.clientConnectionFailed(connector, reason);
      delays.push(f.delay);
      const calls = clock.getDelayedCalls();
      expect(calls).to.have.length(1);
      expect(calls[0].getTime() - clock.seconds()).to.be.closeTo(f.delay, 1e-9);
      clock.advance(f.delay);
    }
    const e = f.factor;
    expect(delays[0]).to.be.closeTo(e, 1e-9);
    expect(delays[1]).to.be.closeTo(e * e, 1e-9);
    expect(delays.slice(2)).to.deep.equal([20, 20, 20]);
    expect(connector.connects).to.equal(5);
    expect(f.retries).to.equal(5);
  });

  it("jitter spreads the delay around its value (a normal variate)", () => {
    const values: number[] = [];
    for (let i = 0; i < 400; i++) {
      const f = quietFactory();
      f.clock = new Clock();
      f.clientConnectionFailed(new FakeConnector(), reason);
      values.push(f.delay);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const e = 2.7182818284590451;
    expect(mean).to.be.closeTo(e, 0.1);
    expect(sd).to.be.closeTo(e * 0.119626565582, 0.1);
    expect(new Set(values).size).to.be.greaterThan(300);
  });

  it("maxRetries: gives up after that many consecutive retries", () => {
    const f = quietFactory();
    f.maxRetries = 2;
    const clock = new Clock();
    f.clock = clock;
    const connector = new FakeConnector();
    for (let i = 0; i < 3; i++) {
      f.clientConnectionFailed(connector, reason);
      clock.advance(f.delay + 1);
    }
    expect(connector.connects).to.equal(2);
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("resetDelay: the delay and the retry count start over", () => {
    const f = quietFactory();
    f.jitter = 0;
    const clock = new Clock();
    f.clock = clock;
    const connector = new FakeConnector();
    f.clientConnectionFailed(connector, reason);
    clock.advance(f.delay);
    f.clientConnectionFailed(connector, reason);
    clock.advance(f.delay);
    expect(f.retries).to.equal(2);
    f.resetDelay();
    expect(f.retries).to.equal(0);
    expect(f.delay).to.equal(f.initialDelay);
    expect(f.continueTrying).to.equal(true);
  });

  it("retry() with no connector at all: ValueError", () => {
    const f = quietFactory();
    f.clock = new Clock();
    expect(() => f.retry()).to.throw(ValueError);
  });

  it("retry() reuses the last connector", () => {
    const f = quietFactory();
    const clock = new Clock();
    f.clock = clock;
    const connector = new FakeConnector();
    f.connector = connector;
    f.retry();
    clock.advance(f.delay);
    expect(connector.connects).to.equal(1);
  });

  it("reconnects a real connector on its reactor until it connects, then resetDelay", async () => {
    const r = newReactor();
    const run = runReactor(r, 10);
    try {
      const sf = new ServerRecorderFactory(Recorder);
      const first = r.listenTCP(0, sf, { interface: "127.0.0.1" });
      const n = await boundPort(first);
      await first.stopListening();
      const events: string[] = [];
      const f = new (class extends ReconnectingClientFactory {
        override noisy = false;
        override initialDelay = 0.01;
        override delay = 0.01;
        override factor = 1.5;
        override jitter = 0;
        override clientConnectionFailed(c: IConnector, why: Failure): void {
          events.push(`failed:${(why.value as Error).name}`);
          if (events.length === 2) r.listenTCP(n, sf, { interface: "127.0.0.1" });
          super.clientConnectionFailed(c, why);
        }
        override clientConnectionLost(c: IConnector, why: Failure): void {
          events.push(`lost:${(why.value as Error).name}`);
          this.stopTrying();
          super.clientConnectionLost(c, why);
        }
        override buildProtocol(addr: IPv4Address): Protocol | null {
          this.resetDelay();
          return super.buildProtocol(addr);
        }
      })();
      f.protocol = Recorder;
      const connector = r.connectTCP("127.0.0.1", n, f);
      const server = await sf.nth(0);
      await server.made;
      while (connector.state !== "connected") await new Promise((res) => setImmediate(res));
      expect(f.clock).to.equal(r); // the connector's reactor is the default clock
      expect(f.retries).to.equal(0);
      server.transport!.loseConnection();
      await server.lost;
      while ((connector.state as string) !== "disconnected") await new Promise((res) => setImmediate(res));
      expect(events.slice(0, 2)).to.deep.equal(["failed:ConnectionRefusedError", "failed:ConnectionRefusedError"]);
      expect(events.at(-1)).to.equal(`lost:${ConnectionDone.name}`);
    } finally {
      _disconnectAll(r);
      r.stop();
      await run;
    }
  });
});
