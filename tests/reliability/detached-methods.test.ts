/**
 * Issue 13, item 4: every public method of Deferred (callback, errback, cancel), Clock,
 * DelayedCall, LoopingCall, Cooperator, CooperativeTask, Scheduler, the locks and the queue
 * works when passed as a value, the most common Twisted idiom (`callLater(1, d.callback, 9)`).
 */
import { expect } from "chai";
import { CancelledError, Deferred, DeferredLock, DeferredQueue, DeferredSemaphore } from "../../defer";
import { Clock, Cooperator, LoopingCall, Scheduler } from "../../task";
import { failureOf, successOf } from "../helpers/deferred";

/** Calls `f` with no receiver, as a function passed as a value is called. */
function detached<A extends unknown[], R>(f: (...args: A) => R, ...args: A): R {
  return f(...args);
}

describe("methods passed as values (issue 13 item 4)", () => {
  it("Deferred: callLater(2, d.callback, 9), d.addCallback(other.callback), callLater(10, d.cancel)", () => {
    const clock = new Clock();
    const d = new Deferred<number>();
    const other = new Deferred<number>();
    d.addCallback((n) => n + 1).addCallback(other.callback);
    clock.callLater(2, d.callback, 9);
    clock.advance(2);
    expect(successOf(other)).to.equal(10);

    const c = new Deferred<number>();
    clock.callLater(10, c.cancel);
    clock.advance(10);
    failureOf(c, CancelledError);

    const e = new Deferred<number>();
    const eb = e.errback;
    eb(new RangeError("detached"));
    failureOf(e, RangeError);
    const e2 = new Deferred();
    detached(e2.errback);
    expect((failureOf(e2).value as Error).message).to.equal("Failure with no value");
  });

  it("Deferred: a detached callback still refuses a Deferred and a second firing", () => {
    const d = new Deferred<unknown>();
    const cb = d.callback;
    expect(() => cb(new Deferred())).to.throw(TypeError);
    cb(1);
    expect(() => cb(2)).to.throw(/already/);
  });

  it("Clock: every method works detached", () => {
    const clock = new Clock();
    const { callLater, advance, pump, flow, advanceToNext, runUntilIdle, getDelayedCalls, seconds } = clock;
    const ran: number[] = [];
    callLater(1, () => ran.push(1));
    callLater(2, () => ran.push(2));
    callLater(3, () => ran.push(3));
    callLater(4, () => ran.push(4));
    callLater(5, () => ran.push(5));
    expect(getDelayedCalls()).to.have.length(5);
    advance(1);
    pump([1]);
    flow(1);
    expect(advanceToNext()).to.equal(true);
    expect(runUntilIdle()).to.equal(1);
    expect(ran).to.deep.equal([1, 2, 3, 4, 5]);
    expect(seconds()).to.equal(5);
  });

  it("DelayedCall: getTime, active, cancel, reset, delay work detached", () => {
    const clock = new Clock();
    const ran: string[] = [];
    const a = clock.callLater(1, () => ran.push("a"));
    const { getTime, active, reset, delay } = a;
    expect(getTime()).to.equal(1);
    reset(3);
    delay(1);
    expect(getTime()).to.equal(4);
    expect(active()).to.equal(true);
    const b = clock.callLater(1, () => ran.push("b"));
    const d = new Deferred<null>();
    d.addCallback(b.cancel);
    d.callback(null);
    clock.advance(5);
    expect(ran).to.deep.equal(["a"]);
    expect(active()).to.equal(false);
  });

  it("LoopingCall: start, stop, reset work detached", () => {
    const clock = new Clock();
    let n = 0;
    const lc = new LoopingCall(() => n++);
    lc.clock = clock;
    const { start, stop, reset } = lc;
    const d = start(1);
    clock.advance(1);
    reset();
    clock.callLater(2, stop);
    clock.advance(2);
    expect(successOf(d)).to.equal(lc);
    expect(n).to.equal(3);
  });

  it("Cooperator and CooperativeTask: every method works detached", () => {
    const clock = new Clock();
    const coop = new Cooperator({ scheduler: (x) => clock.callLater(0, x), started: false });
    const { coiterate, cooperate, start, stop } = coop;
    const done = coiterate([1, 2]);
    const task = cooperate([1, 2, 3]);
    const { pause, resume, whenDone } = task;
    const taskDone = whenDone();
    pause();
    start();
    clock.runUntilIdle();
    expect(successOf(done)).to.not.equal(undefined);
    resume();
    const t2 = cooperate([1]);
    t2.pause(); // not finished when its stop() runs
    clock.callLater(0, t2.stop);
    clock.runUntilIdle();
    expect(successOf(taskDone)).to.not.equal(undefined);
    failureOf(t2.whenDone());
    stop();
    expect(coop.running).to.equal(false);
  });

  it("Scheduler: every method works detached", () => {
    const clock = new Clock();
    const s = new Scheduler("detached", { clock });
    const { schedule, scheduleLater, scheduleAt, has, cancel, cancelAll } = s;
    const ran: string[] = [];
    schedule("a", () => ran.push("a"));
    scheduleLater(5, "b", () => ran.push("b"));
    scheduleAt(new Date(Date.now() + 60_000), "c", () => ran.push("c"));
    expect(has("b")).to.equal(true);
    cancel("b");
    clock.advance(0);
    clock.callLater(1, cancelAll);
    clock.advance(1);
    expect(has("c")).to.equal(false);
    expect(ran).to.deep.equal(["a"]);
  });

  it("DeferredLock, DeferredSemaphore: acquire, release, run work detached", () => {
    for (const prim of [new DeferredLock(), new DeferredSemaphore(1)] as Array<DeferredLock | DeferredSemaphore>) {
      const { acquire, release, run } = prim as DeferredLock;
      const first = acquire();
      successOf(first);
      const second = acquire();
      const d = new Deferred<null>();
      d.addCallback(release);
      d.callback(null);
      successOf(second);
      release();
      expect(successOf(run((x: number) => x * 2, 21))).to.equal(42);
    }
  });

  it("DeferredQueue: put and get work detached", () => {
    const q = new DeferredQueue<number>();
    const { put, get } = q;
    const d = get();
    const src = new Deferred<number>();
    src.addCallback(put);
    src.callback(7);
    expect(successOf(d)).to.equal(7);
    put(8);
    expect(successOf(get())).to.equal(8);
  });
});
