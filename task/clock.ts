/**
 * `Clock`: a deterministic IReactorTime for tests, sharing the reactor's timer queue.
 * @module
 */
import type { DelayedCall } from "../reactor/delayed-call";
import type { IReactorTime } from "../core/interfaces";
import { TimerQueue } from "../reactor/timer-queue";
import { checkCallable, checkDelay } from "../core/validate";

/**
 * A clock that only moves when told to, for testing time-dependent code deterministically.
 * It uses the reactor's own timer queue, so calls with equal deadlines run in the same order
 * (scheduling order) as on the Reactor.
 *
 * Calls run synchronously inside `advance`/`flow`/…; an exception thrown by a call propagates
 * out of that method (as in Twisted), so a test sees it. The call is removed first; calls still
 * due run on the next advance (`advance(0)` will do).
 *
 * @example
 * ```ts
 * const clock = new Clock();
 * const lc = new LoopingCall(tick);
 * lc.clock = clock;
 * lc.start(1);
 * clock.advance(3); // tick has run at 0, 1, 2 and 3
 * ```
 */
export class Clock implements IReactorTime {
  /** The current time in seconds; starts at 0. Move it with `advance` and friends. */
  rightNow = 0;
  readonly #timers: TimerQueue = new TimerQueue(this);
  /** While runUntilIdle runs: where each call it may have to name was scheduled. */
  #origins: WeakMap<DelayedCall, string> | undefined = undefined;

  constructor() {
    // Every public method works when passed as a value (`p.callLater = clock.callLater`, as
    // Twisted's tests do with TimeoutMixin; `d.addCallback(clock.advance)`).
    this.seconds = this.seconds.bind(this);
    this.callLater = this.callLater.bind(this);
    this.getDelayedCalls = this.getDelayedCalls.bind(this);
    this.advance = this.advance.bind(this);
    this.pump = this.pump.bind(this);
    this.flow = this.flow.bind(this);
    this.advanceToNext = this.advanceToNext.bind(this);
    this.runUntilIdle = this.runUntilIdle.bind(this);
  }

  /** The current time: `rightNow`. */
  seconds(): number {
    return this.rightNow;
  }

  /**
   * Schedules `f(...args)` to run `delay` seconds from now (when the clock is advanced there).
   * @throws TypeError / RangeError for a bad delay or a non-function, as Reactor.callLater.
   */
  callLater<A extends unknown[]>(delay: number, f: (...args: A) => unknown, ...args: A): DelayedCall<A> {
    checkDelay("callLater", delay);
    checkCallable("callLater", f);
    const call = this.#timers.schedule(this.seconds() + delay, f, args);
    if (this.#origins !== undefined) this.#origins.set(call, new Error("scheduled here").stack ?? "");
    return call;
  }

  /** The calls scheduled and still active, in the order they would run. */
  getDelayedCalls(): DelayedCall[] {
    return this.#timers.getDelayedCalls();
  }

  /**
   * Twisted's `Clock.calls`: the pending calls in the order they would run, as
   * {@link getDelayedCalls}. A new array each time: change the clock through its methods (and
   * the calls' `cancel`/`reset`/`delay`), not by editing this list.
   */
  get calls(): DelayedCall[] {
    return this.#timers.getDelayedCalls();
  }

  /**
   * Moves time forward by `amount` seconds at once, as a stalled reactor waking up, then runs
   * every call now due, in order, all seeing the new time. Calls that become due while it runs
   * (a `callLater(0)` from a call) run in it too.
   * @throws RangeError / TypeError for a negative, NaN or non-number amount.
   */
  advance(amount: number): void {
    checkDelay("advance", amount, "amount");
    this.rightNow += amount;
    this.#runDue();
  }

  /** `advance` by each amount in turn. */
  pump(timings: number[]): void {
    for (const amount of timings) this.advance(amount);
  }

  /**
   * Lets time flow for `amount` seconds: each call due in the window runs with `seconds()`
   * equal to its own deadline (not the window's end), and calls it schedules inside the window
   * run too, at theirs. Ends with `rightNow` at the window's end.
   * @throws RangeError / TypeError for a negative, NaN, infinite or non-number amount (to run
   *   everything pending, use `runUntilIdle()`, which guards against a call that reschedules
   *   itself for ever).
   */
  flow(amount: number): void {
    checkDelay("flow", amount, "amount");
    if (amount === Infinity) {
      throw new RangeError("flow: amount must be finite, got Infinity (runUntilIdle() runs everything pending)");
    }
    const end = this.rightNow + amount;
    for (;;) {
      const next = this.#timers.earliest();
      if (next === Infinity || !(next <= end)) break;
      if (next > this.rightNow) this.rightNow = next;
      this.#run(this.#popNext());
    }
    if (end > this.rightNow) this.rightNow = end;
  }

  /**
   * Jumps to the next deadline and runs what is due there (as `advance`).
   * @returns false, and does nothing, when no call is pending (calls at Infinity never fall due).
   */
  advanceToNext(): boolean {
    const next = this.#timers.earliest();
    if (next === Infinity) return false;
    if (next > this.rightNow) this.rightNow = next;
    this.#runDue();
    return true;
  }

  /**
   * Lets time flow until nothing is pending (only calls at Infinity may remain), running each
   * call at its own deadline as `flow` does.
   * @param limit how many calls may run before the loop is taken for a runaway (default 100000).
   * @returns how many calls ran.
   * @throws Error naming the runaway call and where it was scheduled, after `limit` calls.
   */
  runUntilIdle(limit = 100_000): number {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`runUntilIdle: limit must be a whole number >= 0, got ${String(limit)}`);
    }
    const outer = this.#origins;
    this.#origins ??= new WeakMap();
    try {
      let count = 0;
      for (;;) {
        const next = this.#timers.earliest();
        if (next === Infinity) return count;
        if (next > this.rightNow) this.rightNow = next;
        if (count >= limit) {
          // Name it without taking it out of the queue: nothing scheduled is ever lost.
          const call = this.#timers.getDelayedCalls()[0];
          const origin = this.#origins.get(call);
          throw new Error(
            `runUntilIdle: still busy after ${limit} calls; the next is ${call.toString()}` +
              (origin !== undefined ? `, scheduled at:\n${origin.split("\n").slice(2).join("\n")}` : ""),
          );
        }
        count++;
        this.#run(this.#popNext());
      }
    } finally {
      this.#origins = outer;
    }
  }

  /** The call due now that earliest() announced. */
  #popNext(): DelayedCall {
    const call = this.#timers.popDue(this.rightNow);
    if (call === null) throw new Error("internal error: the timer queue announced a due call it does not have");
    return call;
  }

  #runDue(): void {
    for (let call = this.#timers.popDue(this.rightNow); call !== null; call = this.#timers.popDue(this.rightNow)) {
      this.#run(call);
    }
  }

  #run(call: DelayedCall): void {
    const args = call.args;
    if (args.length === 0) call.func();
    else call.func(...args);
  }
}
