/**
 * "Flattening" events, as `twisted.logger._flatten`: the values a `log_format` refers to are
 * computed once and kept in `log_flattened`, so an event saved as JSON still formats the same.
 * @module
 */

import { FormatError, formatSpecValue, getField, parseFormat, repr, str } from "./format-string";

type AnyEvent = { [key: string]: unknown };

/**
 * Computes the `log_flattened` key of a format field, as Twisted's `KeyFlattener`:
 * `fieldName!conversion:formatSpec`, then `/2`, `/3` … for the repeats of the same key seen by
 * this flattener.
 *
 * @example
 * ```ts
 * const keys = new KeyFlattener();
 * keys.flatKey("x", "", undefined);    // "x!:"
 * keys.flatKey("x", "", undefined);    // "x!:/2"
 * keys.flatKey("foo", "%s", "s");      // "foo!s:%s"
 * ```
 */
export class KeyFlattener {
  readonly #seen = new Map<string, number>();

  /** The key of the field `fieldName` with `formatSpec` and `conversion` (each may be missing). */
  flatKey(fieldName: string, formatSpec?: string | null, conversion?: string | null): string {
    const key = `${fieldName}!${conversion ?? ""}:${formatSpec ?? ""}`;
    const n = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, n);
    return n === 1 ? key : `${key}/${n}`;
  }
}

/**
 * Adds `log_flattened` to `event`: for each field of its `log_format`, the text it shows
 * (key `name!s:spec` or `name!r:spec`) and the value itself (key `name!:spec`). Does nothing to an
 * event without a `log_format` or whose format has no fields.
 * @throws {FormatError} when the format names a field the event does not have.
 */
export function flattenEvent(event: object): void {
  const e = event as AnyEvent;
  if (typeof e.log_format !== "string") return;
  const fields: AnyEvent = isRecord(e.log_flattened) ? e.log_flattened : {};
  const keys = new KeyFlattener();
  for (const piece of parseFormat(e.log_format)) {
    if (piece.fieldName === undefined) continue;
    const conversion = piece.conversion === "r" ? "r" : "s";
    const flattenedKey = keys.flatKey(piece.fieldName, piece.formatSpec, conversion);
    const structuredKey = keys.flatKey(piece.fieldName, piece.formatSpec, "");
    if (flattenedKey in fields) continue;
    const value = getField(piece.fieldName, e);
    // Unlike Twisted (which drops the spec here), the spec is applied so `{x:.2f}` reads the same.
    fields[flattenedKey] = withSpec(conversion === "r" ? repr(value) : value, piece.formatSpec ?? "");
    fields[structuredKey] = value;
  }
  if (Object.keys(fields).length > 0) e.log_flattened = fields;
}

/**
 * The value of one format field of `event`, as Twisted's `extractField`: `field` is what would
 * stand between braces (`"key[2].attribute"`); with a conversion (`"key!r"`) the result is text.
 * The event is flattened first when it is not already.
 * @throws {FormatError} when the field is not used in the event's `log_format` (Python's `KeyError`).
 *
 * @example
 * ```ts
 * const event = { log_format: "{something.number}", something: { number: 7 } };
 * extractField("something.number", event);    // 7
 * extractField("something.number!s", event);  // "7"
 * ```
 */
export function extractField(field: string, event: object): unknown {
  const pieces = parseFormat(`{${field}}`);
  const piece = pieces[0];
  if (pieces.length !== 1 || piece.fieldName === undefined) throw new FormatError(`not a single field: ${field}`);
  const key = new KeyFlattener().flatKey(piece.fieldName, piece.formatSpec, piece.conversion);
  const e = event as AnyEvent;
  if (!("log_flattened" in e)) flattenEvent(e);
  const flattened = e.log_flattened;
  if (!isRecord(flattened) || !(key in flattened)) throw new FormatError(`'${key}'`);
  return flattened[key];
}

/**
 * Formats an event flattened by {@link flattenEvent} from its `log_flattened` values alone.
 * @throws {FormatError} when a field is missing from `log_flattened`.
 */
export function flatFormat(event: object): string {
  const e = event as AnyEvent;
  const values = e.log_flattened;
  if (!isRecord(values)) throw new FormatError("'log_flattened'");
  if (typeof e.log_format !== "string") throw new FormatError("'log_format'");
  const keys = new KeyFlattener();
  let out = "";
  for (const piece of parseFormat(e.log_format)) {
    out += piece.literal;
    if (piece.fieldName === undefined) continue;
    const key = keys.flatKey(piece.fieldName, piece.formatSpec, piece.conversion ?? "s");
    if (!(key in values)) throw new FormatError(`'${key}'`);
    out += str(values[key]);
  }
  return out;
}

function withSpec(value: unknown, spec: string): string {
  if (spec === "" || spec.includes("{")) return str(value);
  try {
    return formatSpecValue(value, spec);
  } catch {
    return str(value);
  }
}

function isRecord(value: unknown): value is AnyEvent {
  return typeof value === "object" && value !== null;
}
