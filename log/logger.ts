/**
 * `Logger`: leveled logging on behalf of one namespace, as `twisted.logger.Logger`.
 * @module
 */

import { bindMethods } from "../core/bind";
import { inspect } from "node:util";
import { Failure } from "../core/failure";
import { makeEvent, toFailure, type LogEvent, type Observer } from "./event";
import { formatValue } from "./format";
import { isOptionsObject } from "./options";
import { InvalidLogLevelError, LogLevel } from "./levels";
import { globalLogPublisher } from "./log-publisher";
import { publish, traceOf } from "./publisher";

/** Python's keyword arguments of the {@link Logger} constructor, as an options object. */
export type LoggerOptions = {
  /** Tags every event; see the constructor. */
  namespace?: string | null;
  /** The object logging (`log_source`). */
  source?: unknown;
  /** Where events go (default: the global publisher). */
  observer?: Observer | null;
};

/**
 * Publishes events at a chosen level, tagged with this logger's namespace, as Twisted's `Logger`.
 * The first argument is a PEP 3101 format string (`log_format`) whose `{fields}` are taken from
 * `fields`, which are also copied into the event: `log.info("value {value!r} doing {something}.",
 * { value: 7, something: "a task" })` gives the message `value 7 doing a task.` (a literal brace
 * is written `{{` or `}}`). A string `namespace` among the fields replaces the logger's for that
 * event; the standard keys cannot be overridden. `error` and `critical` events have `isError`
 * true. Every method is bound (it can be passed as a value) and never throws.
 *
 * In Python, `log = Logger()` as a class attribute takes its namespace from the class; here write
 * `static log = Logger.forClass(this)` (see {@link Logger.forClass}).
 *
 * @example
 * ```ts
 * const log = new Logger("scheduler");
 * log.info("started {count} tasks", { count: 3 });
 * d.addErrback((f: Failure) => log.failure("tick {n} failed", f, { n: 7 }));
 * ```
 */
export class Logger {
  readonly #namespace: string | undefined;
  readonly #source: unknown;
  readonly #observer: Observer | undefined;

  /**
   * @param namespace tags every event (`namespace` and `log_namespace`); omitted from events when
   *   not given (or `null`). Python's keywords may be given as an options object instead:
   *   `new Logger({ namespace, source, observer })`, e.g. `new Logger({ observer: events.push })`.
   * @param source the object logging (`log_source` of each event; `null` when not given).
   * @param observer where events go; by default (or `null`) the global publisher.
   */
  constructor(namespace?: string | null | LoggerOptions, source?: unknown, observer?: Observer | null) {
    if (isOptionsObject(namespace)) {
      source = namespace.source;
      observer = namespace.observer;
      namespace = namespace.namespace;
    }
    this.#namespace = namespace ?? undefined;
    this.#source = source === undefined ? null : source;
    this.#observer = observer ?? undefined;
    bindMethods(this, ["emit", "debug", "info", "warn", "error", "critical", "failure"]);
  }

  /**
   * A Logger for a class or one of its instances, the counterpart of Python's `log = Logger()`
   * class attribute (whose `__get__` names it after the class): the namespace is the class's name
   * (or `namespace` when given), the source the class or the instance.
   *
   * @param owner a class (in a `static` field initialiser, `this` is the class) or an instance
   *   (in an instance field initialiser, `this` is the instance).
   * @param namespace overrides the class name, e.g. `"myapp.server.Echo"` (Python's `module.Class`).
   * @param observer where events go (default: the global publisher), as Twisted's descriptor keeps
   *   the class attribute's observer.
   * @returns a Logger, or an instance of the subclass it is called on (`MyLogger.forClass(this)`).
   * @throws {TypeError} when `owner` is neither an object nor a function.
   *
   * @example
   * ```ts
   * class Echo {
   *   static log = Logger.forClass(this);     // namespace "Echo", log_source Echo
   *   log = Logger.forClass(this);            // namespace "Echo", log_source this instance
   *   received(data: string) { this.log.info("got {data!r}", { data }); }
   * }
   * ```
   */
  static forClass(owner: object, namespace?: string, observer?: Observer): Logger {
    if ((typeof owner !== "object" && typeof owner !== "function") || owner === null) {
      throw new TypeError(`Logger.forClass: owner must be a class or an object, not ${formatValue(owner)}`);
    }
    const cls = typeof owner === "function" ? owner : (owner as { constructor?: unknown }).constructor;
    const name = typeof cls === "function" && cls.name ? cls.name : "-";
    // Called on a subclass (`TestLogger.forClass(this)`), it makes one of that subclass, as
    // Twisted's `__get__` makes a `self.__class__`.
    const called: unknown = this; // the class it was called on; undefined when detached
    const Class = typeof called === "function" && called.prototype instanceof Logger ? (called as typeof Logger) : Logger;
    return new Class(namespace ?? name, owner, observer);
  }

  /** The namespace given to the constructor. */
  get namespace(): string | undefined {
    return this.#namespace;
  }

  /** The object logging (`log_source`), `null` when none was given. */
  get source(): unknown {
    return this.#source;
  }

  /** The observer events go to: the one given to the constructor, else {@link globalLogPublisher}. */
  get observer(): Observer {
    return this.#observer ?? globalLogPublisher;
  }

  /**
   * Logs at `level` (a {@link LogLevel}), as Twisted's `Logger.emit`; the level methods and
   * {@link failure} go through it, so a subclass may override it. An invalid level is reported as
   * a critical event carrying an {@link InvalidLogLevelError} instead. A `log_failure` among the
   * fields is the event's failure (that is how {@link failure} passes it). An event with a
   * `log_trace` array gets `[this logger, its observer]` appended, as Twisted's tracing.
   * @param format a PEP 3101 format string for `log_format`; omitted, the event has no text.
   */
  emit(level: LogLevel, format?: string, fields?: object): void {
    if (!LogLevel.isLevel(level)) {
      const failure = new Failure(new InvalidLogLevelError(level));
      this.failure("Got invalid log level {invalidLevel!r} in {logger}.emit().", failure, {
        invalidLevel: level,
        logger: this,
      });
      return;
    }
    this.#emit(level, format, fields);
  }

  /** Logs at level `debug`; `format` may refer to `fields` (`"{name}"`). */
  debug(format?: string, fields?: object): void {
    this.emit("debug", format, fields);
  }

  /** Logs at level `info`; `format` may refer to `fields` (`"{name}"`). */
  info(format?: string, fields?: object): void {
    this.emit("info", format, fields);
  }

  /** Logs at level `warn`; `format` may refer to `fields` (`"{name}"`). */
  warn(format?: string, fields?: object): void {
    this.emit("warn", format, fields);
  }

  /** Logs at level `error` (`isError` true); `format` may refer to `fields` (`"{name}"`). */
  error(format?: string, fields?: object): void {
    this.emit("error", format, fields);
  }

  /** Logs at level `critical` (`isError` true); `format` may refer to `fields` (`"{name}"`). */
  critical(format?: string, fields?: object): void {
    this.emit("critical", format, fields);
  }

  /**
   * Logs at `level` (default `critical`) with `failure` attached (`failure` and `log_failure`; a
   * non-Failure value is wrapped), through {@link emit}. JavaScript has no "current exception"
   * for Python's bare `log.failure("...")` inside `except:`: pass the caught value,
   * `catch (e) { log.failure("...", e) }`. With no `failure` argument at all, `new Failure()` (a
   * placeholder `Error("Failure with no value")`) is attached; an explicit `undefined` is wrapped
   * as the value. Python's keyword `level=` may be written among the fields,
   * `log.failure("...", f, { level: LogLevel.error, n: 1 })`, when `level` is not given.
   */
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the contract writes `Failure | unknown`: a Failure is the usual argument
  failure(format: string, failure?: Failure | unknown, fields?: object, level: LogLevel = "critical"): void {
    // The argument count, not the value, tells "no failure given" from an explicit `undefined`.
    const f = arguments.length < 2 ? new Failure() : toFailure(failure);
    if (arguments.length < 4) [level, fields] = levelFromFields(fields, level);
    this.emit(LogLevel.isLevel(level) ? level : "critical", format, withFailure(fields, f));
  }

  /** `<Logger 'namespace'>`, as Python's repr. */
  toString(): string {
    return `<Logger ${this.#namespace === undefined ? "None" : `'${this.#namespace}'`}>`;
  }

  /** @internal util.inspect shows the Python-style repr. */
  [inspect.custom](): string {
    return this.toString();
  }

  #emit(level: LogLevel, format: unknown, fields: object | undefined): void {
    let event: LogEvent;
    try {
      const failure = failureField(fields);
      const parts = { level, namespace: this.#namespace, failure, source: this.#source, logger: this };
      if (typeof format === "string") {
        event = makeEvent({ ...parts, format }, fields);
      } else if (format === undefined || format === null) {
        event = makeEvent({ ...parts, message: "", format: undefined }, fields);
        delete event.log_format;
        delete event.log_text;
      } else {
        // Typed as a string, but JavaScript callers exist: the value is the text, not a format.
        event = makeEvent({ ...parts, message: formatValue(format) }, fields);
      }
    } catch {
      return; // Logging must never throw into the caller.
    }
    const observer = this.#observer;
    traceOf(event)?.push([this, observer ?? globalLogPublisher]);
    if (observer === undefined) {
      publish(event);
      return;
    }
    try {
      observer(event);
    } catch (error) {
      publish(
        makeEvent({
          level: "error",
          message: `Log observer ${formatValue(observer.name) || "(anonymous)"} of ${this.toString()} failed.`,
          namespace: "log",
          failure: toFailure(error),
        }),
      );
    }
  }
}

/** A `level` among `failure()`'s fields (Python's `level=` keyword): the level, and the other fields. */
function levelFromFields(fields: object | undefined, level: LogLevel): [LogLevel, object | undefined] {
  try {
    if (typeof fields !== "object" || fields === null || !("level" in fields)) return [level, fields];
    const { level: given, ...rest } = fields as { level?: unknown };
    return LogLevel.isLevel(given) ? [given, rest] : [level, fields];
  } catch {
    return [level, fields]; // a hostile object: the default level
  }
}

/** `fields` with `log_failure` set to `failure` (only that when `fields` cannot be copied). */
function withFailure(fields: object | undefined, failure: Failure): object {
  try {
    return { ...fields, log_failure: failure };
  } catch {
    return { log_failure: failure }; // a hostile object: its keys are lost, the failure is not
  }
}

/** The Failure of a `log_failure` field (a non-Failure value wrapped), `undefined` when there is none. */
function failureField(fields: object | undefined): Failure | undefined {
  if (typeof fields !== "object" || fields === null) return undefined;
  try {
    if (!("log_failure" in fields)) return undefined;
    return toFailure((fields as { log_failure?: unknown }).log_failure);
  } catch {
    return undefined;
  }
}
