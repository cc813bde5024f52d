/**
 * `twisted.python.log`'s `startLogging`: classic log lines to a file, starting with "Log opened.".
 * @module
 */

import type { LogEvent, Observer } from "./event";
import { textOf } from "../core/validate";
import { eventAsText, formatTime } from "./format-event";
import { msg } from "./functions";
import { globalLogBeginner } from "./global";
import { FileLogObserver, type LogFile } from "./observers";

/** The time format of `twisted.python.log`'s FileLogObserver: `2026-12-06 11:20:26+0000`. */
const LEGACY_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%z";

/**
 * An event as a line of `twisted.python.log`'s FileLogObserver: `<time> [<system>] <text>`, the
 * system being `log_system` (`-` when unset), further lines indented by a tab; `null` for an event
 * with no text.
 */
export function formatLegacyEvent(event: LogEvent): string | null {
  const text = eventAsText(event, { includeTimestamp: false, includeSystem: false });
  if (!text) return null;
  let system = "-";
  try {
    if (event.log_system !== undefined && event.log_system !== null) system = textOf(event.log_system);
  } catch {
    system = "UNFORMATTABLE";
  }
  const time = formatTime(typeof event.log_time === "number" ? event.log_time : event.time, LEGACY_TIME_FORMAT);
  return `${time} [${system}] ${text.replace(/\n/g, "\n\t")}\n`;
}

/**
 * Starts logging to `file` in `twisted.python.log`'s format, as Twisted's `startLogging`: every
 * event becomes a line `2026-12-06 11:20:26+0000 [-] text`, the start-up observer (stderr) is
 * removed so errors print once, and `Log opened.` is logged. The reactor logs
 * `Main loop terminated.` when it stops. Standard output is not redirected into the log
 * (`setStdout` is accepted and ignored).
 *
 * @param file where the lines go, e.g. `process.stdout`.
 * @param setStdout accepted and ignored (or `{ setStdout }`, Python's keyword).
 * @returns the observer added (Twisted returns nothing), so it can be removed.
 * @example
 * ```ts
 * startLogging(process.stdout);
 * msg("hello", "world");   // 2026-12-06 11:20:26+0000 [-] hello world
 * ```
 */
export function startLogging(file: LogFile, setStdout: boolean | { setStdout?: boolean } = true): Observer {
  const observer = new FileLogObserver(file, formatLegacyEvent);
  startLoggingWithObserver(observer, setStdout);
  return observer;
}

/**
 * Logs to `observer` from now on (the start-up stderr observer is removed), then logs
 * `Log opened.`, as Twisted's `startLoggingWithObserver`.
 */
export function startLoggingWithObserver(observer: Observer, setStdout: boolean | { setStdout?: boolean } = true): void {
  if (typeof setStdout === "object" && setStdout !== null) setStdout = setStdout.setStdout ?? true;
  // As Twisted's: the events kept until now are not replayed into the file.
  globalLogBeginner.beginLoggingTo([observer], true, setStdout);
  msg("Log opened.");
}
