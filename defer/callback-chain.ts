/**
 * The engine of `Deferred`: its state layout and the walk that runs its chain of steps, as
 * functions over the Deferred's internal fields (`__s0`…`__extra`, declared in deferred.ts,
 * hidden from the published types). deferred.ts holds the class and its public API.
 *
 * Design: the chain is a list of steps run by one loop ({@link runCallbacks}). Deferreds that
 * hand their result on (a callback returned a Deferred; `chainDeferred`) are walked with an
 * explicit stack, never by recursion, so chains of any depth fire and cancel in constant stack.
 * The object layout is kept small for programs holding millions. Plain fields, not `#private`
 * ones (those made `new` three times slower for a subclass), named with two underscores so that
 * a subclass's own `_state` or `_result` cannot clash with them (docs/design/deferred-layout.md
 * has the figures behind each choice).
 *
 * Invariants:
 * - a step runs at most once, in the order added; a fired Deferred keeps no step it has run;
 * - a throw from a step (or from a value it returned: a `then` getter, a Proxy's trap) becomes
 *   that step's Failure, and the walk resumes after the step: every pass of the loop consumes a
 *   step, so the loop always ends (the bookkeeping after the last step, which can throw only
 *   near the stack limit, is skipped when it throws twice in the same state);
 * - while paused (waiting on another Deferred, or `pause()`), no step runs;
 * - the engine never calls the public API (whose `callback`/`errback`/`cancel` are getters that
 *   bind): a subclass overriding it does not change how a chain runs.
 * @internal
 * @module
 */
import { err } from "../log";
import { describeValue, isThenable } from "../core/validate";
import { AlreadyCalledError, CancelledError } from "./errors";
import { Failure, asFailure } from "../core/failure";
import { captureStack, formatDebugStacks, type DebugStacks } from "./debug-stacks";
import { track, unhandledRegistry, untrack, type FailureRecord } from "./unhandled";
import * as steps from "./steps";
import type { Continuation as ContinuationStep, Fn } from "./steps";
import type { Deferred } from "./deferred";

// __state, a non-negative int32: three flag bits; the pause count in the four bits above them
// (PAUSE_SPILLED when it is negative or too large for them: then it is __extra.paused);
// above those, the index of the next step to run (__state >> HEAD_SHIFT). One field for all of this
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
/** Steps a Deferred may hold at once (the head index must fit in __state). */
const MAX_STEPS = 2 ** (31 - HEAD_SHIFT) - 1;

/** What few Deferreds need: kept out of the object so the common one stays small. */
export interface Extra {
  /**
   * The pause count while it does not fit in __state: how many times pause() has been called
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

// What deferred.ts installs (it sits above this file): the class, and how a thenable returned by
// a callback becomes a Deferred to wait on.
let DeferredClass: abstract new (...a: never[]) => Deferred<unknown>;
let deferredOfThenable: (thenable: PromiseLike<unknown>) => Deferred<unknown>;

/** @internal Called once by deferred.ts. */
export function _install(cls: typeof DeferredClass, ofThenable: typeof deferredOfThenable): void {
  DeferredClass = cls;
  deferredOfThenable = ofThenable;
}

/**
 * Whether `v` is a Deferred. Never throws: `instanceof` reads the prototype chain, which a
 * Proxy's trap (or a revoked Proxy) can make throw; that is "not a Deferred".
 */
export function isDeferred(v: unknown): v is Deferred<unknown> {
  if (typeof v !== "object" || v === null) return false;
  try {
    return v instanceof DeferredClass;
  } catch {
    return false;
  }
}


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


/** A fresh Deferred's internal fields (deferred.ts's constructor). */
export function init(d: Deferred<unknown>, canceller: unknown): void {
  d.__s0 = undefined;
  d.__s1 = undefined;
  d.__s2 = undefined;
  d.__tail = 0;
  d.__result = canceller;
  d.__state = 0;
  d.__extra = undefined;
  if (debugging) extraInfo(d).debug = { creator: captureStack(), invoker: undefined };
}

/** Whether `d` has been fired. */
export function isCalled(d: Deferred<unknown>): boolean {
  return (d.__state & CALLED) !== 0;
}

/** The pause count (see `Deferred.paused`). */
export function pauseCount(d: Deferred<unknown>): number {
  const count = (d.__state & PAUSE_MASK) >> PAUSE_SHIFT;
  return count === PAUSE_SPILLED ? (d.__extra as Extra).paused : count;
}

/** The current result; `undefined` before `d` is fired. */
export function currentResult(d: Deferred<unknown>): unknown {
  return (d.__state & CALLED) !== 0 ? d.__result : undefined;
}

/** `d.pause()`. */
export function pause(d: Deferred<unknown>): void {
  addPause(d, 1);
}

/** `d.unpause()`: once no pause remains, runs the steps added meanwhile (if fired). */
export function unpause(d: Deferred<unknown>): void {
  if (addPause(d, -1) !== 0) return;
  if ((d.__state & CALLED) !== 0) runCallbacks(d);
}

/** `source.chainDeferred(target)`: `target` will be fired with `source`'s result. */
export function chain(source: Deferred<unknown>, target: Deferred<unknown>): void {
  extraInfo(target).chainedTo = source;
  add(source, new Chain(target));
}

/**
 * Makes `target` (not yet fired) take the result of `source` when it has one, as if a callback
 * had returned `source`. Used by inlineCallbacks (cancellation) and the Promise adapters.
 */
export function adopt(target: Deferred<unknown>, source: Deferred<unknown>): void {
  target.__state |= CALLED;
  target.__result = source;
  chainOnto(target, source);
  runCallbacks(target);
}

/** `d.cancel()` (documented there). */
export function cancel(start: Deferred<unknown>): void {
  // Waiting on a Deferred: the cancel goes to the one at the end of the chain of waits. A loop,
  // not recursion, so a chain of any depth (10,000 nested returns) is cancelled in constant stack.
  let d = start;
  while ((d.__state & CALLED) !== 0) {
    const r = d.__result;
    if (!isDeferred(r)) return; // already has a result: nothing to cancel
    d = r;
  }
  const canceller = d.__result as ((d: unknown) => void) | undefined;
  if (canceller !== undefined) {
    try {
      canceller(d);
    } catch (e) {
      err(e, "Unexpected exception from canceller of Deferred:");
    }
  } else {
    d.__state |= SUPPRESS_ALREADY_CALLED;
  }
  if ((d.__state & CALLED) === 0) fire(d, new Failure(new CancelledError()));
}

/** What `toString` shows after the class name: "", " waiting on Deferred", " current result: …". */
export function describeState(d: Deferred<unknown>): string {
  if (d.__extra?.chainedTo !== undefined) return " waiting on Deferred";
  if ((d.__state & CALLED) === 0) return "";
  if (isDeferred(d.__result)) return " waiting on Deferred";
  return ` current result: ${describeValue(d.__result)}`;
}

/** Adds `n` (1 or -1) to the pause count and returns the new count. */
function addPause(d: Deferred<unknown>, n: number): number {
  const state = d.__state;
  const count = (state & PAUSE_MASK) >> PAUSE_SHIFT;
  const paused = count + n;
  if (count !== PAUSE_SPILLED && paused >= 0 && paused < PAUSE_SPILLED) {
    d.__state = state + n * PAUSE_ONE;
    return paused;
  }
  return addPauseSpilled(d, n);
}

/** The rare case of addPause: the count is, or goes, outside what __state's bits hold. */
function addPauseSpilled(d: Deferred<unknown>, n: number): number {
  const state = d.__state;
  const count = (state & PAUSE_MASK) >> PAUSE_SHIFT;
  const paused = (count === PAUSE_SPILLED ? (d.__extra as Extra).paused : count) + n;
  if (paused >= 0 && paused < PAUSE_SPILLED) {
    d.__state = (state & ~PAUSE_MASK) | (paused << PAUSE_SHIFT);
  } else {
    extraInfo(d).paused = paused;
    d.__state = state | PAUSE_MASK;
  }
  return paused;
}

function extraInfo(d: Deferred<unknown>): Extra {
  return (d.__extra ??= { paused: 0, more: undefined, chainedTo: undefined, failureRecord: undefined, debug: undefined });
}

/** Appends a step (a bare callback, an Entry or a Continuation); runs it at once if fired. */
export function add(d: Deferred<unknown>, step: unknown): void {
  const tail = d.__tail;
  if (tail >= MAX_STEPS) throw new RangeError(`a Deferred can hold at most ${MAX_STEPS} callbacks not yet run`);
  if (tail === 0) d.__s0 = step;
  else if (tail === 1) d.__s1 = step;
  else if (tail === 2) d.__s2 = step;
  else {
    const extra = extraInfo(d);
    const more = extra.more;
    if (more === undefined) extra.more = [step];
    else if (tail - 3 < more.length) more[tail - 3] = step;
    else more.push(step);
  }
  d.__tail = tail + 1;
  if ((d.__state & CALLED) !== 0) runCallbacks(d);
}

/** Fires `d` with `result` (a Failure takes the errback path) and runs its chain. */
export function fire(d: Deferred<unknown>, result: unknown): void {
  const state = d.__state;
  if ((state & CALLED) !== 0) {
    if ((state & SUPPRESS_ALREADY_CALLED) !== 0) {
      d.__state = state & ~SUPPRESS_ALREADY_CALLED;
      return;
    }
    let message = "Deferred already has a result";
    const debug = d.__extra?.debug;
    if (debugging || debug !== undefined) {
      message += `\n${formatDebugStacks(debug ?? { creator: undefined, invoker: undefined })}`;
    }
    throw new AlreadyCalledError(message);
  }
  if (debugging) {
    const extra = extraInfo(d);
    extra.debug ??= { creator: undefined, invoker: undefined };
    extra.debug.invoker = captureStack();
  }
  d.__state = state | CALLED;
  d.__result = result;
  runCallbacks(d);
}

/** Pauses this Deferred until `source` has a result, then continues with it. */
function chainOnto(d: Deferred<unknown>, source: Deferred<unknown>): void {
  // `source` is not running its callbacks (it has no result, or is paused/waiting), so adding
  // the step does not run it now; `source`'s own loop reaches it when it can. The step goes in
  // first: if adding it throws (out of stack), this Deferred is not left paused for ever.
  add(source, new Continuation(d));
  addPause(d, 1);
}

/**
 * Runs the callback chain as far as it can go. Deferreds that this one's result is handed to
 * (chaining) are walked with an explicit stack, never by recursion, as Twisted does.
 *
 * The try/catch is around the whole walk, not around each call (cheaper: see
 * docs/design/deferred-layout.md). A throw lands there; the throwing step's Failure becomes the
 * result and the walk resumes with the next step.
 */
export function runCallbacks(d: Deferred<unknown>): void {
  if ((d.__state & RUNNING) !== 0) return; // a callback added a step: the running loop will reach it
  let current = d;
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
        if ((current.__state & PAUSE_MASK) !== 0) {
          // Waiting: those up a chain of returned Deferreds wait too. One that fired this
          // through chainDeferred does not wait: its walk goes on.
          if (stack === undefined || stack[stack.length - 1] !== CHAIN_MARK) return;
          stack.pop();
          current = stack.pop() as Deferred<unknown>;
          continue;
        }
        let finished = true;
        while (current.__state >> HEAD_SHIFT < current.__tail) {
          const i = current.__state >> HEAD_SHIFT;
          current.__state += HEAD_ONE;
          // Drop the step as it is consumed: a fired Deferred must not keep its callbacks (and what
          // they close over) alive.
          let step: unknown;
          if (i === 0) {
            step = current.__s0;
            current.__s0 = undefined;
          } else if (i === 1) {
            step = current.__s1;
            current.__s1 = undefined;
          } else if (i === 2) {
            step = current.__s2;
            current.__s2 = undefined;
          } else {
            const more = (current.__extra as Extra).more as unknown[];
            step = more[i - 3];
            more[i - 3] = undefined;
          }
          const failed = current.__result instanceof Failure;
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
            const result = current.__result;
            current.__result = null;
            if ((target.__state & (CALLED | RUNNING | PAUSE_MASK)) !== 0 || debugging) {
              // Already fired (AlreadyCalledError, unless a cancel() without canceller lets
              // one firing through), running or paused, or stacks to record: fire it as a
              // call would. A throw lands in the catch, as a callback's would.
              fire(target, result);
              continue;
            }
            // Fire it in this walk: its callbacks run now, then this chain's go on (with null).
            target.__state |= CALLED;
            target.__result = result;
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
            const ws = waiting.__state;
            if ((ws & PAUSE_MASK) !== 0 && (ws & PAUSE_MASK) !== PAUSE_MASK) waiting.__state = ws - PAUSE_ONE;
            else addPause(waiting, -1);
            waiting.__result = current.__result;
            current.__result = null;
            const record = current.__extra?.failureRecord;
            if (record !== undefined) record.failure = undefined;
            (stack ??= []).push(current);
            current = waiting;
            finished = false;
            break;
          }
          current.__state |= RUNNING;
          // May throw: caught below, where `current` names this Deferred.
          const r = args.length === 0 ? fn(current.__result) : fn(current.__result, ...args);
          current.__state &= ~RUNNING;
          current.__result = r;
          if (typeof r === "object" && r !== null && !(r instanceof Failure)) {
            let inner: Deferred<unknown> | undefined;
            if (r instanceof DeferredClass) {
              inner = r;
              if (inner === current) {
                current.__result = new Failure(new TypeError("Callback returned the Deferred it was attached to"));
                continue;
              }
            } else if (isThenable(r)) {
              inner = deferredOfThenable(r);
            }
            if (inner !== undefined) {
              if ((inner.__state & CALLED) !== 0 && (inner.__state & PAUSE_MASK) === 0 && !(inner.__result instanceof DeferredClass)) {
                // It already has a result: take it and keep going.
                current.__result = inner.__result;
                inner.__result = null;
                const record = inner.__extra?.failureRecord;
                if (record !== undefined) untrack(record);
              } else {
                current.__result = inner;
                chainOnto(current, inner);
                break;
              }
            }
          }
        }
        if (!finished) continue;
        // As much of this chain as can run now has run.
        const extra = current.__extra;
        if (extra !== undefined) extra.chainedTo = undefined;
        // Out of stack, entering these calls throws: see the catch (`stuck`).
        if (current !== stuck) {
          if (current.__result instanceof Failure) trackFailure(current, current.__result);
          else if (extra?.failureRecord !== undefined) untrack(extra.failureRecord);
        }
        if (current.__state >> HEAD_SHIFT === current.__tail) {
          // All run: the next step goes in __s0 again, so a long-lived fired Deferred that keeps
          // being given steps uses no more room. A long overflow array is let go.
          current.__state &= BELOW_HEAD;
          current.__tail = 0;
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
      if (current === lastThrow && current.__state === lastThrowState) stuck = current;
      lastThrow = current;
      lastThrowState = current.__state;
      current.__state &= ~RUNNING;
      current.__result = asFailure(e);
    }
  }
}

/**
 * Keeps the Failure this chain ended on for the unhandled-error report. Never throws: near the
 * stack limit the bookkeeping itself may throw a RangeError, and a throw from here would land
 * in the walk's catch, which would redo this same step for ever (a spin).
 */
function trackFailure(d: Deferred<unknown>, failure: Failure): void {
  try {
    failure.cleanFailure();
    const extra = extraInfo(d);
    let record = extra.failureRecord;
    if (record === undefined) {
      record = extra.failureRecord = { failure, debug: extra.debug };
      unhandledRegistry.register(d, record);
    } else {
      record.failure = failure;
      record.debug = extra.debug;
    }
    track(record);
  } catch {
    // Out of stack: the failure goes untracked (not reported as unhandled) rather than hang.
  }
}
