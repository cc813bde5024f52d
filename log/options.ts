/**
 * Python's keyword arguments as a trailing options object, accepted beside the positional form.
 * @module
 */

/** Whether `value` is a trailing options object (Python's keyword arguments) rather than a positional value. @internal */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
