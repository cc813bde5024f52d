/**
 * Turning arbitrary values into log text without ever throwing.
 * @module
 */

import { inspect } from "node:util";

/**
 * `value` as text for a log message: strings as they are, other primitives and objects with their
 * own `toString` (Errors, Dates, Failures) via `String()`, everything else via `util.inspect` on
 * one line. Never throws, whatever the value (a throwing `toString`, `Object.create(null)`, a
 * revoked Proxy).
 */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    const isObject = typeof value === "object" && value !== null;
    if (typeof value !== "function" && (!isObject || hasCustomToString(value))) return String(value);
  } catch {
    // A throwing toString or Proxy trap: fall through to inspect, which does not call it.
  }
  try {
    return inspect(value, { breakLength: Infinity, depth: 2 });
  } catch {
    return `[unprintable ${typeof value}]`;
  }
}

// `[object Object]` says nothing, so plain and null-prototype objects are inspected instead.
function hasCustomToString(value: unknown): boolean {
  const toString = (value as { toString?: unknown }).toString;
  return typeof toString === "function" && toString !== Object.prototype.toString;
}
