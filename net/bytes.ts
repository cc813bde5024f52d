/**
 * What the transports take as data (a Buffer, a Uint8Array or a string, sent as UTF-8) as one
 * Buffer.
 * @module
 */
import { describeValue } from "../core/validate";

/**
 * `data` as a Buffer: a Buffer as it is, a Uint8Array as a view of the same memory, a string as
 * UTF-8. @throws TypeError `<what> must be a Buffer, Uint8Array or string, got …` otherwise.
 * @internal
 */
export function toBytes(data: unknown, what: string): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what} must be a Buffer, Uint8Array or string, got ${describeValue(data)}`);
}
