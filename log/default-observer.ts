/**
 * The observer registered at start-up, so warnings and errors are seen even when nobody
 * configured logging.
 * @module
 */

import { isAtLeast, type LogEvent, type Observer } from "./event";
import { formatEvent as eventText } from "./format-event";

/**
 * Writes events of level `warn`, `error` and `critical` to `process.stderr` as one line,
 * `<ISO time> [<namespace or ->#<level>] <message>`, followed by the failure's traceback
 * (indented) when the event carries one. Quieter levels are ignored.
 * Registered when the `log` module loads; `removeObserver(defaultObserver)` silences it.
 * Never throws: a failing write is dropped.
 */
export const defaultObserver: Observer = (event: LogEvent): void => {
  try {
    if (!isAtLeast(event.level, "warn")) return;
    process.stderr.write(formatEvent(event));
  } catch {
    // stderr may be closed or replaced by something that throws; a log line is not worth a crash.
  }
};

function formatEvent(event: LogEvent): string {
  // The event's text (a bare err()'s is "Unhandled Error", as Twisted's: the traceback below
  // names the error, so it is not printed twice).
  const line = `${isoTime(event.time)} [${event.namespace ?? "-"}#${event.level}] ${eventText(event)}\n`;
  if (event.failure === undefined) return line;
  let traceback: string;
  try {
    traceback = event.failure.getTraceback();
  } catch {
    traceback = "(the traceback could not be formatted)";
  }
  return line + indent(traceback.replace(/\n+$/, ""), "    ") + "\n";
}

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  // An event published by hand may carry a nonsense time; show it rather than lose the line.
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}
