/**
 * `LoopingCall`: call a function every `interval` seconds, on a fixed grid.
 * @module
 */
import { Deferred } from "../defer/deferred";
import type { Failure } from "../core/failure";
import { maybeDeferred } from "../defer/functions";
import { reactor } from "../reactor";
import type { IDelayedCall, IReactorTime } from "../core/interfaces";
import { checkCallable, checkDelay } from "../core/validate";

/**
 * Calls `f(...args)` every `interval` seconds, as Twisted's `LoopingCall`.
 *
 * Calls stay on the grid `start + k * interval`: a call that runs late does not shift the later
 * ones, and intervals missed entirely (a stalled process) are skipped, never bunched. If `f`
 * returns a Deferred or a Promise, the next call is scheduled only once it has settled.
 *
 * `start()` returns a Deferred that fires with the LoopingCall when `stop()` is called, or fails
 * with the error when `f` throws or its Deferred fails (the loop then stops: `running` is false).
 *
 * @example
 * ```ts
 * const lc = new LoopingCall(() => console.log("tick"));
 * lc.start(1.0);             // now, then every second
 * reactor.callLater(3.5, () => lc.stop());
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default accepts any arguments, as the contract's
export class LoopingCall<A extends unknown[] = any[]> {
  /** The function called on each interval. */
  readonly f: (...args: unknown[]) => unknown;
  /** The arguments it is called with. */
  readonly args: unknown[];
  /** Where time comes from and calls are scheduled; the global reactor unless set (before start). */
  clock: IReactorTime = reactor;
  /** Seconds between calls; set by `start()` (writable, as in Twisted). */
  interval: number | undefined = undefined;
  /** The pending delayed call of the next iteration, or null (while `f` runs, or when stopped). */
  call: IDelayedCall | null = null;
  /** The clock's time when the loop was started (or `reset()`), the origin of the grid. */
  starttime: number | undefined = undefined;
  #running = false;
  #deferred: Deferred<LoopingCall> | undefined = undefined;
  #runAtStart = false;
  /** For withCount: when `f` last ran, to count the intervals passed since. */
  #realLastTime: number | undefined = undefined;
  /**
   * How many times start() was called. A call of `f` that started in an earlier loop (which
   * `f` itself stopped and restarted) ends that loop when it finishes, and never schedules a
   * second loop next to the new one.
   */
  #generation = 0;

  /**
   * @param f the function to call on each interval; may return a Deferred or Promise.
   * @throws TypeError when `f` is not a function.
   */
  constructor(f: (...args: A) => unknown, ...args: A) {
    checkCallable("LoopingCall", f);
    this.f = f as (...args: unknown[]) => unknown;
    this.args = args;
    // Every method works passed as a value (`reactor.callLater(5, lc.stop)`).
    this.start = this.start.bind(this);
    this.stop = this.stop.bind(this);
    this.reset = this.reset.bind(this);
  }

  /**
   * A LoopingCall that calls `countCallable(count)`, where `count` is how many intervals have
   * passed since the last call: 1 normally, more after a stall (the missed calls are not made).
   * For an interval of 0 the count is always 1.
   * @example
   * ```ts
   * const lc = LoopingCall.withCount((n) => { frames += n; });
   * ```
   */
  static withCount(countCallable: (count: number) => unknown): LoopingCall {
    checkCallable("LoopingCall.withCount", countCallable);
    const lc: LoopingCall = new LoopingCall(() => {
      const now = lc.clock.seconds();
      const interval = lc.interval as number;
      if (interval === 0) {
        lc.#realLastTime = now;
        return countCallable(1);
      }
      let last = lc.#realLastTime;
      if (last === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- false positive: `last` is a number from here on
        last = lc.starttime as number; // set by start(), before any call
        if (lc.#runAtStart) last -= interval;
      }
      const count = lc.#intervalOf(now) - lc.#intervalOf(last);
      if (count > 0) {
        lc.#realLastTime = now;
        return countCallable(count);
      }
      return undefined;
    });
    return lc;
  }

  /** True from `start()` until `stop()` (or until `f` fails). */
  get running(): boolean {
    return this.#running;
  }

  /** The Deferred `start()` returned, while the loop runs. */
  get deferred(): Deferred<LoopingCall> | undefined {
    return this.#deferred;
  }

  /**
   * Starts calling `f` every `interval` seconds.
   * @param interval seconds between calls (0: as fast as the clock allows, yielding in between).
   * @param now call `f` at once (default), rather than after the first interval.
   * @returns a Deferred that fires with this LoopingCall on `stop()`, or fails with `f`'s error.
   * @throws RangeError for a negative or NaN interval, TypeError for a non-number.
   * @throws Error when already running.
   */
  start(interval: number, now = true): Deferred<LoopingCall> {
    if (this.#running) throw new Error("LoopingCall.start: the LoopingCall is already running");
    checkDelay("LoopingCall.start", interval, "interval");
    if (interval === Infinity) throw new RangeError("LoopingCall.start: interval must be finite, got Infinity");
    this.#running = true;
    this.#generation++;
    // The loop may fail at once (f throws), clearing #deferred: keep a local for the return.
    const deferred = (this.#deferred = new Deferred<LoopingCall>());
    this.starttime = this.clock.seconds();
    this.interval = interval;
    this.#runAtStart = now;
    if (now) this.#iterate();
    else this.#scheduleFrom(this.starttime);
    return deferred;
  }

  /**
   * Stops the loop: no more calls. `start()`'s Deferred fires with this LoopingCall (at once, or
   * when a call of `f` still in progress finishes).
   * @throws Error when not running.
   */
  stop(): void {
    if (!this.#running) throw new Error("LoopingCall.stop: the LoopingCall is not running");
    this.#running = false;
    if (this.call !== null) {
      this.call.cancel();
      this.call = null;
      this.#fire();
    }
  }

  /**
   * Restarts the grid from now: the next call comes one interval from now.
   * @throws Error when not running.
   */
  reset(): void {
    if (!this.#running) throw new Error("LoopingCall.reset: the LoopingCall is not running");
    if (this.call !== null) {
      this.call.cancel();
      this.call = null;
      this.starttime = this.clock.seconds();
      this.#scheduleFrom(this.starttime);
    }
  }

  /** A description for logs: `LoopingCall<interval>(function name, number of args)`. */
  toString(): string {
    const name = this.f.name || "anonymous";
    return `LoopingCall<${this.interval}>(${name}, ${this.args.length} args)`;
  }

  /** One iteration: call f; when it (or its Deferred) is done, schedule the next. */
  readonly #iterate = (): void => {
    this.call = null;
    const generation = this.#generation;
    const deferred = this.#deferred;
    maybeDeferred(this.f, ...this.args).addCallbacks(
      () => {
        // Stopped and started again while `f` ran: this loop is over, the new one runs alone.
        if (generation !== this.#generation) deferred?.callback(this);
        else if (this.#running) this.#scheduleFrom(this.clock.seconds());
        else this.#fire();
      },
      (failure: Failure) => {
        if (generation !== this.#generation) {
          deferred?.errback(failure);
          return;
        }
        this.#running = false;
        const d = this.#deferred;
        this.#deferred = undefined;
        d?.errback(failure);
      },
    );
  };

  #fire(): void {
    const d = this.#deferred;
    this.#deferred = undefined;
    d?.callback(this);
  }

  #intervalOf(t: number): number {
    return Math.floor((t - (this.starttime as number)) / (this.interval as number));
  }

  /** Schedules the next call at the next grid point after `when`. */
  #scheduleFrom(when: number): void {
    this.call = this.clock.callLater(this.#howLong(when), this.#iterate);
  }

  #howLong(when: number): number {
    const interval = this.interval as number;
    if (interval === 0) return 0;
    const runningFor = when - (this.starttime as number);
    const untilNext = interval - (runningFor % interval);
    // So small that adding it changes nothing: it is time for the next grid point after that.
    if (when === when + untilNext) return interval;
    return untilNext;
  }
}
