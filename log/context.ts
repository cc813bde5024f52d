/**
 * The log context: what `msg()`/`err()` events made now take as their `log_system`, as Twisted's
 * `ILogContext` "system" set by `log.callWithLogger`. A transport enters its own context while it
 * runs a protocol callback, so a line logged in `dataReceived` reads `[Echo,0,127.0.0.1] …`, as
 * in Twisted; outside any, the system is `-`.
 *
 * Design: entering and leaving are two assignments (they sit on the path of every read); the
 * prefix of an owner is asked for only when an event is made.
 * @module
 */

/** Something that names the log lines made while it runs (Twisted's `ILoggingContext`). */
export interface ILoggingContext {
  /** The prefix (the `log_system`) of the lines logged while this runs, e.g. `Echo,0,127.0.0.1`. */
  logPrefix(): string;
}

/** A context: a fixed prefix, an owner asked for its prefix when an event is made, or none. */
export type LogContext = string | ILoggingContext | null;

let current: LogContext = null;

/** @internal Makes `context` current; returns the one to give back to {@link _leaveLogContext}. */
export function _enterLogContext(context: LogContext): LogContext {
  const previous = current;
  current = context;
  return previous;
}

/** @internal Restores the context {@link _enterLogContext} returned. */
export function _leaveLogContext(previous: LogContext): void {
  current = previous;
}

/**
 * The `log_system` of a legacy event made now: the current context's prefix, or undefined
 * outside any. An owner whose `logPrefix()` throws is `(buggy logPrefix method)`, as Twisted's.
 */
export function currentSystem(): string | undefined {
  const c = current;
  if (c === null) return undefined;
  if (typeof c === "string") return c;
  try {
    return String(c.logPrefix());
  } catch {
    return "(buggy logPrefix method)";
  }
}
