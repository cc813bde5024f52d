/**
 * Between `twisted.logger` events and `twisted.python.log` ("legacy") events, as
 * `twisted.logger._legacy`: `LegacyLogObserverWrapper` lets an observer written for legacy events
 * observe new ones, `publishToNewObserver` gives a legacy event to a new observer, and
 * `textFromEventDict` is the text of a legacy event.
 * @module
 */

import { inspect } from "node:util";
import type { LogEvent, Observer } from "./event";
import { formatEvent } from "./format-event";
import { repr, str } from "./format-string";
import { LogLevel } from "./levels";

/** A legacy event (`twisted.python.log`'s event dict): `message` is a list of parts, `isError` 0 or 1. */
export type LegacyEvent = { [key: string]: unknown };

/** A legacy observer: a function of a legacy event. */
export type LegacyObserver = (eventDict: LegacyEvent) => void;

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LegacyLogObserverWrapper {
  /** Gives `event`, with the legacy keys added, to the legacy observer. */
  (event: LogEvent): void;
}

/**
 * An observer (a function of an event) that forwards events to a legacy observer, as Twisted's
 * `LegacyLogObserverWrapper`, adding the keys legacy observers expect when they are missing:
 * `message` (`[]`; with a `log_format`, a twisted-ts `message` string is replaced too, as Python
 * replaces a non-tuple),
 * `time` (from `log_time`), `system` (`log_system`, or `"-"`), `format` `"%(log_legacy)s"` with
 * `log_legacy` (the event's text) when there is a `log_format`, and `failure`, `isError` (1 or 0)
 * and `why` (the event's text) from `log_failure` and the level. Unlike Twisted it works on a copy,
 * so the other observers of the event see it unchanged.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LegacyLogObserverWrapper {
  /** The legacy observer events are forwarded to. */
  declare readonly legacyObserver: LegacyObserver;

  /**
   * @param legacyObserver receives the legacy events.
   * @throws {TypeError} when it is not a function.
   */
  constructor(legacyObserver: LegacyObserver) {
    if (typeof legacyObserver !== "function") throw new TypeError(`LegacyLogObserverWrapper: legacyObserver must be a function, not ${repr(legacyObserver)}`);
    const wrapper = (event: LogEvent): void => legacyObserver(asLegacyEvent(event));
    const self = Object.setPrototypeOf(wrapper, new.target.prototype) as LegacyLogObserverWrapper;
    Object.defineProperty(self, "legacyObserver", { value: legacyObserver, enumerable: true });
    return self;
  }

  /** `LegacyLogObserverWrapper(<the legacy observer>)`, as Python's repr. */
  toString(): string {
    return `LegacyLogObserverWrapper(${describe(this.legacyObserver)})`;
  }

  /** @internal util.inspect shows the Python-style repr. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** Python's `str()` of an observer: its own toString when it has one, else its repr. */
function describe(observer: LegacyObserver): string {
  try {
    const toString: unknown = (observer as { toString?: unknown }).toString;
    if (typeof toString === "function" && toString !== Function.prototype.toString && toString !== Object.prototype.toString) {
      return String(toString.call(observer));
    }
  } catch {
    // A throwing toString: shown by name.
  }
  return repr(observer);
}

function asLegacyEvent(event: LogEvent): LegacyEvent {
  const e: LegacyEvent = { ...event };
  if (!("message" in e)) e.message = [];
  if (!("time" in e)) e.time = e.log_time;
  if (!("system" in e)) e.system = "log_system" in e ? e.log_system : "-";
  if (!("format" in e) && e.log_format !== undefined && e.log_format !== null) {
    e.format = "%(log_legacy)s";
    // The text from the event as it was: a field named `message` is still the format's.
    const copy = { ...e };
    e.log_legacy = { toString: () => formatEvent(copy) };
    if (!Array.isArray(e.message)) e.message = [];
  }
  if ("log_failure" in e) {
    if (!("failure" in e)) e.failure = e.log_failure;
    if (!("isError" in e)) e.isError = 1;
    if (!("why" in e)) e.why = formatEvent(e);
  } else if (!("isError" in e)) {
    e.isError = e.log_level === LogLevel.error || e.log_level === LogLevel.critical ? 1 : 0;
  }
  return e;
}

// Python's logging levels, by number and by name, as Twisted's fromStdlibLogLevelMapping.
const FROM_STDLIB: ReadonlyMap<unknown, LogLevel> = new Map<unknown, LogLevel>([
  [10, "debug"],
  ["DEBUG", "debug"],
  [20, "info"],
  ["INFO", "info"],
  [30, "warn"],
  ["WARNING", "warn"],
  [40, "error"],
  ["ERROR", "error"],
  [50, "critical"],
  ["CRITICAL", "critical"],
]);

/**
 * Gives a legacy event to a new-style observer, as Twisted's `publishToNewObserver`, adding the
 * new keys when missing: `log_time` (from `time`), `log_text` and `log_format` `"{log_text}"`
 * (from `textFromEventDict`), `log_level` (from a Python logging `logLevel`, 10 to 50 or
 * `"WARNING"` and the like, else `critical` for an error and `info` otherwise; none for an unknown
 * `logLevel`), `log_namespace` `"log_legacy"` and `log_system` (from `system`). The event is
 * changed in place, as Twisted's.
 */
export function publishToNewObserver(
  observer: Observer,
  eventDict: LegacyEvent,
  textFromEventDict: (eventDict: LegacyEvent) => string | null | undefined,
): void {
  if (!("log_time" in eventDict)) eventDict.log_time = eventDict.time;
  if (!("log_format" in eventDict)) {
    const text = textFromEventDict(eventDict);
    if (text !== null && text !== undefined) {
      eventDict.log_text = text;
      eventDict.log_format = "{log_text}";
    }
  }
  if (!("log_level" in eventDict)) {
    let level: LogLevel | undefined;
    if ("logLevel" in eventDict) level = FROM_STDLIB.get(eventDict.logLevel);
    else if ("isError" in eventDict) level = eventDict.isError ? "critical" : "info";
    else level = "info";
    if (level !== undefined) eventDict.log_level = level;
  }
  if (!("log_namespace" in eventDict)) eventDict.log_namespace = "log_legacy";
  if (!("log_system" in eventDict) && "system" in eventDict) eventDict.log_system = eventDict.system;
  observer(eventDict as LogEvent);
}

/**
 * The text of a legacy event, as `twisted.python.log.textFromEventDict`: its `message` parts
 * joined by spaces (a string `message`, a twisted-ts event's, is the text itself); with no
 * message, an error's `why` (or `Unhandled Error`) and traceback, else its `format` (a Python
 * `%` format, `%(key)s`, applied to the event); `null` when there is nothing to show.
 */
export function textFromEventDict(eventDict: LegacyEvent): string | null {
  const edm = eventDict.message;
  if (typeof edm === "string" && edm !== "") return edm;
  if (Array.isArray(edm) && edm.length > 0) return edm.map((part) => str(part)).join(" ");
  if (eventDict.isError && "failure" in eventDict) {
    const why = eventDict.why ? str(eventDict.why) : "Unhandled Error";
    let traceback: string;
    try {
      traceback = String((eventDict.failure as { getTraceback(): unknown }).getTraceback());
    } catch (error) {
      traceback = `(unable to obtain traceback): ${str(error instanceof Error ? error.message : error)}`;
    }
    return `${why}\n${traceback}`;
  }
  if ("format" in eventDict) return safeFormat(String(eventDict.format), eventDict);
  return null;
}

/** Python's `fmt % dict` for `%(key)s`, `%(key)r`, `%(key)d`, `%(key)i`, `%(key)f` and `%%`; never throws. */
function safeFormat(format: string, values: LegacyEvent): string {
  try {
    return format.replace(/%(?:\(([^)]*)\))?([srdif%])/g, (whole, key: string | undefined, type: string) => {
      if (type === "%") return "%";
      if (key === undefined || !(key in values)) throw new Error(`missing ${String(key)}`);
      const value = values[key];
      if (type === "s") return str(value);
      if (type === "r") return repr(value);
      if (typeof value !== "number") throw new TypeError("a number is required");
      return type === "f" ? value.toFixed(6) : String(Math.trunc(value));
    });
  } catch {
    return `Invalid format string or unformattable object in log message: ${repr(format)}, ${repr(values)}`;
  }
}
