import { expect } from "chai";
import { Deferred } from "../../defer";
import { reactor } from "../../reactor";
import { Clock, LoopingCall } from "../../task";
import { newReactor, runReactor } from "../helpers/reactor";
import { failureOf } from "../helpers/deferred";

class TestException extends Error {}

/** A LoopingCall on a Clock, as Twisted's TestableLoopingCall. */
function loopOn<A extends unknown[]>(clock: Clock, f: (...args: A) => unknown, ...args: A): LoopingCall {
  const lc = new LoopingCall(f, ...args);
  lc.clock = clock;
  return lc;
}

describe("LoopingCall", () => {
  it("uses the global reactor as its clock by default", () => {
    expect(new LoopingCall(() => undefined).clock).to.equal(reactor);
  });

  it("calls f with its arguments on each interval; stop() fires start()'s Deferred with the LoopingCall", () => {
    const clock = new Clock();
    const calls: unknown[][] = [];
    const lc = loopOn(clock, (a: string, b: string) => calls.push([a, b]), "a", "b");
    const d = lc.start(0.1);
    const results: unknown[] = [];
    d.addCallback((r) => results.push(r));
    clock.pump([0.05, 0.1, 0.1]);
    expect(calls).to.deep.equal([
      ["a", "b"],
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(lc.running).to.equal(true);
    lc.stop();
    expect(results).to.deep.equal([lc]);
    expect(lc.running).to.equal(false);
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("start(interval, false) waits one interval before the first call", () => {
    const clock = new Clock();
    const calls: number[] = [];
    const lc = loopOn(clock, () => calls.push(clock.seconds()));
    const d = lc.start(0.1, false);
    expect(calls).to.deep.equal([]);
    clock.pump([0.05, 0.1, 0.1]);
    expect(calls).to.have.length(2);
    lc.stop();
    expect(d.result).to.equal(lc);
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("stop() before a delayed start means f never runs (interval 0 or 10)", () => {
    for (const interval of [0, 10]) {
      const clock = new Clock();
      const ran: number[] = [];
      const lc = loopOn(clock, () => ran.push(1));
      lc.start(interval, false);
      lc.stop();
      clock.advance(20);
      expect(ran).to.deep.equal([]);
      expect(clock.getDelayedCalls()).to.deep.equal([]);
    }
  });

  it("keeps to the grid start + k*interval when calls run late", () => {
    const clock = new Clock();
    const times: number[] = [];
    const lc = loopOn(clock, () => times.push(clock.seconds()));
    lc.start(1);
    clock.advance(1.3); // late by 0.3
    clock.advance(0.7); // the next is due at 2, not 2.3
    expect(times).to.deep.equal([0, 1.3, 2]);
    lc.stop();
  });

  it("when a call takes longer than the interval, the next is the next grid point still ahead", () => {
    const clock = new Clock();
    const times: number[] = [];
    let callDuration = 2;
    const lc = loopOn(clock, () => {
      times.push(clock.seconds());
      clock.advance(callDuration);
    });
    lc.start(0.5);
    expect(times).to.deep.equal([0]);
    expect(clock.seconds()).to.equal(2);
    clock.advance(0);
    expect(times).to.deep.equal([0]);
    callDuration = 1;
    clock.advance(0.5);
    expect(times).to.deep.equal([0, 2.5]);
    expect(clock.seconds()).to.equal(3.5);
    clock.advance(0);
    expect(times).to.deep.equal([0, 2.5]);
    callDuration = 0;
    clock.advance(0.5);
    expect(times).to.deep.equal([0, 2.5, 4]);
    lc.stop();
  });

  it("missed intervals are skipped, never bunched", () => {
    const clock = new Clock();
    const times: number[] = [];
    const lc = loopOn(clock, () => times.push(clock.seconds()));
    lc.start(0.5);
    clock.advance(2);
    expect(times).to.deep.equal([0, 2]);
    clock.advance(1);
    expect(times).to.deep.equal([0, 2, 3]);
    clock.advance(0);
    expect(times).to.deep.equal([0, 2, 3]);
    lc.stop();
  });

  it("reset() restarts the grid from now", () => {
    const clock = new Clock();
    const ran: number[] = [];
    const lc = loopOn(clock, () => ran.push(clock.seconds()));
    lc.start(2, false);
    clock.advance(1);
    lc.reset();
    clock.advance(1);
    expect(ran).to.deep.equal([]);
    clock.advance(1);
    expect(ran).to.deep.equal([3]);
    lc.stop();
  });

  it("a Deferred returned by f holds back the next call until it fires", () => {
    const clock = new Clock();
    const calls: number[] = [];
    let pending: Deferred<null> | undefined;
    const lc = loopOn(clock, () => {
      calls.push(clock.seconds());
      pending = new Deferred<null>();
      return pending;
    });
    lc.start(1);
    clock.advance(5);
    expect(calls).to.deep.equal([0]);
    pending?.callback(null);
    expect(calls).to.deep.equal([0]);
    clock.advance(1);
    expect(calls).to.deep.equal([0, 6]);
    lc.stop();
  });

  it("a Promise returned by f holds back the next call until it settles", async () => {
    const clock = new Clock();
    const calls: number[] = [];
    let resolveIt: () => void = () => undefined;
    const lc = loopOn(clock, () => {
      calls.push(clock.seconds());
      return new Promise<void>((resolve) => (resolveIt = resolve));
    });
    lc.start(1);
    clock.advance(3);
    expect(calls).to.deep.equal([0]);
    resolveIt();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(1);
    expect(calls).to.deep.equal([0, 4]);
    lc.stop();
  });

  it("stop() from inside f ends the loop once f returns", () => {
    const clock = new Clock();
    let count = 0;
    const lc = loopOn(clock, () => {
      count++;
      if (count === 3) lc.stop();
    });
    const d = lc.start(1);
    clock.advance(1);
    clock.advance(1);
    expect(count).to.equal(3);
    expect(d.result).to.equal(lc);
    clock.advance(5);
    expect(count).to.equal(3);
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("stop() while f's Deferred is pending fires start()'s Deferred when it settles", () => {
    const clock = new Clock();
    const pending = new Deferred<null>();
    const lc = loopOn(clock, () => pending);
    const d = lc.start(1);
    lc.stop();
    expect(d.called).to.equal(false);
    pending.callback(null);
    expect(d.result).to.equal(lc);
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("when f throws, start()'s Deferred fails with the error and running is false", () => {
    const clock = new Clock();
    const lc = loopOn(clock, (x: string) => {
      throw new TestException(x);
    }, "bar");
    const d = lc.start(0.1);
    expect(lc.running).to.equal(false);
    const f = failureOf(d);
    expect(f.value).to.be.instanceOf(TestException);
    expect(f.getErrorMessage()).to.equal("bar");
  });

  it("f that stops the loop and then throws still fails start()'s Deferred", () => {
    const clock = new Clock();
    const lc = loopOn(clock, () => {
      lc.stop();
      throw new TestException("after stop");
    });
    expect(failureOf(lc.start(0.1)).value).to.be.instanceOf(TestException);
  });

  it("a failure of f's Deferred fails start()'s Deferred", () => {
    const clock = new Clock();
    const lc = loopOn(clock, () => {
      const d = new Deferred<null>();
      clock.callLater(0.3, () => d.errback(new TestException("later")));
      return d;
    });
    const started = lc.start(1);
    clock.pump([0.3]);
    expect(failureOf(started).value).to.be.instanceOf(TestException);
    expect(lc.running).to.equal(false);
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("interval 0 runs again on each turn, until stopped", () => {
    const clock = new Clock();
    let ran = 0;
    const lc = loopOn(clock, () => {
      ran++;
      if (ran > 5) lc.stop();
    });
    const d = lc.start(0);
    clock.advance(0);
    expect(ran).to.equal(6);
    expect(d.result).to.equal(lc);
  });

  it("interval 0 yields to the reactor between calls", async () => {
    const r = newReactor();
    let ran = 0;
    let timerFired = false;
    const lc = new LoopingCall(() => {
      ran++;
      if (timerFired) {
        lc.stop();
        r.stop();
      }
    });
    lc.clock = r;
    r.callWhenRunning(() => lc.start(0));
    r.callLater(0.005, () => (timerFired = true));
    await runReactor(r);
    expect(ran).to.be.greaterThan(1);
    expect(timerFired).to.equal(true);
  });

  describe("withCount", () => {
    it("passes how many intervals passed: 1 normally, more after a stall", () => {
      const clock = new Clock();
      const times: Array<[number, number]> = [];
      const lc = LoopingCall.withCount((n) => times.push([clock.seconds(), n]));
      lc.clock = clock;
      const INTERVAL = 0.5;
      const DELAY = 0.01;
      lc.start(INTERVAL);
      expect(times).to.deep.equal([[0, 1]]);
      clock.advance(INTERVAL + DELAY);
      expect(times[1]).to.deep.equal([INTERVAL + DELAY, 1]);
      clock.advance(3 * INTERVAL + DELAY);
      expect(times[2][1]).to.equal(3);
      expect(times[2][0]).to.be.closeTo(4 * INTERVAL + 2 * DELAY, 1e-9);
      clock.advance(0);
      expect(times).to.have.length(3);
      lc.stop();
    });

    it("counts only whole intervals passed (1.75 intervals late is still 1)", () => {
      const clock = new Clock();
      const counts: number[] = [];
      const lc = LoopingCall.withCount((n) => counts.push(n));
      lc.clock = clock;
      lc.start(0.5);
      clock.advance(0.51);
      clock.advance(0.5 * 1.75);
      clock.advance(0.5 * 0.25);
      expect(counts).to.deep.equal([1, 1, 1, 1]);
      lc.stop();
    });

    it("never passes 0, and the counts add up to the intervals passed (0.1 float boundary)", () => {
      const clock = new Clock();
      const counts: number[] = [];
      const lc = LoopingCall.withCount((n) => counts.push(n));
      lc.clock = clock;
      const count = 10;
      const interval = 1.0 / count;
      lc.start(interval, false);
      for (let i = 0; i < count; i++) clock.advance(interval);
      const epsilon = 1.0 - Array.from({ length: count }, () => interval).reduce((a, b) => a + b, 0);
      clock.advance(epsilon);
      expect(counts.reduce((a, b) => a + b, 0)).to.equal(count);
      expect(counts).not.to.include(0);
      lc.stop();
    });

    it("interval 0 always passes 1, even after a pause for a Deferred", () => {
      const clock = new Clock();
      const counts: number[] = [];
      const pending = new Deferred<null>();
      const lc = LoopingCall.withCount((n) => {
        counts.push(n);
        if (counts.length === 2) return pending;
        if (counts.length > 4) lc.stop();
        return undefined;
      });
      lc.clock = clock;
      lc.start(0, false);
      clock.advance(0);
      expect(counts).to.deep.equal([1, 1]);
      clock.advance(2);
      expect(counts).to.deep.equal([1, 1]);
      pending.callback(null);
      clock.advance(0);
      expect(counts).to.deep.equal([1, 1, 1, 1, 1]);
    });

    it("after interval 0, a new interval counts from the last call", () => {
      const clock = new Clock();
      const counts: number[] = [];
      const pending = new Deferred<null>();
      const lc = LoopingCall.withCount((n) => {
        counts.push(n);
        if (counts.length === 2) return pending;
        return undefined;
      });
      lc.clock = clock;
      lc.start(0, false);
      clock.advance(10);
      expect(counts).to.deep.equal([1, 1]);
      lc.interval = 2;
      pending.callback(null);
      clock.advance(7);
      expect(counts).to.deep.equal([1, 1, 3]);
      clock.advance(2);
      expect(counts).to.deep.equal([1, 1, 3, 1]);
      clock.advance(4);
      expect(counts).to.deep.equal([1, 1, 3, 1, 2]);
      lc.stop();
    });

    it("a Deferred that outlasts several intervals: the next call gets the intervals passed", () => {
      const clock = new Clock();
      const counts: number[] = [];
      const pending = new Deferred<null>();
      const lc = LoopingCall.withCount((n) => {
        counts.push(n);
        return counts.length === 1 ? pending : undefined;
      });
      lc.clock = clock;
      lc.start(0.2, false);
      clock.pump([0.2, 0.4]);
      expect(counts).to.deep.equal([1]);
      pending.callback(null);
      clock.pump([0.2]);
      expect(counts).to.deep.equal([1, 3]);
      lc.stop();
    });
  });

  describe("bad input and state errors", () => {
    it("a negative, NaN or infinite interval is a RangeError; a non-number a TypeError", () => {
      const lc = new LoopingCall(() => undefined);
      lc.clock = new Clock();
      expect(() => lc.start(-1)).to.throw(RangeError, /-1/);
      expect(() => lc.start(NaN)).to.throw(RangeError, /NaN/);
      expect(() => lc.start(Infinity)).to.throw(RangeError);
      expect(() => lc.start("1" as never)).to.throw(TypeError);
      expect(lc.running).to.equal(false);
    });

    it("start() while running, stop() or reset() while not: an Error naming the state", () => {
      const lc = new LoopingCall(() => undefined);
      lc.clock = new Clock();
      expect(() => lc.stop()).to.throw(Error, /not running/);
      expect(() => lc.reset()).to.throw(Error, /not running/);
      lc.start(1);
      expect(() => lc.start(1)).to.throw(Error, /already running/);
      lc.stop();
    });

    it("a non-function is a TypeError", () => {
      expect(() => new LoopingCall(5 as never)).to.throw(TypeError);
      expect(() => LoopingCall.withCount(null as never)).to.throw(TypeError);
    });
  });

  it("toString names the function and the interval", () => {
    function installReactor(_n: number): void {}
    const lc = new LoopingCall(installReactor, 1);
    expect(lc.toString()).to.match(/LoopingCall<undefined>\(installReactor/);
  });
});
