/**
 * A line protocol's `delimiter` as bytes. It is a Buffer, as in Twisted; a string set from
 * JavaScript code is taken as UTF-8, converted once and kept (the same string gives the same
 * Buffer, so a parser can tell by identity whether the delimiter changed).
 * @module
 */

/** Converted string delimiters; a protocol uses one or two, so the table stays tiny. */
const converted = new Map<string, Buffer>();
/** Past this many distinct strings the table is cleared rather than grown. */
const MAX_CONVERTED = 64;

/** `delimiter` as bytes (a string as UTF-8, the same Buffer each time for the same string). @internal */
export function delimiterBytes(delimiter: Buffer | string): Buffer {
  if (typeof delimiter !== "string") return delimiter;
  let bytes = converted.get(delimiter);
  if (bytes === undefined) {
    if (converted.size >= MAX_CONVERTED) converted.clear();
    bytes = Buffer.from(delimiter, "utf8");
    converted.set(delimiter, bytes);
  }
  return bytes;
}
