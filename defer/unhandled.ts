/**
 * Unhandled-error tracking: a Deferred whose chain ends on a Failure that nobody handles is
 * reported with `log.err` ("Unhandled error in Deferred:"), as Twisted reports it.
 *
 * Design. A Deferred whose walk ends on a Failure keeps a {@link FailureRecord}, registered with
 * a FinalizationRegistry (reported when the Deferred is garbage-collected, as Twisted's
 * `__del__`) and, while it holds a Failure, in the set of live records. Garbage collection may
 * come late or never in a short program, so what is still unhandled is also reported when a
 * reactor stops (its "shutdown" event has run) and when the process exits.
 *
 * Invariants:
 * - A record never references its Deferred (the registry would keep it alive): only the Failure,
 *   whose stack has been formatted, and the debug stacks as text.
 * - Each Failure is reported at most once, whichever of the three comes first; a Failure
 *   observed by `await`/`then(_, onRejected)`/`asPromise` is never reported.
 * - A record out of the live set has no Failure; one in it may have none for a while (a Deferred
 *   that handed its Failure on empties its record at once and leaves the set at the end of its
 *   walk, or when collected): such a record reports nothing.
 * @module
 */
import { err } from "../log";
import type { Failure } from "../core/failure";
import { formatDebugStacks, type DebugStacks } from "./debug-stacks";

/** What is kept of a Deferred whose chain ended on a Failure (see the module comment). */
export interface FailureRecord {
  failure: Failure | undefined;
  debug: DebugStacks | undefined;
}

/** Failures observed by `await`/`asPromise`/`then(_, onRejected)`: not reported as unhandled. */
const observedFailures = new WeakSet<Failure>();
/** Failures already reported: never twice. */
const reportedFailures = new WeakSet<Failure>();
/** The records that hold a Failure now. */
const live = new Set<FailureRecord>();

/** Reports, when a Deferred is garbage-collected, the Failure its chain ended on. */
export const unhandledRegistry = new FinalizationRegistry<FailureRecord>(report);

function report(record: FailureRecord): void {
  const failure = record.failure;
  untrack(record);
  if (failure === undefined || observedFailures.has(failure) || reportedFailures.has(failure)) return;
  reportedFailures.add(failure);
  let why = "Unhandled error in Deferred:";
  const stacks = record.debug;
  if (stacks !== undefined) why += `\n${formatDebugStacks(stacks)}`;
  err(failure, why);
}

/** `record` holds a Failure now (set in `record.failure`). */
export function track(record: FailureRecord): void {
  live.add(record);
}

/** `record`'s Failure was handed on or handled: nothing to report for it. */
export function untrack(record: FailureRecord): void {
  record.failure = undefined;
  live.delete(record);
}

/** Marks a Failure as handled by an observer (not reported as unhandled). */
export function markObserved(f: Failure): void {
  observedFailures.add(f);
}

/**
 * Reports every Failure that a live Deferred's chain ends on now and nobody has handled, each
 * once. Called when a reactor has stopped and when the process exits.
 * @returns how many were reported.
 * @internal
 */
export function reportUnhandledFailures(): number {
  let count = 0;
  for (const record of [...live]) {
    const failure = record.failure;
    if (failure !== undefined && !observedFailures.has(failure) && !reportedFailures.has(failure)) count++;
    report(record);
  }
  return count;
}

process.on("exit", () => {
  reportUnhandledFailures();
});
