/**
 * Turning events into text as `twisted.logger._format` does: `formatEvent` (the `log_format`
 * with the event's fields), `eventAsText` and the classic log line
 * `"<time> [<namespace>#<level>] <text>"`.
 * @module
 */

import { flatFormat } from "./flatten";
import { FormatError, formatWithCall, repr } from "./format-string";

/** Any event-like object: a {@link LogEvent} or a hand-made Twisted-style event. */
type AnyEvent = { [key: string]: unknown };

/** Twisted's default time format for log files: RFC 3339 with a numeric zone, `2026-12-06T11:20:34+0000`. */
export const timeFormatRFC3339 = "%Y-%m-%dT%H:%M:%S%z";

/**
 * The event's text: its `log_format` (a PEP 3101 format string) formatted with the event's own
 * keys, as Twisted's `formatEvent`. An event with no `log_format` gives its `message` when it has a
 * string one (the twisted-ts field), else `""`. Never throws: a format that cannot be applied
 * gives `Unable to format event …: <why>` instead.
 *
 * @example
 * ```ts
 * formatEvent({ log_format: "value {value!r} doing {something}.", value: "x", something: "a task" });
 * // "value 'x' doing a task."
 * ```
 */
export function formatEvent(event: object): string {
  const e = event as AnyEvent;
  try {
    if ("log_flattened" in e) return flatFormat(e);
    let format = e.log_format;
    if (format === undefined || format === null) return typeof e.message === "string" ? e.message : "";
    if (format instanceof Uint8Array) format = new TextDecoder("utf-8", { fatal: true }).decode(format);
    if (typeof format !== "string") throw new FormatError(`Log format must be str, not ${repr(format)}`);
    return formatWithCall(format, e);
  } catch (error) {
    return formatUnformattableEvent(e, error);
  }
}

/**
 * Describes an event that could not be formatted, with the reason:
 * `Unable to format event <event>: <error>`. Never throws.
 */
export function formatUnformattableEvent(event: object, error: unknown): string {
  // `message` is left out: for an unformattable event it holds this very text already.
  let shown: object = event;
  try {
    if ("message" in event && "log_format" in event) {
      const { message, ...rest } = event as AnyEvent;
      void message;
      shown = rest;
    }
  } catch {
    shown = event;
  }
  return `Unable to format event ${repr(shown)}: ${errorText(error)}`;
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return repr(error);
  }
}

/**
 * `when` (wall-clock seconds, as `log_time`) as local time in `timeFormat`, a `strftime` format
 * (`%Y %m %d %H %M %S %f %z %y %j %a %A %b %B %I %p %%`); `default` when `when` or `timeFormat`
 * is `null`/`undefined`.
 *
 * @example
 * ```ts
 * formatTime(Date.now() / 1000);                      // "2026-12-06T11:20:34+0000"
 * formatTime(Date.now() / 1000, "%Y/%m/%d");          // "2026/12/06"
 * ```
 */
export function formatTime(
  when: number | null | undefined,
  timeFormat: string | null = timeFormatRFC3339,
  defaultText = "-",
): string {
  if (when === null || when === undefined || timeFormat === null || timeFormat === undefined) return defaultText;
  const date = new Date(when * 1000);
  if (Number.isNaN(date.getTime())) return defaultText;
  return strftime(date, timeFormat);
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function two(n: number): string {
  return String(n).padStart(2, "0");
}

function strftime(date: Date, format: string): string {
  return format.replace(/%(.)/g, (whole, code: string) => {
    switch (code) {
      case "Y":
        return String(date.getFullYear());
      case "y":
        return two(date.getFullYear() % 100);
      case "m":
        return two(date.getMonth() + 1);
      case "d":
        return two(date.getDate());
      case "H":
        return two(date.getHours());
      case "I":
        return two(date.getHours() % 12 || 12);
      case "p":
        return date.getHours() < 12 ? "AM" : "PM";
      case "M":
        return two(date.getMinutes());
      case "S":
        return two(date.getSeconds());
      case "f":
        return String(date.getMilliseconds() * 1000).padStart(6, "0");
      case "j": {
        const start = new Date(date.getFullYear(), 0, 1);
        return String(Math.floor((date.getTime() - start.getTime()) / 86_400_000) + 1).padStart(3, "0");
      }
      case "a":
        return DAYS[date.getDay()].slice(0, 3);
      case "A":
        return DAYS[date.getDay()];
      case "b":
        return MONTHS[date.getMonth()].slice(0, 3);
      case "B":
        return MONTHS[date.getMonth()];
      case "z": {
        const offset = -date.getTimezoneOffset();
        const abs = Math.abs(offset);
        return `${offset < 0 ? "-" : "+"}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
      }
      case "%":
        return "%";
      default:
        return whole;
    }
  });
}

/** Options of {@link eventAsText} (Twisted's keyword arguments). */
export type EventAsTextOptions = {
  /** Append the traceback of `log_failure` (default true). */
  includeTraceback?: boolean;
  /** Start with the formatted `log_time` and a space (default true). */
  includeTimestamp?: boolean;
  /** Add `[system] ` (default true): `log_system`, or `<log_namespace>#<log_level>`, each `-` when unset. */
  includeSystem?: boolean;
  /** Formats `log_time` (default {@link formatTime}). */
  formatTime?: (when: number | undefined) => string;
};

/**
 * The event as text, `"<time> [<system>] <text>\n<traceback>"`, each part optional, as Twisted's
 * `eventAsText`. An event with no text and no traceback gives `""`. Never throws.
 */
export function eventAsText(event: object, options: EventAsTextOptions = {}): string {
  const e = event as AnyEvent;
  const { includeTraceback = true, includeTimestamp = true, includeSystem = true } = options;
  const timeFormatter = options.formatTime ?? ((when: number | undefined) => formatTime(when));
  let text = formatEvent(e);
  if (includeTraceback && "log_failure" in e) text = `${text}\n${formatTraceback(e.log_failure)}`;
  if (!text) return text;
  let timeStamp = "";
  if (includeTimestamp) {
    try {
      timeStamp = `${timeFormatter(e.log_time as number | undefined)} `;
    } catch {
      timeStamp = "- ";
    }
  }
  const system = includeSystem ? `[${formatSystem(e)}] ` : "";
  return `${timeStamp}${system}${text}`;
}

/**
 * A line for a classic log file, as Twisted's `formatEventAsClassicLogText`:
 * `"<time> [<system>] <text>\n"`, further lines of the text (a traceback) indented by a tab; `null`
 * for an event with no text.
 *
 * @example
 * ```ts
 * formatEventAsClassicLogText({ log_format: "Hello!", log_namespace: "my_namespace", log_level: "info", log_time: t });
 * // "2013-10-22T17:30:02-0700 [my_namespace#info] Hello!\n"
 * ```
 */
export function formatEventAsClassicLogText(
  event: object,
  formatTimeFunction: (when: number | undefined) => string = (when) => formatTime(when),
): string | null {
  const text = eventAsText(event, { formatTime: formatTimeFunction });
  if (!text) return null;
  return text.replace(/\n/g, "\n\t") + "\n";
}

/** The failure's traceback, or why there is none; never throws. */
export function formatTraceback(failure: unknown): string {
  try {
    const getTraceback = (failure as { getTraceback?: unknown }).getTraceback;
    if (typeof getTraceback !== "function") throw new TypeError(`${repr(failure)} is not a Failure`);
    return String(getTraceback.call(failure));
  } catch (error) {
    return `(UNABLE TO OBTAIN TRACEBACK FROM EVENT):${errorText(error)}`;
  }
}

function formatSystem(event: AnyEvent): string {
  const system = event.log_system;
  if (system === undefined || system === null) {
    const level = event.log_level;
    const namespace = event.log_namespace;
    const levelName = level === undefined || level === null ? "-" : safeText(level);
    return `${namespace === undefined || namespace === null ? "-" : safeText(namespace)}#${levelName}`;
  }
  return safeText(system);
}

function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "UNFORMATTABLE";
  }
}
