/**
 * `LogLevel`: the levels of `twisted.logger`, as names that order.
 * @module
 */

import { NamedError } from "../core/named-error";

/** How serious an event is, least to most: `debug`, `info`, `warn`, `error`, `critical`. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "critical";

const NAMES: readonly LogLevel[] = Object.freeze(["debug", "info", "warn", "error", "critical"] as const);
const RANK: Readonly<Record<string, number>> = { debug: 0, info: 1, warn: 2, error: 3, critical: 4 };

/**
 * Thrown for a value that is not a log level, as Twisted's `InvalidLogLevelError`
 * (by `LogLevel.levelWithName`, `LogLevelFilterPredicate.setLogLevelForNamespace` and
 * `Logger.emit`).
 */
export class InvalidLogLevelError extends NamedError {
  /** The value that was given as a level. */
  readonly level: unknown;

  /** @param level the value that is not a level. */
  constructor(level: unknown) {
    super(`Invalid log level: ${String(level)}`);
    this.level = level;
  }
}

/**
 * Twisted's `LogLevel` constants. A level is its name (`LogLevel.info === "info"`, so Twisted's
 * `level.name` is the level itself), and the same string is an event's `level` and `log_level`.
 * Python compares levels with `<`; here use `LogLevel.compare` or `LogLevel.atLeast`.
 *
 * @example
 * ```ts
 * LogLevel.lookupByName("warn");                  // "warn"
 * LogLevel.compare(LogLevel.info, LogLevel.warn); // negative: info is below warn
 * LogLevel.iterconstants();                       // ["debug", "info", "warn", "error", "critical"]
 * ```
 */
export const LogLevel = Object.freeze({
  /** Information of use to a developer of the software, not generally of interest to others. */
  debug: "debug",
  /** Informational messages that do not indicate a problem. */
  info: "info",
  /** A problem that can be worked around, or that may become an error. */
  warn: "warn",
  /** An error that the system could not handle but survives. */
  error: "error",
  /** A critical error, from which the system cannot recover. */
  critical: "critical",

  /**
   * The level named `name`.
   * @throws {RangeError} when `name` is not one of the five names (Python raises `ValueError`).
   */
  lookupByName(name: string): LogLevel {
    if (typeof name === "string" && Object.hasOwn(RANK, name)) return name as LogLevel;
    throw new RangeError(`LogLevel.lookupByName: name must be one of ${NAMES.join(", ")}, not ${String(name)}`);
  },

  /**
   * The level named `name`, as Twisted's `LogLevel.levelWithName`.
   * @throws {InvalidLogLevelError} when there is no such level.
   */
  levelWithName(name: string): LogLevel {
    if (typeof name === "string" && Object.hasOwn(RANK, name)) return name as LogLevel;
    throw new InvalidLogLevelError(name);
  },

  /** The five levels, least serious first. */
  iterconstants(): LogLevel[] {
    return [...NAMES];
  },

  /** Whether `value` is one of the five levels. */
  isLevel(value: unknown): value is LogLevel {
    return typeof value === "string" && Object.hasOwn(RANK, value);
  },

  /**
   * Negative when `a` is less serious than `b`, zero when equal, positive when more serious
   * (Python's `a < b` is `LogLevel.compare(a, b) < 0`); usable with `Array.prototype.sort`.
   * @throws {InvalidLogLevelError} when either is not a level.
   */
  compare(a: LogLevel, b: LogLevel): number {
    return rankOf(a) - rankOf(b);
  },

  /**
   * Whether `level` is `min` or more serious (Python's `level >= min`).
   * @throws {InvalidLogLevelError} when either is not a level.
   */
  atLeast(level: LogLevel, min: LogLevel): boolean {
    return rankOf(level) >= rankOf(min);
  },
} as const);

function rankOf(level: unknown): number {
  if (typeof level === "string" && Object.hasOwn(RANK, level)) return RANK[level];
  throw new InvalidLogLevelError(level);
}
