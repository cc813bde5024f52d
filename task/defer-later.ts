/**
 * `deferLater` and `timeoutDeferred`: Deferreds tied to a clock.
 * @module
 */
import { Deferred } from "../defer/deferred";
import { cancelledTo as _cancelledTo, checkClock as _checkClock } from "../defer/timeouts";
import { TimeoutError } from "../defer/errors";
import type { IReactorTime } from "../core/interfaces";
import { checkCallable } from "../core/validate";

/**
 * The error of a Deferred timed out by {@link timeoutDeferred}. `timeout` is the timeout that
 * expired, in seconds. A subclass of defer's `TimeoutError`, so trapping either catches it.
 */
export class TimedOutError extends TimeoutError {
  declare readonly timeout: number;
  constructor(timeout: number, message?: string) {
    super(timeout, message ?? "Deferred");
    this.name = "TimedOutError";
  }
}

/**
 * A Deferred that fires `delay` seconds from now (on `clock`) with the result of
 * `f(...args)` (or with `undefined` when there is no `f`). A throw from `f` fails it; a Deferred
 * or Promise returned by `f` is waited on. Cancelling it before then cancels the delayed call
 * (`f` never runs) and fails it with `CancelledError`.
 * @throws RangeError / TypeError for a bad delay (from `clock.callLater`) or a non-function `f`.
 * @throws TypeError when `clock` is not an IReactorTime (has no `callLater`).
 * @example
 * ```ts
 * deferLater(reactor, 3.5, (s: string) => `3.5 seconds later: ${s}`, "hello").addCallback(console.log);
 * ```
 */
export function deferLater<T, A extends unknown[]>(
  clock: IReactorTime,
  delay: number,
  f?: (...args: A) => T | Deferred<T> | PromiseLike<T>,
  ...args: A
): Deferred<T> {
  _checkClock("deferLater", clock);
  if (f !== undefined && f !== null) checkCallable("deferLater", f);
  const d = new Deferred<undefined>(() => delayedCall.cancel());
  const delayedCall = clock.callLater(delay, () => d.callback(undefined));
  return d.addCallback(() => (f === undefined || f === null ? (undefined as T) : f(...args)));
}

/**
 * Times out `d`: if it has no result `timeout` seconds from now (on `clock`), it is cancelled,
 * and the `CancelledError` that produces becomes a {@link TimedOutError} — or whatever
 * `translateCancellation(result, timeout)` returns or throws. The translation sees the result
 * the cancellation produced, which may be a success or another error when `d`'s canceller
 * decided so. A cancel by anyone else is not a timeout and is left alone. The pending timeout is
 * cancelled once `d` fires. Returns `d` itself.
 * @throws RangeError / TypeError for a bad timeout or a non-function translation.
 * @example
 * ```ts
 * timeoutDeferred(fetchPage(url), 5, reactor).addErrback((f) => { f.trap(TimedOutError); return cached; });
 * ```
 */
export function timeoutDeferred<T>(
  d: Deferred<T>,
  timeout: number,
  clock: IReactorTime,
  translateCancellation?: (result: unknown, timeout: number) => unknown,
): Deferred<T> {
  if (!(d instanceof Deferred)) throw new TypeError("timeoutDeferred: d must be a Deferred");
  if (translateCancellation !== undefined && translateCancellation !== null) {
    checkCallable("timeoutDeferred", translateCancellation, "translateCancellation");
  }
  return d.addTimeout(timeout, clock, translateCancellation ?? cancelledToTimedOutError);
}

/** timeoutDeferred's default translation: the timeout's CancelledError becomes a TimedOutError. */
const cancelledToTimedOutError = _cancelledTo((timeout) => new TimedOutError(timeout));
