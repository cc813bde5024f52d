/**
 * The Twisted-style logging functions, `msg` and `err`.
 * @module
 */

import { Failure } from "../core/failure";
import { makeEvent, toFailure } from "./event";
import { formatValue } from "./format";
import { publish } from "./publisher";

/**
 * Logs an `info` event whose message is `parts` joined by a space, each formatted like `String()`
 * (plain objects via `util.inspect`). Never throws, whatever the parts.
 */
export function msg(...parts: unknown[]): void {
  try {
    publish(makeEvent({ level: "info", message: parts.map(formatValue).join(" "), legacy: true }));
  } catch {
    // Logging must never throw into the caller.
  }
}

/**
 * Logs an error: one `error` event with `isError` true, `failure` set and `why` (when given).
 * The message is `why`, or the failure's message when there is no `why`.
 *
 * @param failure what went wrong: a Failure is logged as is, any other value (`undefined`
 *   included) is wrapped in one. With no argument at all, `new Failure()` is logged.
 * @param why what was being done when it went wrong.
 * @param fields extra keys copied into the event, typically `{ namespace }`. They cannot
 *   override time, level, message, isError, failure or why (so an `err()` event is always an error).
 *
 * Never throws.
 *
 * @example
 * ```ts
 * d.addErrback((f: Failure) => err(f, "while fetching the page", { namespace: "crawler" }));
 * try { risky(); } catch (e) { err(e); }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the contract writes `Failure | unknown`: a Failure is the usual argument
export function err(failure?: Failure | unknown, why?: string, fields?: object): void {
  try {
    // JavaScript has no "current exception", so a bare err() logs a placeholder Failure; an
    // explicit `undefined` is a value like any other.
    const f = arguments.length === 0 ? new Failure() : toFailure(failure);
    const reason = why === undefined ? undefined : formatValue(why);
    // As Twisted's text of an error: the `why`, or "Unhandled Error", then the traceback.
    const text = reason ?? "Unhandled Error";
    publish(makeEvent({ level: "error", message: reason ?? errorMessage(f), text, failure: f, why: reason, legacy: true }, fields));
  } catch {
    // Logging must never throw into the caller.
  }
}

/** The failure's message; a value hostile enough to break that still gets logged. */
function errorMessage(f: Failure): string {
  try {
    return f.getErrorMessage();
  } catch {
    return formatValue(f.value);
  }
}
