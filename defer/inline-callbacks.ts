/**
 * `inlineCallbacks`: write Deferred-using code as a generator that `yield`s Deferreds.
 * @module
 */
import { describeValue, isThenable } from "../core/validate";
import { Deferred, _adopt, _isDeferred } from "./deferred";
import { Failure, asFailure } from "../core/failure";
import { err } from "../log";

/** True for generator objects (anything with next, throw and return methods and Symbol.iterator). */
export function isGenerator(x: unknown): x is Generator<unknown, unknown, unknown> {
  if (x === null || typeof x !== "object") return false;
  const g = x as Partial<Generator>;
  return (
    typeof g.next === "function" &&
    typeof g.throw === "function" &&
    typeof g.return === "function" &&
    typeof (g as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function"
  );
}

/** The state shared between a generator's driver and its result Deferred's canceller. */
interface Status<R> {
  /** The Deferred the generator's outcome fires; replaced when the caller cancels. */
  deferred: Deferred<R>;
  /** What the generator is waiting on, if anything. */
  waitingOn: Deferred<unknown> | undefined;
}

/**
 * Drives `gen` to completion: each yielded Deferred or Promise is waited on and its result sent
 * back in (a failure is thrown in as the Failure's `value`); any other value is sent straight
 * back. Returns a Deferred of the generator's return value.
 *
 * Cancelling that Deferred cancels what the generator is waiting on, which throws a
 * `CancelledError` into it. The generator may catch it and go on: the Deferred then fires with
 * whatever the generator finally returns or throws.
 */
export function driveGenerator<R>(gen: Generator<unknown, R, unknown>): Deferred<R> {
  const status: Status<R> = { deferred: undefined as unknown as Deferred<R>, waitingOn: undefined };
  const cancel = (outer: Deferred<R>): void => {
    // Fire `outer` by handing it a fresh Deferred to wait on: `outer` counts as fired (so cancel()
    // adds no CancelledError of its own) and will take whatever the generator does next.
    const awaited = status.waitingOn;
    // Not waiting: the generator itself is running and cancelled its own Deferred. Let cancel()
    // fail it with CancelledError; what the generator does next is then ignored.
    if (awaited === undefined) return;
    const next = new Deferred<R>(cancel);
    status.deferred = next;
    _adopt(outer, next);
    awaited.cancel();
  };
  status.deferred = new Deferred<R>(cancel);
  const result = status.deferred;
  step(gen, status, undefined, false);
  return result;
}

/**
 * Runs the generator until it waits on a Deferred that has no result yet, or finishes. Results
 * that are already there are sent back in a loop, not by recursion, so any number of
 * synchronous yields runs in constant stack.
 */
function step<R>(gen: Generator<unknown, R, unknown>, status: Status<R>, input: unknown, isThrow: boolean): void {
  for (;;) {
    let it: IteratorResult<unknown, R>;
    try {
      it = isThrow ? gen.throw(input) : gen.next(input);
    } catch (e) {
      if (!status.deferred.called) status.deferred.errback(asFailure(e));
      return;
    }
    let value: unknown = it.value;
    if (it.done) {
      if (!status.deferred.called) finish(status.deferred, value as R);
      return;
    }
    if (Failure.isFailure(value)) {
      // Twisted throws a yielded Failure into the generator.
      input = value.value;
      isThrow = true;
      continue;
    }
    if (!_isDeferred(value)) {
      let thenable: boolean;
      try {
        thenable = isThenable(value);
      } catch (e) {
        // A `then` getter that throws (or a Proxy's trap): the yielded value failed.
        input = e;
        isThrow = true;
        continue;
      }
      if (!thenable) {
        input = value;
        isThrow = false;
        continue;
      }
      value = Deferred.fromPromise(value as PromiseLike<unknown>);
    }
    const d = value as Deferred<unknown>;
    let waiting = true;
    let syncResult: unknown;
    d.addBoth((r: unknown) => {
      if (waiting) {
        waiting = false;
        syncResult = r;
      } else {
        status.waitingOn = undefined;
        resume(gen, status, r);
      }
      return undefined; // as Twisted: the yielded Deferred's result is consumed
    });
    if (waiting) {
      waiting = false;
      status.waitingOn = d;
      return;
    }
    [input, isThrow] = unwrap(syncResult);
  }
}

/**
 * How many resumptions may nest on the stack. A generator that finishes fires its Deferred, whose
 * callbacks resume the generator waiting on it, and so on up a chain of generators waiting on
 * each other: without a bound the stack grows with the chain (1,000 levels overflowed it). Past
 * this depth a resumption is queued and run once the outermost one returns: the same order
 * (first queued, first run), in constant stack.
 */
const MAX_RESUME_DEPTH = 64;
let resumeDepth = 0;
/** Queued resumptions: generator, status, result, in triples. */
const queued: unknown[] = [];
let draining = false;

function resume<R>(gen: Generator<unknown, R, unknown>, status: Status<R>, r: unknown): void {
  if (resumeDepth >= MAX_RESUME_DEPTH) {
    queued.push(gen, status, r);
    return;
  }
  resumeDepth++;
  try {
    resumeNow(gen, status, r);
  } finally {
    resumeDepth--;
  }
  if (resumeDepth === 0 && queued.length > 0 && !draining) drain();
}

function drain(): void {
  draining = true;
  try {
    for (let i = 0; i < queued.length; i += 3) {
      const gen = queued[i] as Generator<unknown, unknown, unknown>;
      const status = queued[i + 1] as Status<unknown>;
      const r = queued[i + 2];
      queued[i] = queued[i + 1] = queued[i + 2] = undefined;
      resumeDepth++;
      try {
        resumeNow(gen, status, r);
      } finally {
        resumeDepth--;
      }
    }
  } finally {
    queued.length = 0;
    draining = false;
  }
}

/**
 * Sends `r` into the generator. Whatever escapes (a RangeError when the stack runs out while
 * firing the result Deferred) fails that Deferred if it can, and is logged if not: never lost.
 */
function resumeNow<R>(gen: Generator<unknown, R, unknown>, status: Status<R>, r: unknown): void {
  try {
    const [input, isThrow] = unwrap(r);
    step(gen, status, input, isThrow);
  } catch (e) {
    if (!status.deferred.called) status.deferred.errback(e);
    else err(e, "Unhandled error resuming an inlineCallbacks generator:");
  }
}

function unwrap(r: unknown): [unknown, boolean] {
  return Failure.isFailure(r) ? [r.value, true] : [r, false];
}

/** Fires the result Deferred with the generator's return value; a returned Deferred/Promise is waited on. */
function finish<R>(d: Deferred<R>, value: R): void {
  let thenable: boolean;
  try {
    thenable = !_isDeferred(value) && isThenable(value);
  } catch (e) {
    // A returned value whose `then` getter (or Proxy trap) throws: the generator failed.
    d.errback(e);
    return;
  }
  if (_isDeferred(value)) _adopt(d, value as Deferred<R>);
  else if (thenable) _adopt(d, Deferred.fromPromise(value as PromiseLike<R>));
  else d.callback(value);
}

/**
 * Turns a generator function into one returning a Deferred, so Deferred-based code reads like
 * straight-line code: `yield d` gives back `d`'s result, or throws its Failure's `value` into the
 * generator. Yielding a Promise waits for it; yielding a bare Failure throws its value in; any
 * other value is given back at once. The generator's `return` value is the result.
 *
 * Cancelling the returned Deferred cancels the Deferred the generator is waiting on (which throws
 * `CancelledError` into it); a Promise it waits on is abandoned and `CancelledError` thrown in at
 * once.
 * @throws TypeError (at the call) when the decorated function does not return a generator.
 * @example
 * ```ts
 * const getUser = inlineCallbacks(function* (id: number) {
 *   const row = (yield db.query(id)) as Row;
 *   return row.name;
 * });
 * getUser(7).addCallback(console.log);
 * ```
 */
export function inlineCallbacks<A extends unknown[], R, This = unknown>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  f: (this: This, ...args: A) => Generator<unknown, R, any>,
): (this: This, ...args: A) => Deferred<R> {
  if (typeof f !== "function") {
    throw new TypeError(`inlineCallbacks requires a generator function, got ${describeValue(f)}`);
  }
  const unwound = function (this: This, ...args: A): Deferred<R> {
    const gen: unknown = f.apply(this, args);
    if (!isGenerator(gen)) {
      throw new TypeError(
        `inlineCallbacks requires ${f.name || "the function"} to produce a generator; instead it returned ${describeValue(gen)}`,
      );
    }
    return driveGenerator(gen as Generator<unknown, R, unknown>);
  };
  Object.defineProperty(unwound, "name", { value: f.name, configurable: true });
  return unwound;
}
