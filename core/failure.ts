/**
 * `Failure`: a thrown value travelling down a Deferred's errback chain.
 * @module
 */

/** A class (constructor) that `Failure.check`/`trap` test the value against with `instanceof`. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ErrorType = Function;

const NO_VALUE_MESSAGE = "Failure with no value";

/**
 * Wraps anything thrown (an `Error` or any other value) so it can be passed down an errback chain,
 * inspected, trapped and re-thrown. The JavaScript counterpart of `twisted.python.failure.Failure`.
 *
 * @example
 * ```ts
 * d.addErrback((f: Failure) => {
 *   f.trap(ConnectionLost);      // anything else goes on down the chain untouched
 *   return "reconnecting";
 * });
 * ```
 */
export class Failure {
  /** What was thrown: usually an `Error`, but any value is allowed. */
  readonly value: unknown;
  /** Set once the stack has been formatted, so the Error no longer pins its frames' objects. */
  #stack: string | undefined;

  /**
   * @param value what was thrown. With no argument at all, an `Error("Failure with no value")`
   *   (JavaScript has no "current exception" to capture). A Failure given here lends its value.
   */
  constructor(value?: unknown) {
    if (arguments.length === 0) {
      this.value = new Error(NO_VALUE_MESSAGE);
    } else if (Failure.isFailure(value)) {
      this.value = value.value;
      this.#stack = value.#stack;
    } else {
      this.value = value;
    }
  }

  /**
   * Whether `v` is a Failure (a subclass's instance included). Unlike `instanceof` it never
   * throws: a Proxy whose `getPrototypeOf` trap throws is simply not a Failure.
   */
  static isFailure(v: unknown): v is Failure {
    // The private-name brand check reads no property and calls no trap.
    return typeof v === "object" && v !== null && #stack in v;
  }

  /** The value's constructor when the value is an object (`Error` subclasses included), else `undefined`. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  get type(): Function | undefined {
    const v = this.value;
    if ((typeof v === "object" && v !== null) || typeof v === "function") {
      try {
        const ctor = (v as { constructor?: unknown }).constructor;
        return typeof ctor === "function" ? ctor : undefined;
      } catch {
        // A hostile value (a Proxy whose get trap throws): no type to tell.
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * The first of `types` that the value is an instance of, or `null`.
   * A string matches by class name anywhere in the value's prototype chain
   * (Python callers pass qualified names the same way).
   */
  check(...types: Array<ErrorType | string>): ErrorType | string | null {
    const v = this.value;
    for (const t of types) {
      if (typeof t === "function") {
        if (isInstance(v, t)) return t;
      } else if (typeof t === "string") {
        if (prototypeNames(v).includes(t)) return t;
      }
    }
    return null;
  }

  /**
   * Like {@link check}, but when nothing matches it throws this very Failure, so an errback
   * that traps passes an unmatched Failure on down the chain unchanged.
   * @throws {Failure} this Failure, when the value matches none of `types`.
   */
  trap(...types: Array<ErrorType | string>): ErrorType | string {
    const found = this.check(...types);
    if (found === null) throw this;
    return found;
  }

  /** The value's message: an Error's `message`, `String(value)` otherwise. */
  getErrorMessage(): string {
    const v = this.value;
    try {
      if (v instanceof Error) return safeString(v.message);
    } catch {
      // A Proxy with throwing traps, or a throwing `message` getter: described below instead.
    }
    return safeString(v);
  }

  /**
   * A readable report: the value's class and message followed by its stack where it has one
   * (an `Error`'s `stack`).
   */
  getTraceback(): string {
    const frames = this.#frameLines();
    const head = `Traceback (failure): ${this.#typeName()}: ${this.getErrorMessage()}`;
    if (frames === undefined) return `${head}\n  (the value is not an Error, so it has no stack)\n`;
    // The stack's own first line(s) repeat the type and message of the head: only frames follow it.
    return frames.length === 0 ? `${head}\n` : `${head}\n${frames.join("\n")}\n`;
  }

  /**
   * A short report, as Twisted's `getBriefTraceback`: `Traceback: <class 'Type'>: message`, then
   * one `file:line:function` line per frame, outermost first (Python's "most recent call last");
   * `Traceback (failure with no frames): …` for a value without a stack.
   */
  getBriefTraceback(): string {
    const frames = this.#frameLines();
    const what = `<class '${this.#typeName()}'>: ${this.getErrorMessage()}`;
    if (frames === undefined || frames.length === 0) return `Traceback (failure with no frames): ${what}\n`;
    const brief = frames.map(briefFrame).reverse();
    return `Traceback: ${what}\n${brief.join("\n")}\n`;
  }

  /** The stack's frame lines (`    at f (file:1:2)`), `undefined` when the value has no stack. */
  #frameLines(): string[] | undefined {
    const stack = this.#formatStack();
    if (stack === undefined) return undefined;
    const lines = stack.split("\n");
    const first = lines.findIndex((line) => /^\s+at /.test(line));
    // A stack in another format (set by hand) is shown whole.
    return first < 0 ? lines.filter((line) => line !== "") : lines.slice(first);
  }

  /** Throws the wrapped value, as `raise` would. */
  raiseException(): never {
    throw this.value;
  }

  /**
   * Formats the stack now and keeps the text. An Error's stack is formatted lazily and, until it
   * is, holds the receivers of its frames; a kept Failure must not keep those (a Deferred among
   * them) alive. Called by Deferred when it keeps a Failure for its unhandled-error report.
   */
  cleanFailure(): void {
    this.#formatStack();
  }

  /** `[Failure instance: <brief traceback>]`, as Twisted's `str(failure)`; see {@link getBriefTraceback}. */
  toString(): string {
    return `[Failure instance: ${this.getBriefTraceback()}]`;
  }

  #formatStack(): string | undefined {
    if (this.#stack === undefined) {
      const v = this.value;
      try {
        if (v instanceof Error && typeof v.stack === "string") this.#stack = v.stack;
      } catch {
        // A throwing `stack` getter: no stack to show, and nothing may throw from here.
      }
    }
    return this.#stack;
  }

  #typeName(): string {
    const t = this.type;
    try {
      if (t !== undefined && typeof t.name === "string" && t.name) return t.name;
    } catch {
      // A throwing `name` getter on the constructor: fall back to the value's typeof.
    }
    return this.value === null ? "null" : typeof this.value;
  }
}

/** `    at f (file:1:2)` as Twisted's brief `file:1:f`. */
function briefFrame(line: string): string {
  const m = /^\s+at (?:(.*?) \((.*):(\d+):\d+\)|(.*):(\d+):\d+)$/.exec(line);
  if (m === null) return line.trim();
  return m[1] !== undefined ? `${m[2]}:${m[3]}:${m[1]}` : `${m[4]}:${m[5]}:<module>`;
}

function isInstance(value: unknown, type: ErrorType): boolean {
  try {
    return value instanceof type;
  } catch {
    // `instanceof` throws for a non-callable right-hand side with no Symbol.hasInstance.
    return false;
  }
}

function prototypeNames(value: unknown): string[] {
  const names: string[] = [];
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return names;
  try {
    for (let p = Object.getPrototypeOf(value) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
      const ctor = (p as { constructor?: { name?: unknown } }).constructor;
      if (ctor && typeof ctor.name === "string") names.push(ctor.name);
    }
  } catch {
    // A Proxy whose traps throw: the names found so far are all there is.
  }
  return names;
}

/**
 * `String(v)` that never throws: objects with no prototype or a throwing toString, and Proxies
 * whose traps throw, are described by their kind instead.
 */
export function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    try {
      return Object.prototype.toString.call(v);
    } catch {
      return `[${typeof v} that cannot be described]`;
    }
  }
}

/**
 * `v` as a Failure: a Failure as it is, anything else wrapped. Never throws (see
 * {@link Failure.isFailure}).
 * @internal
 */
export function asFailure(v: unknown): Failure {
  return Failure.isFailure(v) ? v : new Failure(v);
}
