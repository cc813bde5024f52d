/**
 * Filtering observers, as `twisted.logger._filter`: `FilteringLogObserver` forwards the events its
 * predicates let through; `LogLevelFilterPredicate` lets through those at or above a minimum level
 * chosen per namespace.
 * @module
 */

import { bindMethods } from "../core/bind";
import type { LogEvent, Observer } from "./event";
import { InvalidLogLevelError, LogLevel } from "./levels";
import { bitbucketLogObserver } from "./observers";
import { traceOf } from "./publisher";
import { isOptionsObject } from "./options";

/**
 * What a filter predicate says of an event: `yes` (log it, ask no other predicate), `no` (drop it,
 * ask no other predicate), `maybe` (no opinion: ask the next one; logged when all say `maybe`).
 */
export type PredicateResult = "yes" | "no" | "maybe";

/** Twisted's `PredicateResult` constants; each is its name (`PredicateResult.yes === "yes"`). */
export const PredicateResult = Object.freeze({
  /** Log the event, without asking the following predicates. */
  yes: "yes",
  /** Do not log the event, without asking the following predicates. */
  no: "no",
  /** No opinion: the following predicates decide; when none is left, the event is logged. */
  maybe: "maybe",
} as const);

/** A filter predicate (Twisted's `ILogFilterPredicate`): a function of an event giving a {@link PredicateResult}. */
export type LogFilterPredicate = (event: LogEvent) => PredicateResult;

/**
 * Whether `event` passes `predicates`, as Twisted's `shouldLogEvent`: the first `yes` or `no`
 * decides; all `maybe` (or no predicates) means yes.
 * @throws {TypeError} when a predicate returns something else.
 */
export function shouldLogEvent(predicates: Iterable<LogFilterPredicate>, event: LogEvent): boolean {
  for (const predicate of predicates) {
    const result = predicate(event);
    if (result === "yes") return true;
    if (result === "no") return false;
    if (result === "maybe") continue;
    throw new TypeError(`Invalid predicate result: ${String(result)}`);
  }
  return true;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface FilteringLogObserver {
  /** Forwards `event` to the observer when the predicates let it through, else to the negative observer. */
  (event: LogEvent): void;
}

/**
 * An observer (a function of an event) that forwards to `observer` the events that `predicates`
 * let through, and the others to `negativeObserver`, as Twisted's `FilteringLogObserver`. An
 * event let through that has a `log_trace` array gets `[this filter, observer]` appended.
 *
 * @example
 * ```ts
 * const predicate = new LogLevelFilterPredicate(LogLevel.warn);
 * predicate.setLogLevelForNamespace("app.db", LogLevel.debug);
 * globalLogPublisher.addObserver(new FilteringLogObserver(textFileLogObserver(process.stdout), [predicate]));
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FilteringLogObserver {
  /**
   * @param observer receives the events that pass.
   * @param predicates asked in order; see {@link shouldLogEvent}.
   * @param negativeObserver receives the events that do not pass (by default, nobody; Python's
   *   keyword as `{ negativeObserver }` works too).
   * @throws {TypeError} when an observer is not a function.
   */
  constructor(
    observer: Observer,
    predicates: Iterable<LogFilterPredicate>,
    negativeObserver: Observer | { negativeObserver?: Observer } = bitbucketLogObserver,
  ) {
    if (isOptionsObject(negativeObserver)) negativeObserver = negativeObserver.negativeObserver ?? bitbucketLogObserver;
    if (typeof observer !== "function") throw new TypeError("FilteringLogObserver: observer must be a function");
    if (typeof negativeObserver !== "function") throw new TypeError("FilteringLogObserver: negativeObserver must be a function");
    const list = [...predicates];
    const filtering = (event: LogEvent): void => {
      if (shouldLogEvent(list, event)) {
        traceOf(event)?.push([self, observer]);
        observer(event);
      } else {
        negativeObserver(event);
      }
    };
    const self = Object.setPrototypeOf(filtering, new.target.prototype) as FilteringLogObserver;
    return self;
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LogLevelFilterPredicate {
  /** `no` for an event below its namespace's level, or with no `log_level` or `log_namespace`; else `maybe`. */
  (event: LogEvent): PredicateResult;
}

const LEVELS = new WeakMap<object, Map<string, LogLevel>>();

/**
 * A filter predicate (it is a function of an event) that drops events below the minimum level of
 * their namespace, as Twisted's `LogLevelFilterPredicate`. Namespaces inherit by dots: a level set
 * for `"app"` applies to `"app.db"` unless `"app.db"` has its own; `""` is the default. Events with
 * no `log_level` or no (or an empty) `log_namespace` are dropped, as in Twisted (give your Logger
 * a namespace).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LogLevelFilterPredicate {
  /** The level of namespaces that have none of their own, after {@link clearLogLevels}. */
  declare defaultLogLevel: LogLevel;

  /**
   * @param defaultLogLevel the minimum level where no namespace says otherwise (default `info`;
   *   Python's keyword as `{ defaultLogLevel }` works too).
   * @throws {InvalidLogLevelError} when it is not a level.
   */
  constructor(defaultLogLevel: LogLevel | { defaultLogLevel?: LogLevel } = LogLevel.info) {
    if (isOptionsObject(defaultLogLevel)) defaultLogLevel = defaultLogLevel.defaultLogLevel ?? LogLevel.info;
    if (!LogLevel.isLevel(defaultLogLevel)) throw new InvalidLogLevelError(defaultLogLevel);
    const predicate = (event: LogEvent): PredicateResult => {
      const eventLevel = event.log_level;
      if (eventLevel === undefined || eventLevel === null) return "no";
      const namespace = event.log_namespace;
      if (!namespace) return "no";
      if (!LogLevel.isLevel(eventLevel)) return "no";
      return LogLevel.compare(eventLevel, self.logLevelForNamespace(namespace)) < 0 ? "no" : "maybe";
    };
    const self = Object.setPrototypeOf(predicate, new.target.prototype) as LogLevelFilterPredicate;
    self.defaultLogLevel = defaultLogLevel;
    LEVELS.set(self, new Map([["", defaultLogLevel]]));
    bindMethods(self, ["logLevelForNamespace", "setLogLevelForNamespace", "clearLogLevels"]);
    return self;
  }

  /**
   * The minimum level for `namespace`: its own, else its nearest dotted parent's
   * (`"app"` for `"app.db.pool"`), else the default (`""`'s).
   */
  logLevelForNamespace(namespace: string): LogLevel {
    const levels = levelsOf(this);
    if (!namespace) return levels.get("") ?? this.defaultLogLevel;
    const own = levels.get(namespace);
    if (own !== undefined) return own;
    const segments = namespace.split(".");
    for (let index = segments.length - 1; index > 0; index--) {
      const level = levels.get(segments.slice(0, index).join("."));
      if (level !== undefined) return level;
    }
    return levels.get("") ?? this.defaultLogLevel;
  }

  /**
   * Sets the minimum level of `namespace` (and of its dotted children without their own); `""`
   * sets the default.
   * @throws {InvalidLogLevelError} when `level` is not a level.
   */
  setLogLevelForNamespace(namespace: string, level: LogLevel): void {
    if (!LogLevel.isLevel(level)) throw new InvalidLogLevelError(level);
    levelsOf(this).set(namespace ? namespace : "", level);
  }

  /** Forgets every namespace's level; all get {@link defaultLogLevel}. */
  clearLogLevels(): void {
    const levels = levelsOf(this);
    levels.clear();
    levels.set("", this.defaultLogLevel);
  }
}

function levelsOf(predicate: object): Map<string, LogLevel> {
  const levels = LEVELS.get(predicate);
  if (levels === undefined) throw new TypeError("not a LogLevelFilterPredicate");
  return levels;
}
