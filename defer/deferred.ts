/**
 * `Deferred`: a result that is not there yet, with a chain of callbacks and errbacks that
 * process it once it is. The JavaScript counterpart of `twisted.internet.defer.Deferred`.
 *
 * Design: the chain is a list of steps run by one loop (`#runCallbacks`). Deferreds that hand
 * their result on (a callback returned a Deferred; `chainDeferred`) are walked with an explicit
 * stack, never by recursion, so chains of any depth fire and cancel in constant stack. The
 * object layout is kept small for programs holding millions (docs/design/deferred-layout.md
 * has the figures behind each choice).
 *
 * Invariants:
 * - a step runs at most once, in the order added; a fired Deferred keeps no step it has run;
 * - a throw from a step (or from a value it returned: a `then` getter, a Proxy's trap) becomes
 *   that step's Failure, and the walk resumes after the step: every pass of the loop consumes a
 *   step, so the loop always ends (the bookkeeping after the last step, which can throw only
 *   near the stack limit, is skipped when it throws twice in the same state);
 * - while paused (waiting on another Deferred, or `pause()`), no step runs;
 * - `callback`/`errback`/`cancel` read as values are bound to their Deferred (getters); the
 *   internal firing paths call the private methods, never the getters.
 * @module
 */
import { err } from "../log";
import type { IReactorTime } from "../core/interfaces";
import { checkCallable, describeValue, isThenable } from "../core/validate";
import { AlreadyCalledError, CancelledError } from "./errors";
import { fromAsync, fromPromise, noopCanceller, observe, settleFrom, type DeferredKit } from "./promise-interop";
import { addTimeout } from "./timeouts";
import { Failure, asFailure } from "../core/failure";
import { captureStack, formatDebugStacks, type DebugStacks } from "./debug-stacks";
import { track, unhandledRegistry, untrack, type FailureRecord } from "./unhandled";
import * as steps from "./steps";
import type { Continuation as ContinuationStep, Fn } from "./steps";

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

// #state, a non-negative int32: three flag bits; the pause count in the four bits above them
// (PAUSE_SPILLED when it is negative or too large for them: then it is #extra.paused); above
// those, the index of the next step to run (#state >> HEAD_SHIFT). One field for all of this
// keeps the object small, and a pause (every returned Deferred pauses its caller) allocates nothing.
const CALLED = 1;
const RUNNING = 2;
const SUPPRESS_ALREADY_CALLED = 4;
const PAUSE_SHIFT = 3;
const PAUSE_ONE = 1 << PAUSE_SHIFT;
const PAUSE_SPILLED = 15;
/** The pause count bits: not 0 while paused. */
const PAUSE_MASK = PAUSE_SPILLED << PAUSE_SHIFT;
const HEAD_SHIFT = 7;
const HEAD_ONE = 1 << HEAD_SHIFT;
const BELOW_HEAD = HEAD_ONE - 1;
/** Steps a Deferred may hold at once (the head index must fit in #state). */
const MAX_STEPS = 2 ** (31 - HEAD_SHIFT) - 1;

/** What few Deferreds need: kept out of the object so the common one stays small. */
interface Extra {
  /**
   * The pause count while it does not fit in #state: how many times pause() has been called
   * more than unpause() (negative after an unpause() too many, as in Twisted).
   */
  paused: number;
  /** Steps from the fourth on: step i is more[i - 3]. */
  more: unknown[] | undefined;
  chainedTo: Deferred<unknown> | undefined;
  failureRecord: FailureRecord | undefined;
  debug: DebugStacks | undefined;
}


// Module-level copies of the step kinds: read through the import, each use in the walk would be a
// property load of another module's exports (measured: docs/design/deferred-layout.md).
const { CHAIN_MARK, Chain, Continuation, Entry, NO_ARGS, passthru } = steps;

/**
 * Whether `v` is a Deferred. A private-name brand check: unlike `instanceof` it calls no Proxy
 * trap, so it never throws.
 */
function isDeferred(v: unknown): v is Deferred<unknown> {
  return typeof v === "object" && v !== null && hasDeferredBrand(v);
}

let hasDeferredBrand: (v: object) => boolean;


/** Whether debugging stacks are recorded for new Deferreds (see setDebugging). */
let debugging = false;

/** @internal Used by setDebugging/getDebugging. */
export function _setDebugging(on: boolean): void {
  debugging = on;
}
/** @internal */
export function _getDebugging(): boolean {
  return debugging;
}

// Module-private access to a Deferred's internals for the few helpers in this file that are not
// methods (a static block assigns them, as only class code can reach #private fields).
let adoptResult: <T>(target: Deferred<T>, source: Deferred<T>) => void;

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
  // Seven fields, no more (see docs/design/deferred-layout.md). Steps not yet run have the indices [head, #tail),
  // head being kept in #state: 0 to 2 in #s0-#s2, the others in #extra.more. Most Deferreds get
  // one to three steps, so most need no array (which would be two more objects).
  #s0: unknown = undefined;
  #s1: unknown = undefined;
  #s2: unknown = undefined;
  #tail = 0;
  // Before the Deferred is fired, the canceller (or undefined): the slot is free until then.
  #result: unknown;
  #state = 0;
  #extra: Extra | undefined = undefined;

  /**
   * @param canceller called by `cancel()` with this Deferred, to stop the work that would have
   *   fired it. If it does not fire the Deferred (or there is none), `cancel()` errbacks with
   *   `CancelledError`.
   * @throws TypeError when `canceller` is given and is not a function.
   */
  constructor(canceller?: (d: Deferred<T>) => void) {
    if (canceller !== undefined && canceller !== null) checkCallable("Deferred", canceller, "canceller");
    this.#result = canceller ?? undefined;
    if (debugging) this.#extraInfo().debug = { creator: captureStack(), invoker: undefined };
  }

  static {
    hasDeferredBrand = (v: object): boolean => #state in v;
    adoptResult = <T>(target: Deferred<T>, source: Deferred<T>): void => {
      target.#state |= CALLED;
      target.#result = source;
      target.#chainOnto(source);
      target.#runCallbacks();
    };
  }

  /** True once `callback()` or `errback()` has been called (or `cancel()` fired it). */
  get called(): boolean {
    return (this.#state & CALLED) !== 0;
  }

  /** How many times `pause()` has been called more than `unpause()`; callbacks wait while > 0. */
  get paused(): number {
    const count = (this.#state & PAUSE_MASK) >> PAUSE_SHIFT;
    return count === PAUSE_SPILLED ? (this.#extra as Extra).paused : count;
  }

  /**
   * The current result: what the last callback returned, a Failure on the error path, a Deferred
   * while waiting on one, `undefined` before the Deferred is fired.
   */
  get result(): unknown {
    return (this.#state & CALLED) !== 0 ? this.#result : undefined;
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
    return this.#callback.bind(this);
  }

  #callback(result: T): void {
    if (isDeferred(result)) {
      throw new TypeError("Deferred.callback() cannot take a Deferred: return it from a callback to chain it");
    }
    this.#start(result);
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
      self.#start(arguments.length === 0 ? new Failure() : asFailure(fail));
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
    if (arguments.length === 1) return this.#add(cb);
    // eslint-disable-next-line prefer-rest-params, prefer-spread
    return this.#addCallbackWithArgs.apply(this, arguments as unknown as [Fn, ...unknown[]]);
  }

  #addCallbackWithArgs(cb: Fn, ...args: unknown[]): Deferred<unknown> {
    return this.#add(new Entry(cb, passthru, args, NO_ARGS));
  }

  /**
   * Adds an errback, run with the Failure (and `args`) when the chain is on the error path; what
   * it returns becomes a success result, unless it throws or returns a Failure.
   * @throws TypeError when `eb` is not a function.
   */
  addErrback<U, A extends unknown[]>(eb: (failure: Failure, ...args: A) => Awaitable<U>, ...args: A): Deferred<T | ResultOf<U>> {
    checkCallable("addErrback", eb, "errback");
    return this.#add(new Entry(passthru, eb as Fn, NO_ARGS, args.length === 0 ? NO_ARGS : args)) as Deferred<T | ResultOf<U>>;
  }

  /**
   * Adds one function as both callback and errback: it sees the result or the Failure.
   * @throws TypeError when `f` is not a function.
   */
  addBoth<U, A extends unknown[]>(f: (result: T | Failure, ...args: A) => Awaitable<U>, ...args: A): Deferred<ResultOf<U>> {
    checkCallable("addBoth", f, "callback");
    const a = args.length === 0 ? NO_ARGS : args;
    return this.#add(new Entry(f as Fn, f as Fn, a, a)) as Deferred<ResultOf<U>>;
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
    return this.#add(
      new Entry(
        cb as Fn,
        (eb ?? passthru) as Fn,
        cbArgs && cbArgs.length > 0 ? cbArgs : NO_ARGS,
        ebArgs && ebArgs.length > 0 ? ebArgs : NO_ARGS,
      ),
    ) as Deferred<ResultOf<U | V>>;
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
    d.#extraInfo().chainedTo = this;
    return this.#add(new Chain(d)) as Deferred<null>;
  }

  /** Stops running callbacks until `unpause()` is called as many times. */
  pause(): void {
    this.#addPause(1);
  }

  /** Undoes one `pause()`; once none remain, runs the callbacks added meanwhile (if fired). */
  unpause(): void {
    if (this.#addPause(-1) !== 0) return;
    if ((this.#state & CALLED) !== 0) this.#runCallbacks();
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
    return this.#cancel.bind(this);
  }

  #cancel(): void {
    // Waiting on a Deferred: the cancel goes to the one at the end of the chain of waits. A loop,
    // not recursion, so a chain of any depth (10,000 nested returns) is cancelled in constant stack.
    let d: Deferred<unknown> = this;
    while ((d.#state & CALLED) !== 0) {
      const r = d.#result;
      if (!isDeferred(r)) return; // already has a result: nothing to cancel
      d = r;
    }
    // Typed without T so Deferred<T> stays covariant in T (a Deferred<never> is a Deferred<T>).
    const canceller = d.#result as ((d: unknown) => void) | undefined;
    if (canceller !== undefined) {
      try {
        canceller(d);
      } catch (e) {
        err(e, "Unexpected exception from canceller of Deferred:");
      }
    } else {
      d.#state |= SUPPRESS_ALREADY_CALLED;
    }
    if ((d.#state & CALLED) === 0) d.#start(new Failure(new CancelledError()));
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
    const name = this.constructor.name;
    if (this.#extra?.chainedTo !== undefined) return `<${name} waiting on Deferred>`;
    if ((this.#state & CALLED) === 0) return `<${name}>`;
    if (this.#result instanceof Deferred) return `<${name} waiting on Deferred>`;
    return `<${name} current result: ${describeValue(this.#result)}>`;
  }

  // ---------------------------------------------------------------------------------------------

  /** Adds `n` (1 or -1) to the pause count and returns the new count. */
  #addPause(n: number): number {
    const state = this.#state;
    const count = (state & PAUSE_MASK) >> PAUSE_SHIFT;
    const paused = count + n;
    if (count !== PAUSE_SPILLED && paused >= 0 && paused < PAUSE_SPILLED) {
      this.#state = state + n * PAUSE_ONE;
      return paused;
    }
    return this.#addPauseSpilled(n);
  }

  /** The rare case of #addPause: the count is, or goes, outside what #state's bits hold. */
  #addPauseSpilled(n: number): number {
    const state = this.#state;
    const count = (state & PAUSE_MASK) >> PAUSE_SHIFT;
    const paused = (count === PAUSE_SPILLED ? (this.#extra as Extra).paused : count) + n;
    if (paused >= 0 && paused < PAUSE_SPILLED) {
      this.#state = (state & ~PAUSE_MASK) | (paused << PAUSE_SHIFT);
    } else {
      this.#extraInfo().paused = paused;
      this.#state = state | PAUSE_MASK;
    }
    return paused;
  }

  #extraInfo(): Extra {
    return (this.#extra ??= { paused: 0, more: undefined, chainedTo: undefined, failureRecord: undefined, debug: undefined });
  }

  /** Appends a step (a bare callback, an Entry or a Continuation); runs it at once if fired. */
  #add(step: unknown): Deferred<unknown> {
    const tail = this.#tail;
    if (tail >= MAX_STEPS) throw new RangeError(`a Deferred can hold at most ${MAX_STEPS} callbacks not yet run`);
    if (tail === 0) this.#s0 = step;
    else if (tail === 1) this.#s1 = step;
    else if (tail === 2) this.#s2 = step;
    else {
      const extra = this.#extraInfo();
      const more = extra.more;
      if (more === undefined) extra.more = [step];
      else if (tail - 3 < more.length) more[tail - 3] = step;
      else more.push(step);
    }
    this.#tail = tail + 1;
    if ((this.#state & CALLED) !== 0) this.#runCallbacks();
    return this;
  }

  #start(result: unknown): void {
    const state = this.#state;
    if ((state & CALLED) !== 0) {
      if ((state & SUPPRESS_ALREADY_CALLED) !== 0) {
        this.#state = state & ~SUPPRESS_ALREADY_CALLED;
        return;
      }
      let message = "Deferred already has a result";
      const debug = this.#extra?.debug;
      if (debugging || debug !== undefined) {
        message += `\n${formatDebugStacks(debug ?? { creator: undefined, invoker: undefined })}`;
      }
      throw new AlreadyCalledError(message);
    }
    if (debugging) {
      const extra = this.#extraInfo();
      extra.debug ??= { creator: undefined, invoker: undefined };
      extra.debug.invoker = captureStack();
    }
    this.#state = state | CALLED;
    this.#result = result;
    this.#runCallbacks();
  }

  /** Pauses this Deferred until `source` has a result, then continues with it. */
  #chainOnto(source: Deferred<unknown>): void {
    // `source` is not running its callbacks (it has no result, or is paused/waiting), so adding
    // the step does not run it now; `source`'s own loop reaches it when it can. The step goes in
    // first: if adding it throws (out of stack), this Deferred is not left paused for ever.
    source.#add(new Continuation(this));
    this.#addPause(1);
  }

  /**
   * Runs the callback chain as far as it can go. Deferreds that this one's result is handed to
   * (chaining) are walked with an explicit stack, never by recursion, as Twisted does.
   *
   * The try/catch is around the whole walk, not around each call (cheaper: see
   * docs/design/deferred-layout.md). A throw lands there; the throwing step's Failure becomes the
   * result and the walk resumes with the next step.
   */
  #runCallbacks(): void {
    if ((this.#state & RUNNING) !== 0) return; // a callback added a step: the running loop will reach it
    let current: Deferred<unknown> = this;
    // Deferreds whose walk is suspended while one they handed their result to runs (CHAIN_MARK
    // above one that did so through chainDeferred).
    let stack: unknown[] | undefined;
    // Written only in the catch (see there), so that they cost the walk nothing.
    let lastThrow: Deferred<unknown> | undefined;
    let lastThrowState = 0;
    let stuck: Deferred<unknown> | undefined;
    for (;;) {
      try {
        for (;;) {
          if ((current.#state & PAUSE_MASK) !== 0) {
            // Waiting: those up a chain of returned Deferreds wait too. One that fired this
            // through chainDeferred does not wait: its walk goes on.
            if (stack === undefined || stack[stack.length - 1] !== CHAIN_MARK) return;
            stack.pop();
            current = stack.pop() as Deferred<unknown>;
            continue;
          }
          let finished = true;
          while (current.#state >> HEAD_SHIFT < current.#tail) {
            const i = current.#state >> HEAD_SHIFT;
            current.#state += HEAD_ONE;
            // Drop the step as it is consumed: a fired Deferred must not keep its callbacks (and what
            // they close over) alive.
            let step: unknown;
            if (i === 0) {
              step = current.#s0;
              current.#s0 = undefined;
            } else if (i === 1) {
              step = current.#s1;
              current.#s1 = undefined;
            } else if (i === 2) {
              step = current.#s2;
              current.#s2 = undefined;
            } else {
              const more = (current.#extra as Extra).more as unknown[];
              step = more[i - 3];
              more[i - 3] = undefined;
            }
            const failed = current.#result instanceof Failure;
            let fn: Fn;
            let args: readonly unknown[];
            if (typeof step === "function") {
              if (failed) continue; // a bare callback passes failures through
              fn = step as Fn;
              args = NO_ARGS;
            } else if (step instanceof Entry) {
              fn = failed ? step.errback : step.callback;
              if (fn === passthru) continue;
              args = failed ? step.errbackArgs : step.callbackArgs;
            } else if (step instanceof Chain) {
              const target = step.target;
              const result = current.#result;
              current.#result = null;
              if ((target.#state & (CALLED | RUNNING | PAUSE_MASK)) !== 0 || debugging) {
                // Already fired (AlreadyCalledError, unless a cancel() without canceller lets
                // one firing through), running or paused, or stacks to record: fire it as a
                // call would. A throw lands in the catch, as a callback's would.
                target.#start(result);
                continue;
              }
              // Fire it in this walk: its callbacks run now, then this chain's go on (with null).
              target.#state |= CALLED;
              target.#result = result;
              (stack ??= []).push(current, CHAIN_MARK);
              current = target;
              finished = false;
              break;
            } else {
              // A Continuation: hand our result to the Deferred waiting on us, and process it first.
              // No call between taking the step and handing the result over (out of stack, the
              // catch would drop the result and leave `waiting` paused for ever): the pause
              // count's usual case is inlined, and the record is emptied here and dropped from
              // the live set by this Deferred's tail (or when it is collected).
              const waiting = (step as ContinuationStep).waiting;
              const ws = waiting.#state;
              if ((ws & PAUSE_MASK) !== 0 && (ws & PAUSE_MASK) !== PAUSE_MASK) waiting.#state = ws - PAUSE_ONE;
              else waiting.#addPause(-1);
              waiting.#result = current.#result;
              current.#result = null;
              const record = current.#extra?.failureRecord;
              if (record !== undefined) record.failure = undefined;
              (stack ??= []).push(current);
              current = waiting;
              finished = false;
              break;
            }
            current.#state |= RUNNING;
            // May throw: caught below, where `current` names this Deferred.
            const r = args.length === 0 ? fn(current.#result) : fn(current.#result, ...args);
            current.#state &= ~RUNNING;
            current.#result = r;
            if (typeof r === "object" && r !== null && !(r instanceof Failure)) {
              let inner: Deferred<unknown> | undefined;
              if (r instanceof Deferred) {
                inner = r as Deferred<unknown>;
                if (inner === current) {
                  current.#result = new Failure(new TypeError("Callback returned the Deferred it was attached to"));
                  continue;
                }
              } else if (isThenable(r)) {
                inner = new Deferred<unknown>(noopCanceller);
                settleFrom(kit, inner, r);
              }
              if (inner !== undefined) {
                if ((inner.#state & CALLED) !== 0 && (inner.#state & PAUSE_MASK) === 0 && !(inner.#result instanceof Deferred)) {
                  // It already has a result: take it and keep going.
                  current.#result = inner.#result;
                  inner.#result = null;
                  const record = inner.#extra?.failureRecord;
                  if (record !== undefined) untrack(record);
                } else {
                  current.#result = inner;
                  current.#chainOnto(inner);
                  break;
                }
              }
            }
          }
          if (!finished) continue;
          // As much of this chain as can run now has run.
          const extra = current.#extra;
          if (extra !== undefined) extra.chainedTo = undefined;
          // Out of stack, entering these calls throws: see the catch (`stuck`).
          if (current !== stuck) {
            if (current.#result instanceof Failure) current.#trackFailure(current.#result);
            else if (extra?.failureRecord !== undefined) untrack(extra.failureRecord);
          }
          if (current.#state >> HEAD_SHIFT === current.#tail) {
            // All run: the next step goes in #s0 again, so a long-lived fired Deferred that keeps
            // being given steps uses no more room. A long overflow array is let go.
            current.#state &= BELOW_HEAD;
            current.#tail = 0;
            if (extra?.more !== undefined && extra.more.length > 64) extra.more = undefined;
          }
          if (stack === undefined || stack.length === 0) return;
          let below = stack.pop();
          if (below === CHAIN_MARK) below = stack.pop();
          current = below as Deferred<unknown>;
        }
      } catch (e) {
        // A callback threw (or a value it returned did: a `then` getter, a Proxy's trap). Its
        // step is consumed, so resuming the walk makes progress. Only the bookkeeping after the
        // last step can throw without consuming one (out of stack): the same Deferred in the same
        // state twice in a row is that, and the walk then goes on without the bookkeeping.
        // (Flags set in the try body to tell this apart cost a quarter of a 3-callback Deferred.)
        if (current === lastThrow && current.#state === lastThrowState) stuck = current;
        lastThrow = current;
        lastThrowState = current.#state;
        current.#state &= ~RUNNING;
        current.#result = asFailure(e);
      }
    }
  }

  /**
   * Keeps the Failure this chain ended on for the unhandled-error report. Never throws: near the
   * stack limit the bookkeeping itself may throw a RangeError, and a throw from here would land
   * in the walk's catch, which would redo this same step for ever (a spin).
   */
  #trackFailure(failure: Failure): void {
    try {
      failure.cleanFailure();
      const extra = this.#extraInfo();
      let record = extra.failureRecord;
      if (record === undefined) {
        record = extra.failureRecord = { failure, debug: extra.debug };
        unhandledRegistry.register(this, record);
      } else {
        record.failure = failure;
        record.debug = extra.debug;
      }
      track(record);
    } catch {
      // Out of stack: the failure goes untracked (not reported as unhandled) rather than hang.
    }
  }
}

/**
 * @internal Makes `target` (not yet fired) take the result of `source` when it has one, as if a
 * callback had returned `source`. Used by inlineCallbacks (cancellation) and the Promise adapters.
 */
export function _adopt<T>(target: Deferred<T>, source: Deferred<T>): void {
  adoptResult(target, source);
}

/** @internal Whether `v` is a Deferred; never throws (a brand check, no Proxy trap). */
export const _isDeferred = isDeferred;

/** What promise-interop.ts needs of the class. */
const kit: DeferredKit = {
  make: <T>(canceller?: (d: Deferred<T>) => void): Deferred<T> => new Deferred<T>(canceller),
  isDeferred,
  adopt: (target, source) => adoptResult(target, source),
};
