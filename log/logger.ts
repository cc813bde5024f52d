/**
 * `Logger`: leveled logging on behalf of one namespace.
 * @module
 */

import { Failure } from "../core/failure";
import { makeEvent, toFailure, type LogLevel } from "./event";
import { formatValue } from "./format";
import { publish } from "./publisher";

/**
 * Publishes events at a chosen level, tagged with this logger's namespace. `error` and
 * `critical` events have `isError` true. `fields` are copied into the event; a string
 * `namespace` among them replaces the logger's for that event, the standard keys cannot be
 * overridden. No method ever throws.
 *
 * @example
 * ```ts
 * const log = new Logger("scheduler");
 * log.info("started", { tasks: 3 });
 * d.addErrback((f: Failure) => log.failure("tick failed", f));
 * ```
 */
export class Logger {
  readonly #namespace: string | undefined;

  /** @param namespace tags every event (e.g. the Scheduler's name); omitted from events when not given. */
  constructor(namespace?: string) {
    this.#namespace = namespace;
  }

  /** The namespace given to the constructor. */
  get namespace(): string | undefined {
    return this.#namespace;
  }

  /** Logs `message` at level `debug`. */
  debug(message: string, fields?: object): void {
    this.#emit("debug", message, fields);
  }

  /** Logs `message` at level `info`. */
  info(message: string, fields?: object): void {
    this.#emit("info", message, fields);
  }

  /** Logs `message` at level `warn`. */
  warn(message: string, fields?: object): void {
    this.#emit("warn", message, fields);
  }

  /** Logs `message` at level `error` (`isError` true). */
  error(message: string, fields?: object): void {
    this.#emit("error", message, fields);
  }

  /** Logs `message` at level `critical` (`isError` true). */
  critical(message: string, fields?: object): void {
    this.#emit("critical", message, fields);
  }

  /**
   * Logs `message` at level `critical` with `failure` attached (a non-Failure value is wrapped).
   * With no `failure` argument at all, `new Failure()` is attached; an explicit `undefined` is
   * wrapped as the value.
   */
  failure(message: string, failure?: Failure | unknown, fields?: object): void {
    // The argument count, not the value, tells "no failure given" from an explicit `undefined`.
    const f = arguments.length < 2 ? new Failure() : toFailure(failure);
    this.#emit("critical", message, fields, f);
  }

  #emit(level: LogLevel, message: string, fields: object | undefined, failure?: Failure): void {
    try {
      const text = formatValue(message); // typed as a string, but JavaScript callers exist
      publish(makeEvent({ level, message: text, namespace: this.#namespace, failure }, fields));
    } catch {
      // Logging must never throw into the caller.
    }
  }
}
