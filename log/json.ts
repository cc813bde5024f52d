/**
 * Events as JSON, as `twisted.logger._json`: `jsonFileLogObserver` writes one JSON text per
 * event, framed as RFC 7464 JSON text sequences (`RS json LF`); `eventsFromJSONLogFile` reads them
 * back.
 * @module
 */

import { readSync } from "node:fs";
import { Failure } from "../core/failure";
import type { LogEvent } from "./event";
import { flattenEvent } from "./flatten";
import { LogLevel } from "./levels";
import { Logger } from "./logger";
import { isOptionsObject } from "./options";
import { FileLogObserver, type LogFile } from "./observers";

const LEVEL_UUID = "02E59486-F24D-46AD-8224-3ACDF2A5732A";
const FAILURE_UUID = "E76887E2-20ED-49BF-A8F8-BA25CC586F2D";
const UNPERSISTABLE = Object.freeze({ unpersistable: true });

const log = new Logger("twisted-ts.log.json");

/**
 * The event as one line of JSON (no newline inside), as Twisted's `eventAsJSON`, written as
 * Python's `json.dumps` writes it (`{"x": 1, "y": "\u20ac"}`: a space after `:` and `,`, non-ASCII
 * escaped), so a file reads the same whichever side wrote it. The event is flattened first
 * ({@link flattenEvent}), so its text survives values that JSON cannot hold. `log_level` is
 * written as Twisted writes a level, a Failure as a record of its type, message and traceback;
 * functions, class instances (without `toJSON`) and cycles become `{"unpersistable": true}`;
 * byte arrays become Latin-1 text. Never throws.
 */
export function eventAsJSON(event: object): string {
  try {
    flattenEvent(event);
  } catch {
    // A format naming a missing field: the JSON keeps the event's own keys.
  }
  const out: Record<string, unknown> = {};
  const seen = new Set<object>();
  for (const [key, value] of safeEntries(event)) {
    if (key === "log_level" && LogLevel.isLevel(value)) {
      out[key] = { name: value, __class_uuid__: LEVEL_UUID };
    } else {
      const converted = toJSONValue(value, seen);
      if (converted !== undefined) out[key] = converted;
    }
  }
  return pythonJSON(out);
}

/** A JSON value (as `toJSONValue` makes them) written as Python's `json.dumps(value)` writes it. */
function pythonJSON(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return pythonJSONString(value);
    case "number":
    case "boolean":
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(pythonJSON).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pythonJSONString(k)}: ${pythonJSON(v)}`).join(", ")}}`;
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

// Python's ensure_ascii: everything outside space..~ is escaped, by UTF-16 unit.
function pythonJSONString(text: string): string {
  return `"${text.replace(/[\\"]|[^ -~]/g, (ch) => JSON_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

function safeEntries(value: object): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = [];
  try {
    for (const key of Object.keys(value)) {
      try {
        entries.push([key, (value as Record<string, unknown>)[key]]);
      } catch {
        entries.push([key, UNPERSISTABLE]);
      }
    }
  } catch {
    // A hostile Proxy: what was read is kept.
  }
  return entries;
}

function toJSONValue(value: unknown, seen: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "undefined":
      return undefined;
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : UNPERSISTABLE;
    case "object":
      break;
    default:
      return UNPERSISTABLE;
  }
  if (value === null) return null;
  if (seen.has(value)) return UNPERSISTABLE;
  if (value instanceof Failure) return failureAsJSON(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("latin1");
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => toJSONValue(v, seen) ?? null);
    if (value instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of value) if (typeof k === "string") out[k] = toJSONValue(v, seen);
      return out;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return toJSONValue(toJSON.call(value), seen);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return UNPERSISTABLE;
    const out: Record<string, unknown> = {};
    for (const [k, v] of safeEntries(value)) {
      const converted = toJSONValue(v, seen);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  } catch {
    return UNPERSISTABLE;
  } finally {
    seen.delete(value);
  }
}

// The Error classes of the Failures this process wrote, by name, so reading them back gives the
// same class (`check(QuotaExceeded)` still matches). Weak: a class that is gone is not kept.
const WRITTEN_CLASSES = new Map<string, WeakRef<new (message: string) => Error>>();

function rememberClass(type: unknown): void {
  try {
    if (typeof type === "function" && type.prototype instanceof Error && typeof type.name === "string" && type.name !== "") {
      WRITTEN_CLASSES.set(type.name, new WeakRef(type as new (message: string) => Error));
    }
  } catch {
    // A hostile constructor: read back as a class of the same name only.
  }
}

function failureAsJSON(failure: Failure): Record<string, unknown> {
  const type = failure.type;
  rememberClass(type);
  let stack: string | undefined;
  try {
    const v = failure.value;
    if (v instanceof Error && typeof v.stack === "string") stack = v.stack;
  } catch {
    stack = undefined;
  }
  return {
    type: { __module__: "builtins", __name__: type?.name || typeof failure.value },
    value: safeMessage(failure),
    stack: stack ?? null,
    traceback: safeTraceback(failure),
    __class_uuid__: FAILURE_UUID,
  };
}

function safeMessage(failure: Failure): string {
  try {
    return failure.getErrorMessage();
  } catch {
    return "(unprintable)";
  }
}

function safeTraceback(failure: Failure): string {
  try {
    return failure.getTraceback();
  } catch {
    return "";
  }
}

/** A Failure rebuilt from {@link failureAsJSON}'s record: an Error of a class of the same name, with the saved stack. */
function failureFromJSON(record: Record<string, unknown>): Failure {
  const typeInfo = record.type as { __name__?: unknown } | undefined;
  const name = typeof typeInfo?.__name__ === "string" && typeInfo.__name__ !== "" ? typeInfo.__name__ : "Error";
  // A Twisted record's value is `{"unpersistable": true}`: there is no message to show.
  const message = typeof record.value === "string" ? record.value : "";
  const builtin = builtinErrorClass(name);
  const written = builtin === undefined ? WRITTEN_CLASSES.get(name)?.deref() : undefined;
  let error: Error;
  if (written !== undefined) {
    // Its constructor may want other arguments: the instance is made without calling it.
    error = Object.create(written.prototype as object) as Error;
    Object.defineProperty(error, "message", { value: message, writable: true, configurable: true });
  } else {
    const cls = builtin ?? { [name]: class extends Error {} }[name];
    error = new cls(message);
  }
  error.name = name;
  if (typeof record.stack === "string") {
    error.stack = record.stack;
  } else if (Array.isArray(record.frames) && record.frames.length > 0) {
    // Twisted's frames, [function, file, line, ...], outermost first: as a V8 stack.
    const frames = (record.frames as unknown[]).filter(Array.isArray) as unknown[][];
    const lines = frames.reverse().map((f) => `    at ${String(f[0])} (${String(f[1])}:${String(f[2])})`);
    error.stack = [`${name}: ${message}`, ...lines].join("\n");
  } else {
    delete (error as { stack?: string }).stack;
  }
  return new Failure(error);
}

/** JavaScript's own error class of that name (`RangeError`, `TypeError` …), so `check(RangeError)` matches. */
function builtinErrorClass(name: string): (new (message: string) => Error) | undefined {
  const candidate = (globalThis as Record<string, unknown>)[name];
  if (typeof candidate !== "function") return undefined;
  const prototype = (candidate as { prototype?: unknown }).prototype;
  return prototype instanceof Error || prototype === Error.prototype ? (candidate as new (message: string) => Error) : undefined;
}

/**
 * An event from a JSON text written by {@link eventAsJSON}: levels become level names again and
 * failures Failures (of the original's Error class when this process wrote it or it is
 * JavaScript's own, `RangeError`, `TypeError` and the like; else of a class of the same name;
 * with the original stack); a level this version does not know is `null`.
 * @throws {SyntaxError} when `eventText` is not JSON.
 */
export function eventFromJSON(eventText: string): LogEvent {
  return JSON.parse(eventText, (_key, value: unknown) => {
    if (typeof value === "object" && value !== null && "__class_uuid__" in value) {
      const record = value as Record<string, unknown>;
      const uuid = String(record.__class_uuid__).toUpperCase();
      // A level this version does not know (written by a later one) is null, as Twisted's.
      if (uuid === LEVEL_UUID) return LogLevel.isLevel(record.name) ? record.name : null;
      if (uuid === FAILURE_UUID) return failureFromJSON(record);
    }
    return value;
  }) as LogEvent;
}

/**
 * An observer writing each event as `RS + JSON + "\n"` to `outFile`, as Twisted's
 * `jsonFileLogObserver` (RS is `"\x1e"` by default: RFC 7464 JSON text sequences).
 *
 * @example
 * ```ts
 * const out = fs.createWriteStream("app.log.json");
 * globalLogPublisher.addObserver(jsonFileLogObserver(out));
 * ```
 */
export function jsonFileLogObserver(outFile: LogFile, recordSeparator: string | { recordSeparator?: string } = "\x1e"): FileLogObserver {
  if (isOptionsObject(recordSeparator)) recordSeparator = recordSeparator.recordSeparator ?? "\x1e";
  if (typeof recordSeparator !== "string") throw new TypeError(`jsonFileLogObserver: recordSeparator must be a string, not ${typeof recordSeparator}`);
  return new FileLogObserver(outFile, (event) => `${recordSeparator}${eventAsJSON(event)}\n`);
}

/**
 * What {@link eventsFromJSONLogFile} reads: the text, its bytes, chunks of either, a file
 * descriptor, or a file-like object whose `read(size)` gives text or bytes (empty at the end), as
 * Python's file objects.
 */
export type JSONLogInput = string | Uint8Array | Iterable<string | Uint8Array> | number | ReadableFile;

/** A file-like object to read from: `read(size)` gives up to `size` characters or bytes, `""`/empty at the end. */
export type ReadableFile = {
  /** Up to `size` characters or bytes; empty (or `null`) at the end of the file. */
  read(size: number): string | Uint8Array | null | undefined;
};

/**
 * The events of a log written by {@link jsonFileLogObserver}, read lazily, as Twisted's
 * `eventsFromJSONLogFile`. Records that are truncated (no final newline, with a record separator)
 * or not JSON are skipped, each logged as an error (`Unable to read JSON record: …`).
 *
 * @param inFile the log's contents, or a file descriptor to read (in `bufferSize` chunks).
 * @param recordSeparator the separator; by default (or `null`) it is detected: `"\x1e"` when the
 *   input starts with it, else records are lines. Python's keywords may be given as an options
 *   object instead: `eventsFromJSONLogFile(file, { bufferSize: 1 })`.
 * @example
 * ```ts
 * for (const event of eventsFromJSONLogFile(fs.readFileSync("app.log.json"))) {
 *   console.log(formatEvent(event));
 * }
 * ```
 */
export function eventsFromJSONLogFile(
  inFile: JSONLogInput,
  recordSeparator?: string | null | { recordSeparator?: string | null; bufferSize?: number },
  bufferSize = 4096,
): Generator<LogEvent, void, undefined> {
  if (isOptionsObject(recordSeparator)) {
    bufferSize = recordSeparator.bufferSize ?? bufferSize;
    recordSeparator = recordSeparator.recordSeparator;
  }
  if (recordSeparator === null) recordSeparator = undefined;
  const isIterable = typeof inFile === "object" && inFile !== null && Symbol.iterator in inFile;
  const isFile = typeof inFile === "object" && inFile !== null && typeof (inFile as { read?: unknown }).read === "function";
  if (typeof inFile !== "string" && typeof inFile !== "number" && !(inFile instanceof Uint8Array) && !isIterable && !isFile) {
    throw new TypeError("eventsFromJSONLogFile: inFile must be a string, bytes, an iterable of chunks, a file descriptor or have read(size)");
  }
  if (recordSeparator !== undefined && typeof recordSeparator !== "string") {
    throw new TypeError("eventsFromJSONLogFile: recordSeparator must be a string");
  }
  return readEvents(chunksOf(inFile, bufferSize), recordSeparator);
}

function* readEvents(chunks: Iterable<Buffer>, recordSeparator: string | undefined): Generator<LogEvent, void, undefined> {
  let buffer = Buffer.alloc(0);
  let separator: Buffer | undefined = recordSeparator === undefined ? undefined : Buffer.from(recordSeparator, "utf8");
  let framed = true;
  for (const chunk of chunks) {
    buffer = Buffer.concat([buffer, chunk]);
    if (separator === undefined) {
      if (buffer.length === 0) continue;
      separator = buffer[0] === 0x1e ? Buffer.from([0x1e]) : Buffer.alloc(0);
    }
    if (separator.length === 0) {
      separator = Buffer.from("\n");
      framed = false;
    }
    let index: number;
    while ((index = buffer.indexOf(separator)) >= 0) {
      const record = buffer.subarray(0, index);
      buffer = buffer.subarray(index + separator.length);
      if (record.length > 0) {
        const event = eventFromRecord(record, framed);
        if (event !== undefined) yield event;
      }
    }
  }
  if (buffer.length > 0) {
    const event = eventFromRecord(buffer, framed);
    if (event !== undefined) yield event;
  }
}

function eventFromRecord(record: Buffer, framed: boolean): LogEvent | undefined {
  if (framed && record[record.length - 1] !== 0x0a) {
    log.error("Unable to read truncated JSON record: {record!r}", { record: record.toString("utf8") });
    return undefined;
  }
  const text = new TextDecoder("utf-8", { fatal: true });
  let decoded: string;
  try {
    decoded = text.decode(record);
  } catch {
    log.error("Unable to decode UTF-8 for JSON record: {record!r}", { record: record.toString("latin1") });
    return undefined;
  }
  try {
    return eventFromJSON(decoded);
  } catch {
    log.error("Unable to read JSON record: {record!r}", { record: decoded });
    return undefined;
  }
}

function* chunksOf(input: JSONLogInput, bufferSize: number): Generator<Buffer> {
  if (typeof input === "string") {
    yield Buffer.from(input, "utf8");
  } else if (input instanceof Uint8Array) {
    yield Buffer.from(input);
  } else if (typeof input === "number") {
    const size = Number.isInteger(bufferSize) && bufferSize > 0 ? bufferSize : 4096;
    for (;;) {
      const chunk = Buffer.alloc(size);
      const n = readSync(input, chunk, 0, size, null);
      if (n === 0) return;
      yield chunk.subarray(0, n);
    }
  } else if (Symbol.iterator in input) {
    for (const chunk of input) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
  } else {
    const size = Number.isInteger(bufferSize) && bufferSize > 0 ? bufferSize : 4096;
    for (;;) {
      const chunk = input.read(size);
      if (chunk === null || chunk === undefined || chunk.length === 0) return;
      yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    }
  }
}
