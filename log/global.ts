/**
 * `LogBeginner` and `globalLogBeginner`: what happens to events before logging has begun, and
 * beginning it, as `twisted.logger._global`.
 * @module
 */

import { defaultObserver } from "./default-observer";
import type { LogEvent, Observer } from "./event";
import { eventAsText } from "./format-event";
import { formatValue } from "./format";
import { FilteringLogObserver } from "./filter";
import { LimitedHistoryLogObserver } from "./buffer";
import { LoggingFile } from "./io";
import { LogLevel } from "./levels";
import { Logger } from "./logger";
import { globalLogPublisher, LogPublisher } from "./log-publisher";
import { FileLogObserver, type LogFile } from "./observers";
import { isObserving, removeObserver } from "./publisher";

/** The warning logged when {@link LogBeginner.beginLoggingTo} is called a second time (Twisted's text). */
export const MORE_THAN_ONCE_WARNING =
  "Warning: primary log target selected twice at <{fileNow}:{lineNow}> - " +
  "previously selected at <{fileThen}:{lineThen}>.  Remove one of the calls to beginLoggingTo.";

/** An object with `stdout` and `stderr` properties (Python's `sys`), which `beginLoggingTo` may replace. */
export type StandardIO = {
  /** Standard output: replaced by a {@link LoggingFile} logging at `info`. */
  stdout: unknown;
  /** Standard error: replaced by a {@link LoggingFile} logging at `error`. */
  stderr: unknown;
};

/** Python's `warnings` module as `LogBeginner` uses it: its `showwarning` is replaced. */
export type WarningsModule = {
  /** Shows a warning (Python's `warnings.showwarning`); `file` given: written there, not logged. */
  showwarning(message: unknown, category: unknown, filename: string, lineno: number, file?: unknown, line?: unknown): void;
};

/**
 * Holds the events logged before logging has begun, and begins it, as Twisted's `LogBeginner`.
 * Until {@link beginLoggingTo} is called it keeps the last `initialBufferSize` events (200) and
 * writes critical ones to `errorStream`; `beginLoggingTo` adds the chosen observers, replays the
 * kept events to them, and from then on routes `warningsModule.showwarning` and (when asked)
 * `stdio.stdout`/`stdio.stderr` into the log.
 *
 * {@link globalLogBeginner} is the global publisher's: before logging begins, the start-up
 * {@link defaultObserver} prints warnings and errors to stderr (it plays the `errorStream` part)
 * and `beginLoggingTo` removes it, so an error is printed once, where the program chose.
 *
 * @example
 * ```ts
 * const publisher = new LogPublisher();
 * const beginner = new LogBeginner(publisher, process.stderr);
 * new Logger("app", null, publisher).info("kept until logging begins");
 * beginner.beginLoggingTo([textFileLogObserver(process.stdout)]);   // prints it now
 * ```
 */
export class LogBeginner {
  /** How many events are kept before logging begins, unless the constructor says otherwise. */
  static readonly _DEFAULT_BUFFER_SIZE = 200;

  readonly #publisher: LogPublisher;
  readonly #log: Logger;
  readonly #stdio: StandardIO | null;
  readonly #warningsModule: WarningsModule | null;
  readonly #oldShowwarning: unknown;
  readonly #initialBuffer: LimitedHistoryLogObserver;
  #temporaryObserver: Observer | null;
  #previousBegin: [string, number] = ["", 0];

  /**
   * @param publisher the publisher logging begins on (default {@link globalLogPublisher}).
   * @param errorStream where critical events are written, as text lines, until logging begins
   *   (default: nowhere).
   * @param stdio an object whose `stdout` and `stderr` are replaced by {@link LoggingFile}s when
   *   logging begins with `redirectStandardIO` (default: none; `process.stdout` is never replaced).
   * @param warningsModule an object whose `showwarning` is replaced by {@link showwarning} when
   *   logging begins (default: none).
   * @param initialBufferSize how many events to keep until then (default 200); Python's keyword
   *   as `{ initialBufferSize }` works too.
   */
  constructor(
    publisher: LogPublisher = globalLogPublisher,
    errorStream: LogFile | null = null,
    stdio: StandardIO | null = null,
    warningsModule: WarningsModule | null = null,
    initialBufferSize: number | null | { initialBufferSize?: number | null } = null,
  ) {
    if (typeof initialBufferSize === "object" && initialBufferSize !== null) initialBufferSize = initialBufferSize.initialBufferSize ?? null;
    if (typeof publisher !== "function") throw new TypeError(`LogBeginner: publisher must be a LogPublisher, not ${formatValue(publisher)}`);
    this.#publisher = publisher;
    this.#log = new Logger("log", null, publisher);
    this.#stdio = stdio;
    this.#warningsModule = warningsModule;
    this.#oldShowwarning = warningsModule === null ? undefined : (warningsModule as { showwarning?: unknown }).showwarning;
    this.#initialBuffer = new LimitedHistoryLogObserver(initialBufferSize ?? LogBeginner._DEFAULT_BUFFER_SIZE);
    let temporary: Observer = this.#initialBuffer;
    if (errorStream !== null && errorStream !== undefined) {
      const toStream = new FileLogObserver(errorStream, (event) => `${eventAsText(event, { includeTimestamp: false, includeSystem: false })}\n`);
      // Twisted filters with LogLevelFilterPredicate(critical), which also drops events without a
      // namespace; here the level alone decides, as a Logger may have no namespace.
      const critical = new FilteringLogObserver(toStream, [(event: LogEvent) => (event.log_level === LogLevel.critical ? "maybe" : "no")]);
      temporary = new LogPublisher(this.#initialBuffer, critical);
    }
    this.#temporaryObserver = temporary;
    publisher.addObserver(temporary);
  }

  /**
   * Begins logging to `observers`: adds them to the publisher; the first time, replays the kept
   * events to them (unless `discardBuffer`), stops writing critical events to the error stream and
   * routes warnings into the log; a second time, logs {@link MORE_THAN_ONCE_WARNING} instead. With
   * `redirectStandardIO` and a `stdio` object, its `stdout` and `stderr` become
   * {@link LoggingFile}s logging at `info` and `error` (namespaces `stdout` and `stderr`). For the
   * global beginner it also removes {@link defaultObserver}.
   *
   * Unlike Twisted, the kept events are replayed to the new observers only (Twisted replays them to
   * the whole publisher), so an observer added earlier does not see them twice. Python's keywords
   * may be given as an options object: `beginLoggingTo([o], { redirectStandardIO: false })`.
   * @throws {TypeError} when an observer is not a function.
   */
  readonly beginLoggingTo = (
    observers: Iterable<Observer>,
    discardBuffer: boolean | { discardBuffer?: boolean; redirectStandardIO?: boolean } = false,
    redirectStandardIO = true,
  ): void => {
    const [fileNow, lineNow] = callerOf();
    if (typeof discardBuffer === "object" && discardBuffer !== null) {
      redirectStandardIO = discardBuffer.redirectStandardIO ?? true;
      discardBuffer = discardBuffer.discardBuffer ?? false;
    }
    const list = [...observers];
    for (const o of list) {
      if (typeof o !== "function") throw new TypeError(`beginLoggingTo: observer is not callable: ${formatValue(o)}`);
    }
    if (this.#publisher === globalLogPublisher && isObserving(defaultObserver)) removeObserver(defaultObserver);
    for (const o of list) this.#publisher.addObserver(o);
    if (this.#temporaryObserver !== null) {
      this.#publisher.removeObserver(this.#temporaryObserver);
      this.#temporaryObserver = null;
      if (!discardBuffer && list.length > 0) this.#initialBuffer.replayTo(new LogPublisher(...list));
      if (this.#warningsModule !== null) this.#warningsModule.showwarning = this.showwarning;
    } else {
      const [fileThen, lineThen] = this.#previousBegin;
      this.#log.warn(MORE_THAN_ONCE_WARNING, { fileNow, lineNow, fileThen, lineThen });
    }
    this.#previousBegin = [fileNow, lineNow];
    if (redirectStandardIO && this.#stdio !== null) {
      for (const [stream, level] of [["stdout", LogLevel.info], ["stderr", LogLevel.error]] as const) {
        const old = this.#stdio[stream] as { encoding?: unknown } | null | undefined;
        const encoding = typeof old?.encoding === "string" ? old.encoding : null;
        this.#stdio[stream] = new LoggingFile(new Logger(stream, null, this.#publisher), level, encoding);
      }
    }
  };

  /**
   * What `warningsModule.showwarning` becomes once logging has begun: without `file`, logs a
   * `warn` event `"{filename}:{lineno}: {category}: {warning}"`; with one, calls the original.
   */
  readonly showwarning = (message: unknown, category: unknown, filename: string, lineno: number, file?: unknown, line?: unknown): void => {
    if (file === undefined || file === null) {
      this.#log.warn("{filename}:{lineno}: {category}: {warning}", { warning: message, category: categoryName(category), filename, lineno });
    } else {
      const old = this.#oldShowwarning;
      if (typeof old === "function") old.call(this.#warningsModule, message, category, filename, lineno, file, line);
    }
  };
}

/** A warning category as Twisted's `qual(category)` names it: the class name. */
function categoryName(category: unknown): string {
  if (typeof category === "function" && typeof category.name === "string" && category.name !== "") return category.name;
  return formatValue(category);
}

/** The file and line of the code that called `beginLoggingTo`, from the stack. */
function callerOf(): [string, number] {
  const lines = (new Error().stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  // [0] is callerOf, [1] beginLoggingTo, [2] its caller.
  const frame = lines[2] ?? "";
  const m = /\(?([^\s()]+):(\d+):\d+\)?$/.exec(frame);
  return m === null ? ["", 0] : [m[1], Number(m[2])];
}

/**
 * The {@link LogBeginner} of the global publisher, as Twisted's `globalLogBeginner`. It keeps the
 * last 200 events until logging begins and replays them to the observers given to
 * `beginLoggingTo`; standard output is not redirected (`process.stdout` stays as it is).
 */
export const globalLogBeginner = new LogBeginner(globalLogPublisher);
