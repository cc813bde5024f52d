/**
 * `Deferred`: a result that is not there yet, with a chain of callbacks and errbacks that
 * process it once it is. The JavaScript counterpart of `twisted.internet.defer.Deferred`.
 *
 * This file holds the class and its public API; its state layout and the walk that runs the
 * chain are in callback-chain.ts, whose design and invariants are stated there. The fields are
 * declared here (hidden from the published types) and used only by that engine.
 * `callback`/`errback`/`cancel` read as values are bound to their Deferred (getters).
 * @module
 */
import type { IReactorTime } from "../core/interfaces";
import { checkCallable, describeValue } from "../core/validate";
import { fromAsync, fromPromise, noopCanceller, observe, settleFrom, type DeferredKit } from "./promise-interop";
import { addTimeout } from "./timeouts";
import { Failure, asFailure } from "../core/failure";
import * as engine from "./callback-chain";
import * as steps from "./steps";
import type { Fn } from "./steps";

/**
 * The type of `callback` as a value: a method's type (bivariant in `T`, as a method is), so a
 * `Deferred<never>` stays a `Deferred<T>` though `callback` is a getter.
 */
type CallbackFn<T> = { callback(result: T): void }["callback"];

/** A value, or a Deferred or thenable that will produce it. What a callback may return. */
export type Awaitable<T> = T | Deferred<T> | PromiseLike<T>;

/**
 * A callback's result type without `Failure`: a returned Failure continues the errback chain, it
 * is never a result (`addCallback(x => ok ? x : failure)` stays `Deferred<typeof x>`).
 */
export type ResultOf<U> = Exclude<U, Failure>;

// Module-level copies of what this file uses of the engine and the step kinds: read through the
// import, each use would be a property load of another module's exports
// (docs/design/deferred-layout.md).
const { add, cancel, chain, currentResult, describeState, fire, init, isCalled, isDeferred, pause, pauseCount, unpause } = engine;
const { Entry, NO_ARGS, passthru } = steps;

/** `d.callback(result)`, as the `callback` getter binds it. */
function fireWith(this: Deferred<unknown>, result: unknown): void {
  if (isDeferred(result)) {
    throw new TypeError("Deferred.callback() cannot take a Deferred: return it from a callback to chain it");
  }
  fire(this, result);
}

/** `addCallback(cb, ...args)` with extra arguments (the rare case: a rest parameter allocates). */
function addCallbackWithArgs(this: Deferred<unknown>, cb: Fn, ...args: unknown[]): Deferred<unknown> {
  add(this, new Entry(cb, passthru, args, NO_ARGS));
  return this;
}

/**
 * A result that will arrive later, and the chain of functions that process it.
 *
 * Add callbacks (for success) and errbacks (for failure) with `addCallback`, `addErrback`,
 * `addBoth` or `addCallbacks`; fire it once with `callback(value)` or `errback(error)`. Each
 * callback receives the previous one's result. A callback that throws (or returns a Failure)
 * switches to the errback chain; an errback that returns normally switches back. A callback that
 * returns another Deferred (or a Promise) pauses this chain until that one has a result.
 *
 * Callbacks run synchronously: `callback()` runs the chain before it returns, and a callback
 * added to a Deferred that already has a result runs at once.
 *
 * A Deferred is a thenable: `await d` gives its result (or throws its Failure's value).
 *
 * @example
 * ```ts
 * const d = new Deferred<number>();
 * d.addCallback((n) => n * 2).addCallback((n) => console.log(n));
 * d.callback(21); // prints 42
 * ```
 */
export class Deferred<T = unknown> implements PromiseLike<T> {
  // The engine's fields (callback-chain.ts), seven and no more: see docs/design/deferred-layout.md.
  // Steps not yet run have the indices [head, __tail), head being kept in __state: 0 to 2 in
  // __s0-__s2, the others in __extra.more. Most Deferreds get one to three steps, so most need no
  // array. Declared only (assigned in the constructor): no class-field definitions to run. Two
  // underscores, so that a subclass's own `_state` or `_result` cannot clash with them. No
  // `#private` member at all: a private method too brands every instance, and a subclass of a
  // class with private members is made about three times slower.
  /** @internal */ declare __s0: unknown;
  /** @internal */ declare __s1: unknown;
  /** @internal */ declare __s2: unknown;
  /** @internal */ declare __tail: number;
  /** @internal Before the Deferred is fired, the canceller (or undefined). */ declare __result: unknown;
  /** @internal */ declare __state: number;
  /** @internal */ declare __extra: engine.Extra | undefined;

  /**
   * @param canceller called by `cancel()` with this Deferred, to stop the work that would have
   *   fired it. If it does not fire the Deferred (or there is none), `cancel()` errbacks with
   *   `CancelledError`.
   * @throws TypeError when `canceller` is given and is not a function.
   */
  constructor(canceller?: (d: Deferred<T>) => void) {
    if (canceller !== undefined && canceller !== null) checkCallable("Deferred", canceller, "canceller");
    init(this, canceller ?? undefined);
  }

  /** True once `callback()` or `errback()` has been called (or `cancel()` fired it). */
  get called(): boolean {
    return isCalled(this);
  }

  /** How many times `pause()` has been called more than `unpause()`; callbacks wait while > 0. */
  get paused(): number {
    return pauseCount(this);
  }

  /**
   * The current result: what the last callback returned, a Failure on the error path, a Deferred
   * while waiting on one, `undefined` before the Deferred is fired.
   */
  get result(): unknown {
    return currentResult(this);
  }

  /**
   * Fires the Deferred with a success `result`, running the callback chain now. A Failure given
   * here takes the errback path, as in Twisted. A thenable is an ordinary value here.
   * @throws AlreadyCalledError when the Deferred already has a result.
   * @throws TypeError when `result` is a Deferred (return it from a callback to chain instead).
   */
  get callback(): CallbackFn<T> {
    // A getter, so `reactor.callLater(1, d.callback, 9)` works: it returns a function bound to
    // this Deferred. Called at once (`d.callback(9)`), the optimising compiler calls the target
    // directly and drops the bound function (`bind` measured cheaper than a closure here:
    // docs/design/deferred-layout.md).
    return fireWith.bind(this);
  }

  /**
   * Fires the Deferred with a failure, running the errback chain now. A value that is not a
   * Failure is wrapped in one; with no argument, `Error("Failure with no value")`.
   * @throws AlreadyCalledError when the Deferred already has a result.
   */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the contract writes `Failure | unknown`: a Failure is the usual argument
  get errback(): (fail?: Failure | unknown) => void {
    // A getter that binds, as `callback`. A function expression (not an arrow) for
    // `arguments.length`: `errback()` and `errback(undefined)` differ.
    const self = this;
    return function errback(fail?: unknown): void {
      fire(self, arguments.length === 0 ? new Failure() : asFailure(fail));
    };
  }

  /**
   * Adds a callback, run with the success result (and `args`); its return value becomes the
   * result. Returns this Deferred, typed for the new result.
   * @throws TypeError when `cb` is not a function.
   */
  addCallback<U, A extends unknown[]>(cb: (result: T, ...args: A) => Awaitable<U>, ...args: A): Deferred<ResultOf<U>>;
  addCallback(cb: (result: T, ...args: unknown[]) => unknown): Deferred<unknown> {
    checkCallable("addCallback", cb, "callback");
    // No rest parameter and no `arguments` object for the common call without extra arguments
    // (either is allocated on every call); `arguments.length` and `apply(this, arguments)` are not.
    if (arguments.length === 1) {
      add(this, cb);
      return this;
    }
    // eslint-disable-next-line prefer-rest-params
    return addCallbackWithArgs.apply(this, arguments as unknown as [Fn, ...unknown[]]);
  }

  /**
   * Adds an errback, run with the Failure (and `args`) when the chain is on the error path; what
   * it returns becomes a success result, unless it throws or returns a Failure.
   * @throws TypeError when `eb` is not a function.
   */
  addErrback<U, A extends unknown[]>(eb: (failure: Failure, ...args: A) => Awaitable<U>, ...args: A): Deferred<T | ResultOf<U>> {
    checkCallable("addErrback", eb, "errback");
    add(this, new Entry(passthru, eb as Fn, NO_ARGS, args.length === 0 ? NO_ARGS : args));
    return this;
  }

  /**
   * Adds one function as both callback and errback: it sees the result or the Failure.
   * @throws TypeError when `f` is not a function.
   */
  addBoth<U, A extends unknown[]>(f: (result: T | Failure, ...args: A) => Awaitable<U>, ...args: A): Deferred<ResultOf<U>> {
    checkCallable("addBoth", f, "callback");
    const a = args.length === 0 ? NO_ARGS : args;
    add(this, new Entry(f as Fn, f as Fn, a, a));
    return this as Deferred<ResultOf<U>>;
  }

  /**
   * Adds a callback and an errback as one step: exactly one of them runs, and the errback does
   * not see errors thrown by this callback. Extra arguments go in `options`.
   * @throws TypeError when `cb` or `eb` (if given) is not a function.
   */
  addCallbacks<U, V = never>(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    cb: (result: T, ...a: any[]) => Awaitable<U>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    eb?: ((failure: Failure, ...a: any[]) => Awaitable<V>) | null,
    options?: { callbackArgs?: unknown[] | null; errbackArgs?: unknown[] | null },
  ): Deferred<ResultOf<U | V>> {
    checkCallable("addCallbacks", cb, "callback");
    if (eb !== undefined && eb !== null) checkCallable("addCallbacks", eb, "errback");
    const cbArgs = options?.callbackArgs;
    const ebArgs = options?.errbackArgs;
    add(
      this,
      new Entry(
        cb as Fn,
        (eb ?? passthru) as Fn,
        cbArgs && cbArgs.length > 0 ? cbArgs : NO_ARGS,
        ebArgs && ebArgs.length > 0 ? ebArgs : NO_ARGS,
      ),
    );
    return this as Deferred<ResultOf<U | V>>;
  }

  /**
   * Times this Deferred out: if it has no result `timeout` seconds from now (on `clock`), it is
   * cancelled, and the `CancelledError` that produces becomes a `TimeoutError` (or whatever
   * `onTimeoutCancel(result, timeout)` returns). The timeout covers the callbacks added before
   * this call, not those added after; its delayed call is cancelled once the Deferred fires.
   * @throws RangeError / TypeError for a bad `timeout` (from `clock.callLater`).
   * @throws TypeError when `clock` has no `callLater` method (is not an IReactorTime).
   * @example
   * ```ts
   * fetchPage(url).addTimeout(5, reactor).addErrback((f) => { f.trap(TimeoutError); return null; });
   * ```
   */
  addTimeout(
    timeout: number,
    clock: IReactorTime,
    onTimeoutCancel?: (result: unknown, timeout: number) => unknown,
  ): Deferred<T> {
    return addTimeout(this, timeout, clock, onTimeoutCancel);
  }

  /**
   * Makes `d` fire with this Deferred's result when this one fires (`d.callback`/`d.errback`);
   * this Deferred's own result is then `null`. The walk that fires `d` is the one that fires
   * this Deferred (no recursion), so chains of chainDeferred of any length run in constant stack.
   * @throws TypeError when `d` is not a Deferred.
   */
  chainDeferred(d: Deferred<T>): Deferred<null> {
    if (!isDeferred(d)) throw new TypeError(`chainDeferred: d must be a Deferred, got ${describeValue(d)}`);
    chain(this, d);
    return this as Deferred<null>;
  }

  /** Stops running callbacks until `unpause()` is called as many times. */
  pause(): void {
    pause(this);
  }

  /** Undoes one `pause()`; once none remain, runs the callbacks added meanwhile (if fired). */
  unpause(): void {
    unpause(this);
  }

  /**
   * Cancels the operation this Deferred stands for. Not yet fired: calls the canceller; if that
   * did not fire the Deferred (or there is none), errbacks with `CancelledError`. Waiting on
   * another Deferred: cancels that one. Already has a result: does nothing.
   * A canceller that throws is reported with `log.err`, and the Deferred still fails with
   * `CancelledError`. With no canceller, one later `callback`/`errback` is silently ignored
   * (the work it stood for may still finish).
   */
  get cancel(): () => void {
    // A getter that binds, as `callback`: `clock.callLater(10, d.cancel)` works.
    return cancel.bind(undefined, this);
  }

  /**
   * Makes `await d` and Promise chaining work. Observes the result where the chain stands and
   * passes it on unchanged. Given `onRejected`, the observed Failure counts as handled (it is not
   * reported as unhandled); without it, it does not. Rejection handlers get the Failure's `value`.
   */
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const handles = typeof onRejected === "function";
    return observe(this, handles).then(onFulfilled, onRejected);
  }

  /**
   * A native Promise of this Deferred's result (where the chain stands), rejected with the
   * Failure's `value` on failure. The Deferred's result passes on unchanged, and the Failure
   * counts as handled.
   */
  asPromise(): Promise<T> {
    return observe(this, true);
  }

  /**
   * A Deferred that fires with the settlement of `p`. Cancelling it abandons `p`: the Deferred
   * fails with `CancelledError` at once and `p`'s later settlement is ignored.
   */
  static fromPromise<T>(p: PromiseLike<T>): Deferred<T> {
    return fromPromise(kit, p);
  }

  /**
   * Calls `f` at once with an `AbortSignal` and returns a Deferred of what it returns. Cancelling
   * the Deferred aborts the signal and fails the Deferred with `CancelledError` at once, whatever
   * the Promise does later. A synchronous throw fails the Deferred; a plain value fires it.
   * @example
   * ```ts
   * const d = Deferred.fromAsync((signal) => fetch(url, { signal }));
   * d.cancel(); // aborts the fetch
   * ```
   */
  static fromAsync<T>(f: (signal: AbortSignal) => PromiseLike<T> | T): Deferred<T> {
    return fromAsync(kit, f);
  }

  /**
   * Adapts a coroutine to a Deferred: a Deferred is returned as it is; a Promise or thenable as
   * `fromPromise`; a generator is driven as `inlineCallbacks` drives one. The same function as
   * `ensureDeferred` (installed by defer/functions.ts, which owns the generator driver; this file
   * sits below it).
   * @throws NotACoroutineError for anything else.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  declare static fromCoroutine: <T>(c: PromiseLike<T> | Generator<unknown, T, any>) => Deferred<T>;

  /** `<Deferred at #?: current result: …>`-style description, as Twisted's repr. */
  toString(): string {
    return `<${this.constructor.name}${describeState(this)}>`;
  }
}

/**
 * @internal Makes `target` (not yet fired) take the result of `source` when it has one, as if a
 * callback had returned `source`. Used by inlineCallbacks (cancellation) and the Promise adapters.
 */
export const _adopt: <T>(target: Deferred<T>, source: Deferred<T>) => void = engine.adopt;

/** @internal Whether `v` is a Deferred; never throws (no Proxy trap escapes). */
export const _isDeferred = isDeferred;

/** What promise-interop.ts needs of the class. */
const kit: DeferredKit = {
  make: <T>(canceller?: (d: Deferred<T>) => void): Deferred<T> => new Deferred<T>(canceller),
  isDeferred,
  adopt: engine.adopt,
};

// A thenable returned by a callback is waited on through a Deferred that settles from it.
engine._install(Deferred, (thenable) => {
  const d = new Deferred<unknown>(noopCanceller);
  settleFrom(kit, d, thenable);
  return d;
});
