import { expect } from "chai";
import { TimeoutMixin } from "../../protocols";
import { Protocol } from "../../net";
import { StringTransport } from "../../testing";
import { Clock } from "../../task";
import { reactor } from "../../reactor";
import type { IDelayedCall } from "../../reactor";

/** Twisted's TimeoutTester: callLater overridden to use a Clock. */
class TimeoutTester extends TimeoutMixin(Protocol) {
  override timeOut: number | null = 3;
  timedOut = false;
  constructor(readonly clock: Clock) {
    super();
  }
  override connectionMade(): void {
    this.setTimeout(this.timeOut);
  }
  override dataReceived(_data: Buffer): void {
    this.resetTimeout();
  }
  override connectionLost(): void {
    this.setTimeout(null);
  }
  override timeoutConnection(): void {
    this.timedOut = true;
  }
  override callLater(delay: number, f: () => void): IDelayedCall {
    return this.clock.callLater(delay, f);
  }
}

describe("TimeoutMixin (twisted.protocols.policies)", () => {
  let clock: Clock;
  let proto: TimeoutTester;
  beforeEach(() => {
    clock = new Clock();
    proto = new TimeoutTester(clock);
  });

  it("schedules through an overridden callLater (test_overriddenCallLater)", () => {
    proto.setTimeout(10);
    expect(clock.getDelayedCalls()).to.have.length(1);
    proto.setTimeout(null);
  });

  it("times out after the period (test_timeout)", () => {
    proto.makeConnection(new StringTransport());
    clock.pump([0, 0.5, 1.0, 1.0]);
    expect(proto.timedOut).to.equal(false);
    clock.pump([0, 1.0]);
    expect(proto.timedOut).to.equal(true);
  });

  it("activity resets the countdown (test_noTimeout)", () => {
    proto.makeConnection(new StringTransport());
    clock.pump([0, 0.5, 1.0, 1.0]);
    expect(proto.timedOut).to.equal(false);
    proto.dataReceived(Buffer.from("hello there"));
    clock.pump([0, 1.0, 1.0, 0.5]);
    expect(proto.timedOut).to.equal(false);
    clock.pump([0, 1.0]);
    expect(proto.timedOut).to.equal(true);
  });

  it("setTimeout sets a new period (test_resetTimeout)", () => {
    proto.timeOut = null;
    proto.makeConnection(new StringTransport());
    proto.setTimeout(1);
    expect(proto.timeOut).to.equal(1);
    clock.pump([0, 0.9]);
    expect(proto.timedOut).to.equal(false);
    clock.pump([0, 0.2]);
    expect(proto.timedOut).to.equal(true);
  });

  it("setTimeout(null) cancels (test_cancelTimeout)", () => {
    proto.timeOut = 5;
    proto.makeConnection(new StringTransport());
    proto.setTimeout(null);
    expect(proto.timeOut).to.equal(null);
    clock.pump([0, 5, 5, 5]);
    expect(proto.timedOut).to.equal(false);
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("setTimeout returns the previous period (test_setTimeoutReturn)", () => {
    proto.timeOut = 5;
    expect(proto.setTimeout(10)).to.equal(5);
    expect(proto.setTimeout(null)).to.equal(10);
    expect(proto.setTimeout(1)).to.equal(null);
    expect(proto.timeOut).to.equal(1);
    proto.setTimeout(null);
  });

  it("setTimeout(null) after the call was cancelled elsewhere (test_setTimeoutCancleAlreadyCancelled)", () => {
    proto.setTimeout(3);
    clock.getDelayedCalls()[0].cancel();
    expect(proto.timeOut).to.not.equal(null);
    proto.setTimeout(null);
    expect(proto.timeOut).to.equal(null);
  });

  it("a Clock's callLater can be assigned, and timeoutConnection loses the connection by default", () => {
    const Plain = TimeoutMixin(Protocol);
    const p = new Plain();
    p.callLater = clock.callLater;
    const t = new StringTransport();
    p.makeConnection(t);
    p.setTimeout(2);
    clock.advance(1.5);
    p.resetTimeout();
    clock.advance(1.5);
    expect(t.disconnecting).to.equal(false);
    clock.advance(0.5);
    expect(t.disconnecting).to.equal(true);
  });

  it("defaults to the global reactor's callLater", () => {
    const Plain = TimeoutMixin(Protocol);
    const p = new Plain();
    const before = reactor.getDelayedCalls().length;
    p.setTimeout(60);
    expect(reactor.getDelayedCalls().length).to.equal(before + 1);
    p.setTimeout(null);
    expect(reactor.getDelayedCalls().length).to.equal(before);
  });

  it("its methods work when passed as values", () => {
    const Plain = TimeoutMixin(Protocol);
    const p = new Plain();
    p.callLater = clock.callLater;
    const { setTimeout, resetTimeout } = p;
    setTimeout(1);
    resetTimeout();
    expect(setTimeout(null)).to.equal(1);
  });

  it("rejects a bad period", () => {
    expect(() => proto.setTimeout(-1)).to.throw(RangeError, /period/);
    expect(() => proto.setTimeout("1" as unknown as number)).to.throw(TypeError, /period/);
    expect(() => proto.setTimeout(Number.NaN)).to.throw(RangeError, /period/);
  });
});
