/**
 * The shape of a log event, and the one place events are built so every producer agrees on it.
 * @module
 */

import { Failure, asFailure } from "../core/failure";

/** How serious an event is, least to most. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "critical";

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
const RESERVED = new Set(["time", "level", "message", "isError", "failure", "why"]);

/** What a producer knows about an event before `fields` are merged in. */
export type EventParts = {
  level: LogLevel;
  message: string;
  namespace?: string;
  failure?: Failure;
  why?: string;
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
    message: parts.message,
    isError: parts.failure !== undefined || isAtLeast(parts.level, "error"),
  };
  if (parts.namespace !== undefined) event.namespace = parts.namespace;
  if (parts.failure !== undefined) event.failure = parts.failure;
  if (parts.why !== undefined) event.why = parts.why;
  if (typeof fields === "object" && fields !== null) copyFields(event, fields);
  return event;
}

function copyFields(event: LogEvent, fields: object): void {
  try {
    for (const key of Object.keys(fields)) {
      if (RESERVED.has(key)) continue;
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
}

/** `value` as a Failure: a Failure itself (same object), anything else wrapped. */
export function toFailure(value: unknown): Failure {
  return asFailure(value); // never throws, even for a Proxy whose traps throw
}
