/**
 * The shape of a log event, and the one place events are built so every producer agrees on it.
 * @module
 */

import { currentSystem } from "./context";
import { Failure, asFailure } from "../core/failure";
import { flattenEvent } from "./flatten";
import { formatEvent } from "./format-event";
import type { LogLevel } from "./levels";

export type { LogLevel } from "./levels";

/** One logged occurrence, as delivered to every {@link Observer}. Extra keys come from `fields`. */
export type LogEvent = {
  /** Wall-clock seconds (`Date.now() / 1000`). */
  time: number;
  /** How serious it is: `debug`, `info`, `warn`, `error` or `critical`. */
  level: LogLevel;
  /** Already formatted, human readable. */
  message: string;
  /** Who logged it, e.g. a Scheduler's name. */
  namespace?: string;
  /** True when `failure` is set or `level` is `error` or `critical`. */
  isError: boolean;
  /** The error being reported; set by `err()` and `Logger.failure()`. */
  failure?: Failure;
  /** The `why` given to `err()`. */
  why?: string;
  /**
   * The PEP 3101 format `message` was made from. Twisted's keys are set on every event the
   * runtime publishes: `log_format` (the PEP 3101 format
   * `message` was made from), `log_level` (same as `level`), `log_namespace`, `log_time` (same as
   * `time`), `log_failure` (same as `failure`), and from a Logger `log_source` and `log_logger`;
   * `msg()`/`err()` events also carry `log_text` and `log_system`. Hand-made events may lack them.
   */
  log_format?: string;
  /** Twisted's level key: the same as `level`. */
  log_level?: LogLevel;
  /** Twisted's namespace key: `namespace`, or `"log_legacy"` for `msg`/`err` without one. */
  log_namespace?: string;
  /** Twisted's time key: the same as `time`. */
  log_time?: number;
  /** Twisted's failure key: the same as `failure`. */
  log_failure?: Failure;
  /** The object that logged (a Logger's source; `null` when it has none). */
  log_source?: unknown;
  [key: string]: unknown;
};

/** Receives every published event, synchronously. Throwing is allowed: the publisher contains it. */
export type Observer = (event: LogEvent) => void;

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, critical: 4 };

/** Whether `level` is `min` or more serious. */
export function isAtLeast(level: LogLevel, min: LogLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[min];
}

// The keys that state what the call means; `fields` may add to an event but not contradict these.
const RESERVED = new Set(["time", "level", "message", "isError", "failure", "why", "log_failure"]);

/** What a producer knows about an event before `fields` are merged in. */
export type EventParts = {
  level: LogLevel;
  /** The text; when omitted, `format` formatted with the finished event (a Logger's case). */
  message?: string;
  /** The PEP 3101 `log_format`; when omitted, `"{log_text}"` with `log_text` the `text` (default: the message). */
  format?: string;
  text?: string;
  namespace?: string;
  failure?: Failure;
  why?: string;
  /** A Logger's `log_source` and `log_logger` (set only when `logger` is given). */
  source?: unknown;
  logger?: unknown;
  /**
   * Legacy `msg`/`err`: without a namespace, `log_namespace` "log_legacy" and `log_system` the
   * current log context's prefix (log/context.ts), "-" outside any, as Twisted's.
   */
  legacy?: boolean;
};

/**
 * Builds a {@link LogEvent}: the standard keys, then `fields` copied in. A string `namespace` in
 * `fields` replaces the producer's; the reserved keys (time, level, message, isError, failure, why)
 * are ignored there so that, e.g., `err()` can never be made to look like a non-error.
 * Never throws: a hostile `fields` object (throwing getters, a Proxy) only loses its extra keys.
 */
export function makeEvent(parts: EventParts, fields?: object): LogEvent {
  const event: LogEvent = {
    time: Date.now() / 1000,
    level: parts.level,
    message: parts.message ?? "",
    isError: parts.failure !== undefined || isAtLeast(parts.level, "error"),
  };
  if (parts.namespace !== undefined) event.namespace = parts.namespace;
  if (parts.failure !== undefined) event.failure = parts.failure;
  if (parts.why !== undefined) event.why = parts.why;
  const shadowed = typeof fields === "object" && fields !== null ? copyFields(event, fields) : undefined;
  addTwistedKeys(event, parts, shadowed);
  return event;
}

// Set after `fields`, as Twisted's Logger.emit sets them over its keyword arguments.
function addTwistedKeys(event: LogEvent, parts: EventParts, shadowed: Record<string, unknown> | undefined): void {
  if (parts.logger !== undefined) {
    event.log_logger = parts.logger;
    event.log_source = parts.source;
  }
  event.log_level = parts.level;
  if (event.namespace !== undefined) {
    event.log_namespace = event.namespace;
  } else if (parts.legacy === true) {
    event.log_namespace = "log_legacy";
    if (event.log_system === undefined) event.log_system = currentSystem() ?? "-";
  } else if (parts.logger !== undefined) {
    // A Logger's namespace, not a `log_namespace` field, names its events (as Twisted's emit).
    delete event.log_namespace;
  }
  if (parts.format !== undefined) {
    event.log_format = parts.format;
    if (shadowed !== undefined) flattenShadowed(event, shadowed);
  } else {
    event.log_text = parts.text ?? parts.message ?? "";
    event.log_format = "{log_text}";
  }
  event.log_time = event.time;
  if (parts.failure !== undefined) event.log_failure = parts.failure;
  if (parts.message === undefined) event.message = formatEvent(event);
}

/**
 * A field named as a reserved key (`{message}`, `{time}`: ordinary keys in a Twisted event) is not
 * copied, but the format must still show the field: its text is computed now, from the field, and
 * kept in `log_flattened`, which formatEvent prefers (as for an event read back from JSON).
 */
function flattenShadowed(event: LogEvent, shadowed: Record<string, unknown>): void {
  try {
    const view: Record<string, unknown> = { ...event, ...shadowed };
    flattenEvent(view);
    if (view.log_flattened !== undefined) event.log_flattened = view.log_flattened;
  } catch {
    // A format naming a missing field: formatEvent will say so.
  }
}

/** Copies `fields` into `event`; returns the fields it did not copy because their key is reserved. */
function copyFields(event: LogEvent, fields: object): Record<string, unknown> | undefined {
  let shadowed: Record<string, unknown> | undefined;
  try {
    for (const key of Object.keys(fields)) {
      if (RESERVED.has(key)) {
        if (key !== "log_failure") (shadowed ??= {})[key] = (fields as Record<string, unknown>)[key];
        continue;
      }
      const value: unknown = (fields as Record<string, unknown>)[key];
      if (key === "namespace") {
        if (typeof value === "string") event.namespace = value;
      } else {
        event[key] = value;
      }
    }
  } catch {
    // Logging must not throw into the caller; the keys copied so far are kept.
  }
  return shadowed;
}

/** `value` as a Failure: a Failure itself (same object), anything else wrapped. */
export function toFailure(value: unknown): Failure {
  return asFailure(value); // never throws, even for a Proxy whose traps throw
}
