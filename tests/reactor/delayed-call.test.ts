/**
 * DelayedCall (with its queue and a fake clock), the reactor's error classes and the shared
 * argument checks. No real timers.
 */
import { expect } from "chai";
import { inspect } from "node:util";
import { DelayedCall, EMPTY_ARGS } from "../../reactor/delayed-call";
import {
  AlreadyCalled,
  AlreadyCancelled,
  ReactorAlreadyRunning,
  ReactorNotRestartable,
  ReactorNotRunning,
} from "../../reactor/errors";
import type { IDelayedCall } from "../../core/interfaces";
import { TimerQueue } from "../../reactor/timer-queue";
import { checkCallable, checkDelay, checkFinite, checkTime, describeValue } from "../../core/validate";

class FakeClock {
  now = 0;
  seconds(): number {
    return this.now;
  }
}

describe("DelayedCall", () => {
  let clock: FakeClock;
  let q: TimerQueue;

  beforeEach(() => {
    clock = new FakeClock();
    q = new TimerQueue(clock);
  });

  /** Runs what is due at the clock's time, as an owner does. */
  function runDue(): void {
    for (let call; (call = q.popDue(clock.now)) !== null; ) call.func(...call.args);
  }

  it("implements IDelayedCall and keeps its function and arguments", () => {
    const seen: unknown[] = [];
    const f = (a: number, b: string): void => {
      seen.push(a, b);
    };
    const call: IDelayedCall = q.schedule(1.5, f, [1, "x"]);
    expect(call).to.be.instanceOf(DelayedCall);
    const dc = call as DelayedCall<[number, string]>;
    expect(dc.func).to.equal(f);
    expect(dc.args).to.deep.equal([1, "x"]);
    expect(dc.getTime()).to.equal(1.5);
    expect(dc.active()).to.equal(true);
    expect(dc.called).to.equal(false);
    expect(dc.cancelled).to.equal(false);
    clock.now = 1.5;
    runDue();
    expect(seen).to.deep.equal([1, "x"]);
    expect(dc.called).to.equal(true);
    expect(dc.active()).to.equal(false);
    expect(dc.getTime()).to.equal(1.5);
  });

  it("is assignable to the plain DelayedCall type whatever its arguments", () => {
    // A compile-time check as much as a runtime one (tsc runs over the tests).
    const typed: DelayedCall<[number]> = q.schedule(1, (n: number) => n * 2, [21]);
    const plain: DelayedCall = typed;
    expect(plain.func(...plain.args)).to.equal(42);
  });

  it("shares one frozen empty args array among calls without arguments", () => {
    const a = q.schedule(1, () => undefined, []);
    const b = q.schedule(2, () => undefined, []);
    expect(a.args).to.equal(EMPTY_ARGS);
    expect(b.args).to.equal(a.args);
    expect(Object.isFrozen(a.args)).to.equal(true);
    const given = [1, 2];
    expect(q.schedule(3, (x: number, y: number) => x + y, given).args).to.equal(given);
  });

  it("has read-only called and cancelled", () => {
    const dc = q.schedule(1, () => undefined, []);
    expect(() => {
      (dc as unknown as { called: boolean }).called = true;
    }).to.throw(TypeError);
    expect(() => {
      (dc as unknown as { cancelled: boolean }).cancelled = true;
    }).to.throw(TypeError);
    expect(dc.active()).to.equal(true);
  });

  it("all instances share one set of own properties, in one order", () => {
    const a = q.schedule(1, () => undefined, []);
    const b = q.schedule(5000, (x: number) => x, [1]);
    b.cancel();
    const c = q.schedule(-1, () => undefined, []);
    runDue();
    expect(Object.keys(b)).to.deep.equal(Object.keys(a));
    expect(Object.keys(c)).to.deep.equal(Object.keys(a));
  });

  describe("cancel()", () => {
    it("unschedules the call and releases its function and arguments", () => {
      let ran = false;
      const payload = { big: true };
      const dc = q.schedule(1, (p: object) => {
        ran = p !== null;
      }, [payload]);
      dc.cancel();
      expect(dc.cancelled).to.equal(true);
      expect(dc.called).to.equal(false);
      expect(dc.active()).to.equal(false);
      expect(dc.args).to.not.include(payload);
      expect(dc.args).to.have.length(0);
      clock.now = 2;
      runDue();
      expect(ran).to.equal(false);
      expect(q.getDelayedCalls()).to.have.length(0);
    });

    it("throws AlreadyCancelled the second time, and for reset/delay", () => {
      const dc = q.schedule(1, () => undefined, []);
      dc.cancel();
      expect(() => dc.cancel()).to.throw(AlreadyCancelled, /cancel an already-cancelled event/);
      expect(() => dc.reset(1)).to.throw(AlreadyCancelled, /reset an already-cancelled event/);
      expect(() => dc.delay(1)).to.throw(AlreadyCancelled, /delay an already-cancelled event/);
      expect(q.size).to.equal(0);
    });

    it("throws AlreadyCalled once the call has run, and for reset/delay", () => {
      const dc = q.schedule(1, () => undefined, []);
      clock.now = 1;
      runDue();
      expect(() => dc.cancel()).to.throw(AlreadyCalled, /cancel an already-called event/);
      expect(() => dc.reset(1)).to.throw(AlreadyCalled, /reset an already-called event/);
      expect(() => dc.delay(1)).to.throw(AlreadyCalled, /delay an already-called event/);
      expect(dc.called).to.equal(true);
      expect(dc.cancelled).to.equal(false);
    });

    it("throws AlreadyCalled while the call is running (it is marked before it runs)", () => {
      let inside: unknown = null;
      const dc: DelayedCall = q.schedule(1, () => {
        try {
          dc.cancel();
        } catch (e) {
          inside = e;
        }
      }, []);
      clock.now = 1;
      runDue();
      expect(inside).to.be.instanceOf(AlreadyCalled);
    });
  });

  describe("reset()", () => {
    it("re-schedules from the owner's seconds(), later or sooner", () => {
      clock.now = 10;
      const a = q.schedule(15, () => undefined, []);
      a.reset(2);
      expect(a.getTime()).to.equal(12);
      a.reset(30);
      expect(a.getTime()).to.equal(40);
      clock.now = 11;
      a.reset(0);
      expect(a.getTime()).to.equal(11);
      expect(q.popDue(11)).to.equal(a);
    });

    it("accepts Infinity (never due) and 0", () => {
      const a = q.schedule(1, () => undefined, []);
      a.reset(Infinity);
      expect(a.getTime()).to.equal(Infinity);
      expect(q.popDue(1e300)).to.equal(null);
      a.reset(0);
      expect(q.popDue(0)).to.equal(a);
    });

    it("validates like callLater's delay, naming the value", () => {
      const a = q.schedule(1, () => undefined, []);
      expect(() => a.reset(-1)).to.throw(RangeError, "reset: secondsFromNow must be a number >= 0, got -1");
      expect(() => a.reset(NaN)).to.throw(RangeError, /got NaN/);
      expect(() => a.reset("5" as unknown as number)).to.throw(TypeError, /got "5"/);
      expect(() => a.reset(undefined as unknown as number)).to.throw(TypeError, /got undefined/);
      expect(a.getTime()).to.equal(1);
      expect(a.active()).to.equal(true);
    });
  });

  describe("delay()", () => {
    it("moves the deadline by any finite amount, negative included", () => {
      clock.now = 100;
      const a = q.schedule(5, () => undefined, []); // already in the past: fine
      a.delay(10);
      expect(a.getTime()).to.equal(15);
      a.delay(-14);
      expect(a.getTime()).to.equal(1);
      a.delay(0);
      expect(a.getTime()).to.equal(1);
    });

    it("rejects non-finite or non-number amounts, naming the value", () => {
      const a = q.schedule(1, () => undefined, []);
      expect(() => a.delay(Infinity)).to.throw(RangeError, "delay: secondsLater must be a finite number, got Infinity");
      expect(() => a.delay(-Infinity)).to.throw(RangeError, /got -Infinity/);
      expect(() => a.delay(NaN)).to.throw(RangeError, /got NaN/);
      expect(() => a.delay(null as unknown as number)).to.throw(TypeError, /got null/);
      expect(a.getTime()).to.equal(1);
    });
  });

  describe("toString()", () => {
    it("reads like Twisted's repr", () => {
      clock.now = 1;
      function tick(_n: number, _s: string): void {}
      const dc = q.schedule(2.5, tick, [1, "a"]);
      expect(dc.toString()).to.match(/^<DelayedCall id=\d+ \[1\.5s\] called=0 cancelled=0 tick\(1, "a"\)>$/);
      expect(inspect(dc)).to.equal(dc.toString());
      const id = /id=(\d+)/.exec(dc.toString())![1];
      expect(dc.toString()).to.contain(`id=${id} `); // stable
      clock.now = 3;
      runDue();
      expect(dc.toString()).to.match(/\[-0\.5s\] called=1 cancelled=0 tick\(1, "a"\)>$/);
    });

    it("shows no function once cancelled, and names anonymous functions", () => {
      const anon = q.schedule(1, (() => () => undefined)(), []);
      expect(anon.toString()).to.match(/ <anonymous>\(\)>$/);
      anon.cancel();
      expect(anon.toString()).to.match(/called=0 cancelled=1>$/);
    });
  });
});

describe("reactor errors", () => {
  const cases: [new (message?: string) => Error, string, RegExp][] = [
    [AlreadyCalled, "AlreadyCalled", /already-called/],
    [AlreadyCancelled, "AlreadyCancelled", /already-cancelled/],
    [ReactorNotRunning, "ReactorNotRunning", /isn't running/],
    [ReactorAlreadyRunning, "ReactorAlreadyRunning", /already running/],
    [ReactorNotRestartable, "ReactorNotRestartable", /cannot be restarted/],
  ];
  for (const [Type, name, defaultMessage] of cases) {
    it(`${name} is an Error named after its class`, () => {
      const e = new Type();
      expect(e).to.be.instanceOf(Error);
      expect(e).to.be.instanceOf(Type);
      expect(e.name).to.equal(name);
      expect(e.message).to.match(defaultMessage);
      expect(String(new Type("custom"))).to.equal(`${name}: custom`);
      expect(e.stack).to.be.a("string");
    });
  }
  it("are distinct classes", () => {
    expect(new AlreadyCalled()).to.not.be.instanceOf(AlreadyCancelled);
    expect(new AlreadyCancelled()).to.not.be.instanceOf(AlreadyCalled);
  });
});

describe("validate", () => {
  it("checkDelay accepts numbers >= 0 and Infinity", () => {
    for (const ok of [0, -0, 0.001, 5, 1e300, Infinity]) expect(() => checkDelay("callLater", ok)).to.not.throw();
  });

  it("checkDelay rejects the rest with a clear message", () => {
    expect(() => checkDelay("callLater", -1)).to.throw(RangeError, "callLater: delay must be a number >= 0, got -1");
    expect(() => checkDelay("callLater", -Infinity)).to.throw(RangeError, /got -Infinity$/);
    expect(() => checkDelay("callLater", NaN)).to.throw(RangeError, /got NaN$/);
    expect(() => checkDelay("callLater", "1")).to.throw(TypeError, 'callLater: delay must be a number >= 0, got "1"');
    expect(() => checkDelay("callLater", 1n)).to.throw(TypeError, /got 1n$/);
    expect(() => checkDelay("callLater", {})).to.throw(TypeError, /got \{\}$/);
    expect(() => checkDelay("reset", -2, "secondsFromNow")).to.throw(RangeError, /^reset: secondsFromNow must/);
  });

  it("checkFinite accepts any finite number", () => {
    for (const ok of [0, -5, 3.25, -1e300]) expect(() => checkFinite("delay", ok)).to.not.throw();
    expect(() => checkFinite("delay", Infinity)).to.throw(RangeError, "delay: secondsLater must be a finite number, got Infinity");
    expect(() => checkFinite("delay", NaN)).to.throw(RangeError, /got NaN$/);
    expect(() => checkFinite("delay", true)).to.throw(TypeError, /got true$/);
  });

  it("checkTime accepts any number but NaN", () => {
    for (const ok of [0, -5, Infinity, -Infinity]) expect(() => checkTime("callAt", ok)).to.not.throw();
    expect(() => checkTime("callAt", NaN)).to.throw(RangeError, "callAt: when must be a number of seconds, got NaN");
    expect(() => checkTime("callAt", "now")).to.throw(TypeError, /got "now"$/);
  });

  it("checkCallable names what was given", () => {
    expect(() => checkCallable("callLater", () => undefined)).to.not.throw();
    expect(() => checkCallable("callLater", 42)).to.throw(TypeError, "callLater: f must be a function, got 42");
    expect(() => checkCallable("callLater", undefined)).to.throw(TypeError, /got undefined$/);
    expect(() => checkCallable("callLater", null)).to.throw(TypeError, /got null$/);
    expect(() => checkCallable("callSoon", "f", "callable")).to.throw(TypeError, 'callSoon: callable must be a function, got "f"');
  });

  it("describeValue renders any value briefly and never throws", () => {
    expect(describeValue("x")).to.equal('"x"');
    expect(describeValue(-0)).to.equal("-0");
    expect(describeValue(Symbol("s"))).to.equal("Symbol(s)");
    expect(describeValue(function named() {})).to.equal("function named");
    expect(describeValue([1, 2, 3])).to.equal("[ 1, 2, 3 ]");
    expect(describeValue("a".repeat(100))).to.have.length.below(70);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("no");
        },
        getPrototypeOf() {
          throw new Error("no");
        },
        ownKeys() {
          throw new Error("no");
        },
      },
    );
    expect(describeValue(hostile)).to.be.a("string");
  });
});
