/**
 * Turning events into text as `twisted.logger._format` does: `formatEvent` (the `log_format`
 * with the event's fields), `eventAsText` and the classic log line
 * `"<time> [<namespace>#<level>] <text>"`.
 * @module
 */

import { flatFormat } from "./flatten";
import { isOptionsObject } from "./options";
import { Failure } from "../core/failure";
import { FormatError, formatWithCall, repr, reprOrThrow, strOrThrow } from "./format-string";

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
 * Describes an event that could not be formatted, with the reason, as Twisted's
 * `formatUnformattableEvent`: `Unable to format event <repr of the event>: <error>`. When even
 * that fails (a value or the error cannot be shown), what can be shown is kept:
 * `MESSAGE LOST: unformattable object logged: <error>`, then `Recoverable data: 'key' = value, …`
 * and `Exception during formatting:` with the Failure. Never throws.
 */
export function formatUnformattableEvent(event: object, error: unknown): string {
  try {
    // `message` is left out: for an unformattable event it holds this very text already.
    let shown: object = event;
    if ("message" in event && "log_format" in event) {
      const { message, ...rest } = event as AnyEvent;
      void message;
      shown = rest;
    }
    return `Unable to format event ${reprOrThrow(shown)}: ${strOrThrow(error)}`;
  } catch (formattingError) {
    return messageLost(event, error, formattingError);
  }
}

function messageLost(event: object, error: unknown, formattingError: unknown): string {
  let text: string;
  try {
    text = Object.keys(event)
      .map((key) => `${repr(key)} = ${safeValueRepr(event, key)}`)
      .join(", ");
  } catch {
    text = "";
  }
  return (
    `MESSAGE LOST: unformattable object logged: ${errorRepr(error)}\n` +
    `Recoverable data: ${text}\n` +
    `Exception during formatting:\n${new Failure(formattingError).toString()}`
  );
}

/** An error as Python's repr shows an exception, `ZeroDivisionError('division by zero')`. */
function errorRepr(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}(${repr(String(error.message))})`;
  } catch {
    // A hostile Error subclass: shown as any other value.
  }
  return repr(error);
}

function safeValueRepr(event: object, key: string): string {
  try {
    return repr((event as AnyEvent)[key]);
  } catch {
    return "[unreadable]"; // a throwing getter
  }
}

/** Python's keyword arguments of {@link formatTime}, as a trailing options object. */
export type FormatTimeOptions = {
  /** A `strftime` format; `null` gives `default` (default: {@link timeFormatRFC3339}). */
  timeFormat?: string | null;
  /** What to give for no time or no format (default `"-"`). */
  default?: string;
};

/**
 * `when` (wall-clock seconds, as `log_time`) as local time in `timeFormat`, a `strftime` format
 * as Python's on Linux: `%Y %m %d %H %M %S %f` (microseconds) `%z` (`+0000`) `%Z` (`UTC+0000`)
 * `%a %A %b %B %c %x %X %j %U %W %V %G %u %w %p …`, the flags `-` (no padding), `_` (spaces) and
 * `^` (upper case), and `%%`; an unknown code is kept as it is. `defaultText` when `when` or
 * `timeFormat` is `null`/`undefined` (or `when` is not a valid time). Python's keywords may be
 * given as an options object instead: `formatTime(t, { timeFormat: null, default: "!" })`.
 *
 * @example
 * ```ts
 * formatTime(Date.now() / 1000);                      // "2026-12-06T11:20:34+0000"
 * formatTime(Date.now() / 1000, "%Y/%W");             // "2026/48" (year and week number)
 * formatTime(1000000.23456, "%f");                    // "234560"
 * ```
 */
export function formatTime(
  when: number | null | undefined,
  timeFormat: string | null | FormatTimeOptions = timeFormatRFC3339,
  defaultText = "-",
): string {
  if (isOptionsObject(timeFormat)) {
    defaultText = timeFormat.default ?? defaultText;
    timeFormat = timeFormat.timeFormat === undefined ? timeFormatRFC3339 : timeFormat.timeFormat;
  }
  if (when === null || when === undefined || timeFormat === null || timeFormat === undefined) return defaultText;
  if (typeof when !== "number" || !Number.isFinite(when)) return defaultText;
  // Whole seconds and microseconds, as Python's datetime.fromtimestamp rounds them.
  let whole = Math.floor(when);
  let micro = Math.round((when - whole) * 1e6);
  if (micro >= 1e6) {
    whole += 1;
    micro -= 1e6;
  }
  const date = new Date(whole * 1000);
  if (Number.isNaN(date.getTime())) return defaultText;
  return strftime(date, micro, String(timeFormat));
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAY_MS = 86_400_000;

/** The day of the year, 1 to 366. */
function dayOfYear(date: Date): number {
  const start = Date.UTC(date.getFullYear(), 0, 1);
  const today = Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return (today - start) / DAY_MS + 1;
}

/** ISO 8601 week-numbering year and week of `date` (local calendar day). */
function isoWeek(date: Date): [number, number] {
  const day = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = day.getUTCFullYear();
  const week = Math.floor((day.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return [year, week];
}

function zone(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const abs = Math.abs(offset);
  return `${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

// The value of each code: [text, width when it is a padded number (0 for text)].
function field(date: Date, micro: number, code: string): [string | number, number, string] | undefined {
  const hours = date.getHours();
  switch (code) {
    case "Y":
      return [date.getFullYear(), 1, "0"];
    case "C":
      return [Math.floor(date.getFullYear() / 100), 2, "0"];
    case "y":
      return [date.getFullYear() % 100, 2, "0"];
    case "G":
      return [isoWeek(date)[0], 1, "0"];
    case "g":
      return [isoWeek(date)[0] % 100, 2, "0"];
    case "m":
      return [date.getMonth() + 1, 2, "0"];
    case "d":
      return [date.getDate(), 2, "0"];
    case "e":
      return [date.getDate(), 2, " "];
    case "H":
      return [hours, 2, "0"];
    case "k":
      return [hours, 2, " "];
    case "I":
      return [hours % 12 || 12, 2, "0"];
    case "l":
      return [hours % 12 || 12, 2, " "];
    case "M":
      return [date.getMinutes(), 2, "0"];
    case "S":
      return [date.getSeconds(), 2, "0"];
    case "f":
      return [micro, 6, "0"];
    case "j":
      return [dayOfYear(date), 3, "0"];
    case "U":
      return [Math.floor((dayOfYear(date) - 1 - date.getDay() + 7) / 7), 2, "0"];
    case "W":
      return [Math.floor((dayOfYear(date) - 1 - ((date.getDay() + 6) % 7) + 7) / 7), 2, "0"];
    case "V":
      return [isoWeek(date)[1], 2, "0"];
    case "u":
      return [date.getDay() || 7, 1, "0"];
    case "w":
      return [date.getDay(), 1, "0"];
    case "s":
      return [Math.floor(date.getTime() / 1000), 1, "0"];
    case "p":
      return [hours < 12 ? "AM" : "PM", 0, ""];
    case "P":
      return [hours < 12 ? "am" : "pm", 0, ""];
    case "a":
      return [DAYS[date.getDay()].slice(0, 3), 0, ""];
    case "A":
      return [DAYS[date.getDay()], 0, ""];
    case "b":
    case "h":
      return [MONTHS[date.getMonth()].slice(0, 3), 0, ""];
    case "B":
      return [MONTHS[date.getMonth()], 0, ""];
    case "z":
      return [zone(date), 0, ""];
    case "Z":
      return [`UTC${zone(date)}`, 0, ""];
    case "c":
      return [strftime(date, micro, "%a %b %e %H:%M:%S %Y"), 0, ""];
    case "x":
    case "D":
      return [strftime(date, micro, "%m/%d/%y"), 0, ""];
    case "X":
    case "T":
      return [strftime(date, micro, "%H:%M:%S"), 0, ""];
    case "F":
      return [strftime(date, micro, "%Y-%m-%d"), 0, ""];
    case "R":
      return [strftime(date, micro, "%H:%M"), 0, ""];
    case "r":
      return [strftime(date, micro, "%I:%M:%S %p"), 0, ""];
    case "n":
      return ["\n", 0, ""];
    case "t":
      return ["\t", 0, ""];
    case "%":
      return ["%", 0, ""];
    default:
      return undefined;
  }
}

function strftime(date: Date, micro: number, format: string): string {
  return format.replace(/%([-_0^#]?)(\d*)([a-zA-Z%])/g, (whole, flag: string, widthText: string, code: string) => {
    const found = field(date, micro, code);
    if (found === undefined) return whole;
    const [value, naturalWidth, naturalPad] = found;
    let text = String(value);
    if (typeof value === "number") {
      const pad = flag === "_" ? " " : flag === "0" ? "0" : naturalPad;
      const width = widthText !== "" ? Number(widthText) : flag === "-" ? 0 : naturalWidth;
      text = text.padStart(width, pad);
    } else if (widthText !== "") {
      text = text.padStart(Number(widthText), flag === "0" ? "0" : " ");
    }
    return flag === "^" ? text.toUpperCase() : text;
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
 * for an event with no text. The time is formatted by `formatTime` (a function, or Python's
 * keyword as `{ formatTime }`).
 *
 * @example
 * ```ts
 * formatEventAsClassicLogText({ log_format: "Hello!", log_namespace: "my_namespace", log_level: "info", log_time: t });
 * // "2013-10-22T17:30:02-0700 [my_namespace#info] Hello!\n"
 * ```
 */
export function formatEventAsClassicLogText(
  event: object,
  formatTimeFunction: ((when: number | undefined) => string) | { formatTime?: (when: number | undefined) => string } = (when) =>
    formatTime(when),
): string | null {
  if (isOptionsObject(formatTimeFunction)) formatTimeFunction = formatTimeFunction.formatTime ?? ((when) => formatTime(when));
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

/** `str(error)`, as Python's: an Error's message; never throws. */
function errorText(error: unknown): string {
  try {
    return strOrThrow(error);
  } catch {
    return repr(error);
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
