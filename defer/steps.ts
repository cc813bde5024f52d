/**
 * The steps of a Deferred's callback chain, as callback-chain.ts stores and runs them.
 *
 * The common step, `addCallback(f)` with no extra arguments, is stored as the bare function;
 * every other one (errbacks, extra arguments, addBoth, addCallbacks) as an {@link Entry}.
 * Chaining adds a {@link Continuation} (a Deferred waits on this one) or a {@link Chain}
 * (`chainDeferred`). The hot path (three callbacks, fired once) thus allocates the Deferred and
 * nothing per callback.
 * @internal
 * @module
 */
import type { Deferred } from "./deferred";

/** The arguments of a step that has none: one shared frozen array. */
export const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** A callback or errback as the walk calls it. */
export type Fn = (r: unknown, ...a: unknown[]) => unknown;

/** A step that is not a bare callback: a callback/errback pair and their arguments. */
export class Entry {
  constructor(
    readonly callback: Fn,
    readonly errback: Fn,
    readonly callbackArgs: readonly unknown[],
    readonly errbackArgs: readonly unknown[],
  ) {}
}

/** A step that hands the result to a Deferred waiting on this one (chaining). */
export class Continuation {
  constructor(readonly waiting: Deferred<unknown>) {}
}

/** A step of `chainDeferred`: fire `target` with the result; this chain goes on with `null`. */
export class Chain {
  constructor(readonly target: Deferred<unknown>) {}
}

/**
 * Pushed on the walk's explicit stack above a Deferred that handed its result on through a
 * Chain step: if the target pauses, the walk goes back to the Deferred below the mark (whose own
 * chain does not wait on the target), where after a Continuation it would stop.
 */
export const CHAIN_MARK = Object.freeze({});

/** The callback and errback that pass a result through unchanged; the walk skips them. */
export function passthru<T>(x: T): T {
  return x;
}
