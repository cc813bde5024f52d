/**
 * `Deferred.addTimeout`, and what it shares with task's `timeoutDeferred`: the check of the
 * clock and the translation of the timeout's cancellation into an error.
 * @module
 */
import type { IReactorTime } from "../core/interfaces";
import { Failure } from "../core/failure";
import { checkCallable, describeValue } from "../core/validate";
import type { Deferred } from "./deferred";
import { CancelledError, TimeoutError } from "./errors";

/**
 * The translation of a timeout's cancellation into an error made by `make(timeout)`: a
 * CancelledError becomes that error, another failure passes unchanged, and so does a success
 * (a canceller may have fired the Deferred with a value).
 * @internal
 */
export function cancelledTo(make: (timeout: number) => Error): (value: unknown, timeout: number) => unknown {
  return (value, timeout) => {
    if (value instanceof Failure) {
      value.trap(CancelledError);
      throw make(timeout);
    }
    return value;
  };
}

/** Default translation of addTimeout: the timeout's CancelledError becomes a TimeoutError. */
export const cancelledToTimeoutError = cancelledTo((timeout) => new TimeoutError(timeout, "Deferred"));

/**
 * Throws a TypeError naming the mistake unless `clock` has a `callLater` method (an
 * IReactorTime: the reactor, a Clock).
 * @internal
 */
export function checkClock(caller: string, clock: unknown): asserts clock is IReactorTime {
  if (typeof (clock as { callLater?: unknown } | null | undefined)?.callLater !== "function") {
    throw new TypeError(
      `${caller}: clock must be an IReactorTime (the reactor, a Clock: something with callLater), got ${describeValue(clock)}`,
    );
  }
}

/** `Deferred.addTimeout`: see its documentation. @internal */
export function addTimeout<T>(
  d: Deferred<T>,
  timeout: number,
  clock: IReactorTime,
  onTimeoutCancel?: (result: unknown, timeout: number) => unknown,
): Deferred<T> {
  checkClock("addTimeout", clock);
  if (onTimeoutCancel !== undefined && onTimeoutCancel !== null) checkCallable("addTimeout", onTimeoutCancel, "onTimeoutCancel");
  let timedOut = false;
  const delayedCall = clock.callLater(timeout, () => {
    timedOut = true;
    d.cancel();
  });
  d.addBoth((result: unknown) => {
    if (!timedOut) return result;
    return (onTimeoutCancel ?? cancelledToTimeoutError)(result, timeout);
  });
  return d.addBoth((result: unknown) => {
    if (delayedCall.active()) delayedCall.cancel();
    return result;
  }) as Deferred<T>;
}
