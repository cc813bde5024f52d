/**
 * Errors logged during a test, as trial's `flushLoggedErrors`: while capturing (the mocha
 * plugin does it), every error event carrying a Failure (`err()`, `Logger.failure()`, an unhandled
 * error in a Deferred) is kept; a test that expects some takes them, the rest fail the test. As
 * trial's, an `error` or `critical` event without a Failure (`log.error("...")`) is not a logged
 * error.
 * @module
 */
import type { ErrorType } from "../core/failure";
import { addObserver, defaultObserver, removeObserver, type LogEvent } from "../log";

interface CaptureState {
  captured: LogEvent[];
  depth: number;
  observer: (event: LogEvent) => void;
}

// One state per process, whichever copy of this module (source or built) is loaded.
const KEY = Symbol.for("twisted-ts.testing.loggedErrors");

function state(): CaptureState {
  const g = globalThis as Record<symbol, CaptureState | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    const captured: LogEvent[] = [];
    s = {
      captured,
      depth: 0,
      observer: (event: LogEvent) => {
        // As trial's observer: `isError` and a failure (a Logger's error() alone is a message).
        if (event.isError && event.failure !== undefined) captured.push(event);
      },
    };
    g[KEY] = s;
  }
  return s;
}

/**
 * Takes (and returns) the error events logged so far in this test, only those whose failure
 * matches one of `types` when any are given; the others stay (and fail the test unless flushed).
 * Returns nothing unless errors are being captured (the mocha plugin, or `_startCapturingErrors`).
 * @example
 * ```ts
 * reactor.callLater(0, () => { throw new RangeError("boom"); });
 * // … once it ran:
 * expect(flushLoggedErrors(RangeError)).to.have.length(1);
 * ```
 */
export function flushLoggedErrors(...types: ErrorType[]): LogEvent[] {
  const captured = state().captured;
  const taken: LogEvent[] = [];
  for (let i = 0; i < captured.length; ) {
    const e = captured[i];
    const matches = types.length === 0 || (e.failure !== undefined && e.failure.check(...types) !== null);
    if (matches) {
      taken.push(e);
      captured.splice(i, 1);
    } else {
      i++;
    }
  }
  return taken;
}

/** The error events captured and not flushed yet, left in place. */
export function loggedErrors(): readonly LogEvent[] {
  return state().captured;
}

/**
 * Starts capturing error events instead of printing them (nested calls count). @internal
 */
export function _startCapturingErrors(): void {
  const s = state();
  if (s.depth++ === 0) {
    removeObserver(defaultObserver);
    addObserver(s.observer);
  }
}

/** Undoes one `_startCapturingErrors`. @internal */
export function _stopCapturingErrors(): void {
  const s = state();
  if (s.depth === 0) return;
  if (--s.depth === 0) {
    removeObserver(s.observer);
    addObserver(defaultObserver);
  }
}
