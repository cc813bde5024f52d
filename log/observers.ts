/**
 * Observers that write events to files, as `twisted.logger`'s `FileLogObserver` and
 * `textFileLogObserver`.
 * @module
 */

import { writeSync } from "node:fs";
import type { LogEvent } from "./event";
import { formatEventAsClassicLogText, formatTime, timeFormatRFC3339 } from "./format-event";
import { isOptionsObject } from "./options";

/**
 * Where a {@link FileLogObserver} writes: a stream (`process.stdout`, an `fs.WriteStream`, anything
 * with `write(text)`; `flush()` is called after each event when it has one), or a file descriptor.
 */
export type LogFile =
  | {
      /** Writes text (a whole line or more). */
      write(text: string): unknown;
      /** Called after each event's text, when present. */
      flush?(): unknown;
    }
  | number;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface FileLogObserver {
  /** Formats `event` and writes the text, when there is any. */
  (event: LogEvent): void;
}

/**
 * An observer (it is a function of an event, so it can be given to `addObserver`) that writes each
 * event, formatted by `formatEvent`, to `outFile`. Events for which `formatEvent` gives no text
 * (`null`, `undefined` or `""`) are skipped. A write that throws propagates to the publisher, which
 * reports it (as Twisted's).
 *
 * @example
 * ```ts
 * globalLogPublisher.addObserver(new FileLogObserver(process.stdout, (e) => `${formatEvent(e)}\n`));
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FileLogObserver {
  /** Where the text goes (Twisted's `_outFile`). @internal */
  declare readonly _outFile: LogFile;
  /** Turns an event into the text written. */
  declare readonly formatEvent: (event: LogEvent) => string | null | undefined;

  /**
   * @param outFile where the text goes.
   * @param formatEvent turns an event into the text to write (a line ends with `"\n"`).
   * @throws {TypeError} when `formatEvent` is not a function or `outFile` has no `write`.
   */
  constructor(outFile: LogFile, formatEvent: (event: LogEvent) => string | null | undefined) {
    if (typeof formatEvent !== "function") throw new TypeError("FileLogObserver: formatEvent must be a function");
    const write = writerFor(outFile);
    // An instance is a function: build it, then give it this class's prototype.
    const observer = (event: LogEvent): void => {
      const text = formatEvent(event);
      if (text) write(text);
    };
    const self = Object.setPrototypeOf(observer, new.target.prototype) as FileLogObserver;
    Object.defineProperty(self, "_outFile", { value: outFile });
    Object.defineProperty(self, "formatEvent", { value: formatEvent, enumerable: true });
    return self;
  }
}

function writerFor(outFile: LogFile): (text: string) => void {
  if (typeof outFile === "number") {
    if (!Number.isInteger(outFile) || outFile < 0) throw new TypeError(`FileLogObserver: outFile must be a stream or a file descriptor, not ${outFile}`);
    return (text) => {
      writeSync(outFile, text);
    };
  }
  if (typeof outFile !== "object" || outFile === null || typeof outFile.write !== "function") {
    throw new TypeError("FileLogObserver: outFile must have a write(text) method or be a file descriptor");
  }
  return (text) => {
    outFile.write(text);
    if (typeof outFile.flush === "function") outFile.flush();
  };
}

/**
 * A {@link FileLogObserver} writing Twisted's classic lines,
 * `2026-12-06T11:20:34+0000 [namespace#level] text`, with further lines (a failure's traceback)
 * indented by a tab, as Twisted's `textFileLogObserver`.
 *
 * @param outFile where the lines go, e.g. `process.stdout`.
 * @param timeFormat a `strftime` format for the time (local time), `null` for `-` (or Python's
 *   keyword, `{ timeFormat }`).
 * @example
 * ```ts
 * globalLogBeginner.beginLoggingTo([textFileLogObserver(process.stdout)]);
 * new Logger("app").info("started {n} workers", { n: 4 });
 * // 2026-12-06T11:20:34+0000 [app#info] started 4 workers
 * ```
 */
export function textFileLogObserver(outFile: LogFile, timeFormat: string | null | { timeFormat?: string | null } = timeFormatRFC3339): FileLogObserver {
  if (isOptionsObject(timeFormat)) timeFormat = timeFormat.timeFormat === undefined ? timeFormatRFC3339 : timeFormat.timeFormat;
  return new FileLogObserver(outFile, (event) =>
    formatEventAsClassicLogText(event, (when) => formatTime(when, timeFormat)),
  );
}

/** An observer that drops every event (Twisted's `bitbucketLogObserver`). */
export const bitbucketLogObserver = (event: LogEvent): void => {
  void event;
};
