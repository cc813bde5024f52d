/**
 * Waiting on several Deferreds at once: `DeferredList`, `gatherResults` and `race`.
 * @module
 */
import { err } from "../log/functions";
import { Deferred, _isDeferred } from "./deferred";
import { describeValue } from "../core/validate";
import { FailureGroup, FirstError } from "./errors";
import { Failure } from "../core/failure";

/**
 * A copy of `deferreds`, checked: a TypeError naming the first item that is not a Deferred (a
 * plain value or a Promise: wrap it with `succeed` or `Deferred.fromPromise`).
 */
function checkDeferreds<T>(caller: string, deferreds: Iterable<Deferred<T>>): Array<Deferred<T>> {
  if (deferreds === null || deferreds === undefined || typeof (deferreds as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw new TypeError(`${caller}: deferreds must be an array of Deferreds, got ${describeValue(deferreds)}`);
  }
  const copy = [...deferreds];
  copy.forEach((d, i) => {
    if (!_isDeferred(d)) {
      throw new TypeError(
        `${caller}: deferreds[${i}] is not a Deferred, got ${describeValue(d)} (wrap a value with succeed(), a Promise with Deferred.fromPromise())`,
      );
    }
  });
  return copy;
}

/** Options of {@link DeferredList}, Twisted's keyword arguments of the same names. */
export interface DeferredListOptions {
  /** Fire as soon as one Deferred succeeds, with `[result, index]`. */
  fireOnOneCallback?: boolean;
  /** Fail as soon as one Deferred fails, with a `FirstError` wrapping its Failure. */
  fireOnOneErrback?: boolean;
  /** Turn each input's failure into a `null` result once the list has seen it. */
  consumeErrors?: boolean;
}

/**
 * One entry of a DeferredList's result: `[true, result]` or `[false, failure]`, so testing the
 * flag narrows the value (`if (entry[0]) entry[1]` is a `T`).
 */
export type DeferredListEntry<T> = [true, T] | [false, Failure];

/** The result type of a Deferred: `string` for a `Deferred<string>`. */
export type DeferredResult<D> = D extends Deferred<infer R> ? R : never;

/**
 * A DeferredList's result for a tuple (or array) of Deferreds, entry by entry:
 * `[[true, string] | [false, Failure], [true, number] | [false, Failure]]` for a
 * `[Deferred<string>, Deferred<number>]` (`Promise.allSettled`'s typing).
 */
export type DeferredListEntries<D extends readonly unknown[]> = { -readonly [K in keyof D]: DeferredListEntry<DeferredResult<D[K]>> };

/** The results of a tuple (or array) of Deferreds, position by position (`Promise.all`'s typing). */
export type DeferredResults<D extends readonly unknown[]> = { -readonly [K in keyof D]: D[K] extends PromiseLike<infer R> ? R : D[K] };

/**
 * Collects the results of several Deferreds and fires once they have all fired, with one
 * `[succeeded, resultOrFailure]` pair per input, in input order (not firing order). It never
 * fails in this mode: a failed input is reported as `[false, failure]`.
 *
 * The list attaches a callback/errback pair to each input, so callbacks added to an input before
 * the list is made change what the list sees, and those added after see what the list passes on:
 * the input's own result, unchanged, unless `consumeErrors` turns a failure into `null` (which
 * keeps it from being reported as an unhandled error).
 *
 * - `fireOnOneCallback`: fires as soon as one input succeeds, with `[result, index]` (an empty
 *   list then never fires, as in Twisted).
 * - `fireOnOneErrback`: fails as soon as one input fails, with `Failure(FirstError(failure, index))`.
 *
 * Cancelling the list, while it has not fired, cancels every input that has not reported yet;
 * the list then fires from what they do (usually a `CancelledError` for each). A canceller that
 * throws is reported with `log.err` and the others are still cancelled.
 *
 * Typing: `new DeferredList([dStr, dNum])` infers the inputs as a tuple (as `Promise.allSettled`),
 * so its result is `[[true, string] | [false, Failure], [true, number] | [false, Failure]]`;
 * `DeferredList<T>` (the second type argument left out) is a list of `Deferred<T>`s, with an
 * array of `[true, T] | [false, Failure]` as its result. Testing an entry's flag narrows its value.
 *
 * @typeParam T the inputs' result type, when written by hand (`DeferredList<string>`).
 * @typeParam D the inputs' types: inferred from the constructor's argument, a tuple for an array
 *   literal; by default an array of `Deferred<T>`.
 * @example
 * ```ts
 * new DeferredList([fetch(a), fetch(b)], { consumeErrors: true }).addCallback((results) => {
 *   for (const [ok, value] of results) console.log(ok ? value : value.getErrorMessage());
 * });
 * ```
 */
export class DeferredList<T = unknown, D extends ReadonlyArray<Deferred<T>> = Array<Deferred<T>>> extends Deferred<DeferredListEntries<D>> {
  /**
   * The result being built: the entry of each input that has fired, `null` for those that have
   * not. Once all have fired, this very array is the list's result.
   */
  readonly resultList: Array<DeferredListEntry<DeferredResult<D[number]>> | null>;
  /** Whether the list fires on the first success (see the class description). */
  readonly fireOnOneCallback: boolean;
  /** Whether the list fails on the first failure (see the class description). */
  readonly fireOnOneErrback: boolean;
  /** Whether inputs' failures become `null` results after the list has seen them. */
  readonly consumeErrors: boolean;
  // A copy, so later changes to the caller's array do not change what is cancelled.
  readonly #deferreds: Array<Deferred<unknown>>;
  #finishedCount = 0;

  /**
   * @param deferreds the Deferreds to wait on (the array is copied).
   * @param options `fireOnOneCallback`, `fireOnOneErrback`, `consumeErrors` (all default false).
   * @throws {TypeError} when `deferreds` is not an array of Deferreds, naming the first item that is not one.
   */
  constructor(deferreds: readonly [...D], options: DeferredListOptions = {}) {
    // The canceller gets this list as its argument: `this` cannot be used before super().
    super((self) => (self as DeferredList<T, D>).#cancelPending());
    this.#deferreds = checkDeferreds<unknown>("DeferredList", deferreds);
    this.resultList = this.#deferreds.map(() => null);
    this.fireOnOneCallback = options.fireOnOneCallback ?? false;
    this.fireOnOneErrback = options.fireOnOneErrback ?? false;
    this.consumeErrors = options.consumeErrors ?? false;
    // As Twisted: with fireOnOneCallback, "the first success" of no Deferreds never comes.
    if (this.#deferreds.length === 0 && !this.fireOnOneCallback) this.callback([] as DeferredListEntries<D>);
    // The flags are set first: inputs that already have a result report at once, in here.
    this.#deferreds.forEach((d, index) => {
      d.addCallbacks(
        (result: unknown) => this.#onResult(result, index, true),
        (failure: Failure) => this.#onResult(failure, index, false),
      );
    });
  }

  /** How many of the inputs have fired so far. */
  get finishedCount(): number {
    return this.#finishedCount;
  }

  #onResult(result: unknown, index: number, succeeded: boolean): unknown {
    this.resultList[index] = [succeeded, result] as DeferredListEntry<DeferredResult<D[number]>>;
    this.#finishedCount++;
    if (!this.called) {
      if (succeeded && this.fireOnOneCallback) {
        // The documented shape for this mode, which the class's result type cannot express.
        this.callback([result, index] as unknown as DeferredListEntries<D>);
      } else if (!succeeded && this.fireOnOneErrback) {
        this.errback(new Failure(new FirstError(result as Failure, index)));
      } else if (this.#finishedCount === this.resultList.length) {
        this.callback(this.resultList as unknown as DeferredListEntries<D>);
      }
    }
    return !succeeded && this.consumeErrors ? null : result;
  }


  #cancelPending(): void {
    this.#deferreds.forEach((d, index) => {
      // An input that has reported is done as far as the list is concerned.
      if (this.resultList[index] !== null) return;
      try {
        d.cancel();
      } catch (e) {
        // One bad input must not keep the others from being cancelled.
        err(e, "Exception raised while cancelling a Deferred of a DeferredList:");
      }
    });
  }
}

/**
 * A Deferred of the results of all `deferreds`, in input order: a "join". It fails as soon as one
 * of them fails, with `Failure(FirstError(failure, index))`. Cancelling it cancels the inputs that
 * have not fired yet.
 *
 * @param consumeErrors when true, each input's failure becomes a `null` result after it has been
 *   seen here (so it is not reported as unhandled). Positional, as Twisted callers write it.
 * @example
 * ```ts
 * gatherResults([getUser(1), getUser(2)]).addCallback(([a, b]) => console.log(a.name, b.name));
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function gatherResults<const D extends ReadonlyArray<Deferred<any>>>(
  deferreds: D,
  consumeErrors?: boolean,
): Deferred<DeferredResults<D>>;
export function gatherResults<T>(deferreds: Array<Deferred<T>>, consumeErrors?: boolean): Deferred<T[]>;
export function gatherResults<T>(deferreds: Array<Deferred<T>>, consumeErrors = false): Deferred<T[]> {
  const list = new DeferredList<T>(checkDeferreds("gatherResults", deferreds), { fireOnOneErrback: true, consumeErrors });
  // Only successes get here: the first failure fails the list.
  return list.addCallback((entries) => entries.map((entry) => entry[1] as T));
}

/**
 * A Deferred of the first of `deferreds` to succeed, as `[index, result]`; all the others are
 * cancelled at once. If they all fail, it fails with a `FailureGroup` holding their Failures in
 * input order (an empty array fails at once, with an empty group). Cancelling it cancels every
 * input that has not fired yet.
 *
 * The race takes over the inputs' results, as Twisted's does: after it, each input's result is
 * `null`, so the losers' `CancelledError`s are not reported as unhandled.
 * @example
 * ```ts
 * race([fromCache(key), fromNetwork(key)]).addCallback(([index, value]) => use(value));
 * race([dStr, dNum]);   // a Deferred<[number, string | number]>
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function race<const D extends ReadonlyArray<Deferred<any>>>(deferreds: D): Deferred<[number, DeferredResults<D>[number]]>;
export function race<T>(deferreds: Array<Deferred<T>>): Deferred<[number, T]>;
export function race<T>(deferreds: Array<Deferred<T>>): Deferred<[number, T]> {
  const inputs = checkDeferreds("race", deferreds);
  const failures: Failure[] = new Array<Failure>(inputs.length);
  const settled = inputs.map(() => false);
  let failedCount = 0;
  let won = false;
  const cancelOthers = (except: number): void => {
    inputs.forEach((d, index) => {
      if (index === except || settled[index]) return;
      try {
        d.cancel();
      } catch (e) {
        err(e, "Exception raised while cancelling a Deferred of a race:");
      }
    });
  };
  const result = new Deferred<[number, T]>(() => cancelOthers(-1));
  if (inputs.length === 0) {
    result.errback(new Failure(new FailureGroup([])));
    return result;
  }
  inputs.forEach((d, index) => {
    d.addCallbacks(
      (value: T) => {
        settled[index] = true;
        // A later success (an input whose canceller fired it with a value) is ignored.
        if (!won) {
          won = true;
          cancelOthers(index);
          result.callback([index, value]);
        }
        return null;
      },
      (failure: Failure) => {
        settled[index] = true;
        failures[index] = failure;
        failedCount++;
        if (failedCount === inputs.length) result.errback(new Failure(new FailureGroup(failures)));
        return null;
      },
    );
  });
  return result;
}
