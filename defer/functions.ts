/**
 * Small constructors of Deferreds: succeed, fail, maybeDeferred, execute, ensureDeferred, and the
 * debugging switch.
 * @module
 */
import { NotACoroutineError } from "./errors";
import { checkCallable, describeValue, isThenable } from "../core/validate";
import { Deferred, _isDeferred } from "./deferred";
import { _getDebugging, _setDebugging } from "./callback-chain";
import { Failure } from "../core/failure";
import { driveGenerator, isGenerator } from "./inline-callbacks";

/**
 * A Deferred that already has `result`.
 * @example
 * ```ts
 * succeed(3).addCallback((n) => n + 1); // result 4
 * ```
 */
export function succeed<T>(result: T): Deferred<T> {
  const d = new Deferred<T>();
  d.callback(result);
  return d;
}

/**
 * A Deferred that has already failed with `result` (wrapped in a Failure when it is not one).
 * With no argument, the Failure holds `Error("Failure with no value")`.
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the contract writes `Failure | unknown`: a Failure is the usual argument
export function fail(result?: Failure | unknown): Deferred<never> {
  const d = new Deferred<never>();
  if (arguments.length === 0) d.errback();
  else d.errback(result);
  return d;
}

/**
 * Calls `f(...args)` and wraps the outcome in a Deferred: a Deferred returned is returned as it
 * is, a Promise is adapted, a value is a fired Deferred, and a throw is a failed one. Never throws.
 * @example
 * ```ts
 * maybeDeferred(cache.get, key).addCallback(render); // sync or async, same code
 * ```
 */
export function maybeDeferred<T, A extends unknown[]>(
  f: (...args: A) => T | Deferred<T> | PromiseLike<T>,
  ...args: A
): Deferred<T> {
  let r: T | Deferred<T> | PromiseLike<T>;
  try {
    checkCallable("maybeDeferred", f, "f");
    r = f(...args);
    if (_isDeferred(r)) return r;
    if (Failure.isFailure(r)) return fail(r);
    // Reads `then`: a hostile getter (or Proxy trap) throws, and the call has failed.
    if (isThenable(r)) return Deferred.fromPromise(r);
  } catch (e) {
    return fail(e);
  }
  return succeed(r);
}

/**
 * Calls `f(...args)` and returns a Deferred of its return value (as is, even a Deferred-free
 * thenable), or a failed Deferred if it throws. As Twisted's `execute`.
 */
export function execute<T, A extends unknown[]>(f: (...args: A) => T, ...args: A): Deferred<T> {
  let r: T;
  try {
    checkCallable("execute", f, "f");
    r = f(...args);
  } catch (e) {
    return fail(e);
  }
  return succeed(r);
}

/**
 * A Deferred for `x`: a Deferred as it is, a Promise (or thenable) adapted, a generator driven as
 * `inlineCallbacks` drives one.
 * @throws NotACoroutineError for anything else.
 */
export function ensureDeferred<T>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  x: Deferred<T> | PromiseLike<T> | Generator<unknown, T, any>,
): Deferred<T> {
  if (_isDeferred(x)) return x;
  let thenable: boolean;
  try {
    thenable = isThenable(x);
  } catch (e) {
    // A `then` getter (or Proxy trap) that throws: a coroutine that has failed.
    return fail(e);
  }
  if (thenable) return Deferred.fromPromise(x as PromiseLike<T>);
  if (isGenerator(x)) return driveGenerator(x as Generator<unknown, T, unknown>);
  throw new NotACoroutineError(`${describeValue(x)} is not a coroutine, a Promise or a Deferred`);
}

Deferred.fromCoroutine = ensureDeferred;

/**
 * Turns debugging of new Deferreds on or off. While on, each Deferred records the stack where it
 * was made and where it was first fired; both appear in `AlreadyCalledError`'s message and in
 * the unhandled-error report. It costs a stack capture per Deferred: leave it off in production.
 */
export function setDebugging(on: boolean): void {
  _setDebugging(Boolean(on));
}

/** Whether new Deferreds record debugging stacks (see {@link setDebugging}). */
export function getDebugging(): boolean {
  return _getDebugging();
}
