/**
 * Argument checks shared by every scheduling call site (`callLater`, `callAt`, `callSoon`,
 * `DelayedCall.reset`/`delay`, the test `Clock`), so that the same mistake gives the same
 * message everywhere, e.g. `callLater: delay must be a number >= 0, got -1`.
 *
 * Each check is a tiny function with the common (valid) case first, so the engine inlines it;
 * the message is only built on the cold path.
 * @module
 */
import { inspect } from "node:util";

/**
 * A short, readable rendering of any value for an error message: strings are quoted,
 * numbers printed as JavaScript prints them (`NaN`, `-1`, `Infinity`), functions by name,
 * objects in brief. Never throws.
 */
export function describeValue(value: unknown): string {
  try {
    switch (typeof value) {
      case "string":
        return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
      case "number":
        return Object.is(value, -0) ? "-0" : String(value);
      case "bigint":
        return `${value}n`;
      case "function":
        return value.name ? `function ${value.name}` : "an anonymous function";
      case "object":
        if (value === null) return "null";
        return inspect(value, { depth: 0, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 40 });
      default:
        return String(value); // undefined, boolean, symbol
    }
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A value as a log or error message shows it, like Python's `%s`: `String(value)`, except that
 * an object whose `toString()` is `Object.prototype`'s (it would show as `[object Object]`) is
 * shown by {@link describeValue}. Throws what `String(value)` throws (a throwing `toString()`).
 * @example
 * ```ts
 * textOf(new Factory()); // "<Factory>" (its own toString)
 * textOf({ a: 1 });      // "{ a: 1 }" (not "[object Object]")
 * ```
 */
export function textOf(value: unknown): string {
  const text = String(value);
  if (typeof value === "object" && value !== null && text === Object.prototype.toString.call(value)) {
    return describeValue(value);
  }
  return text;
}

/**
 * Checks a delay (seconds from now) as `callLater` and `DelayedCall.reset` take it: a number
 * `>= 0`; `Infinity` is allowed (such a call never falls due).
 *
 * @param caller - the name put in front of the message, e.g. `"callLater"`.
 * @param delay - the value to check.
 * @param what - how the argument is called in the message (default `"delay"`).
 * @throws TypeError when `delay` is not a number; RangeError when it is NaN or negative.
 */
export function checkDelay(caller: string, delay: unknown, what = "delay"): asserts delay is number {
  if (typeof delay !== "number" || !(delay >= 0)) badDelay(caller, delay, what);
}

function badDelay(caller: string, delay: unknown, what: string): never {
  const text = `${caller}: ${what} must be a number >= 0, got ${describeValue(delay)}`;
  if (typeof delay !== "number") throw new TypeError(text);
  throw new RangeError(text);
}

/**
 * Checks a finite number, as `DelayedCall.delay(secondsLater)` takes it (negative allowed).
 *
 * @param caller - the name put in front of the message, e.g. `"delay"`.
 * @param value - the value to check.
 * @param what - how the argument is called in the message (default `"secondsLater"`).
 * @throws TypeError when `value` is not a number; RangeError when it is NaN or infinite.
 */
export function checkFinite(caller: string, value: unknown, what = "secondsLater"): asserts value is number {
  if (typeof value !== "number" || !(value - value === 0)) badFinite(caller, value, what);
}

function badFinite(caller: string, value: unknown, what: string): never {
  const text = `${caller}: ${what} must be a finite number, got ${describeValue(value)}`;
  if (typeof value !== "number") throw new TypeError(text);
  throw new RangeError(text);
}

/**
 * Checks a point in time (absolute seconds, as `callAt` takes it): any number but NaN.
 *
 * @param caller - the name put in front of the message, e.g. `"callAt"`.
 * @param when - the value to check.
 * @param what - how the argument is called in the message (default `"when"`).
 * @throws TypeError when `when` is not a number; RangeError when it is NaN.
 */
export function checkTime(caller: string, when: unknown, what = "when"): asserts when is number {
  if (typeof when !== "number" || when !== when) badTime(caller, when, what);
}

function badTime(caller: string, when: unknown, what: string): never {
  const text = `${caller}: ${what} must be a number of seconds, got ${describeValue(when)}`;
  if (typeof when !== "number") throw new TypeError(text);
  throw new RangeError(text);
}

/**
 * Checks that `f` can be called.
 *
 * @param caller - the name put in front of the message, e.g. `"callLater"`.
 * @param f - the value to check.
 * @param what - how the argument is called in the message (default `"f"`).
 * @throws TypeError naming what was given when `f` is not a function.
 */
export function checkCallable(
  caller: string,
  f: unknown,
  what = "f",
): asserts f is (...args: never[]) => unknown {
  if (typeof f !== "function") {
    throw new TypeError(`${caller}: ${what} must be a function, got ${describeValue(f)}`);
  }
}

/**
 * Whether `v` is a thenable (an object or function with a `then` method). Reads `then`: throws
 * what a hostile getter (or Proxy trap) throws.
 */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/**
 * The name of an object's class, as log prefixes and descriptions show it: the nearest named
 * class up its prototype chain, so an instance of an anonymous subclass
 * (`new (class extends Factory {})()`) reads as `Factory` rather than as an empty name (Python
 * classes always have one). `"Object"` when nothing in the chain has a name.
 * @example
 * ```ts
 * className(new (class extends Protocol {})()); // "Protocol"
 * ```
 */
export function className(value: object): string {
  let proto: unknown = Object.getPrototypeOf(value);
  while (proto !== null && proto !== undefined) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (typeof ctor === "function" && ctor.name !== "") return ctor.name;
    proto = Object.getPrototypeOf(proto);
  }
  return "Object";
}
