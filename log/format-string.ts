/**
 * PEP 3101 format strings (Python's `str.format`), as `twisted.logger` uses them for `log_format`:
 * `{name}`, `{name!r}`, `{name!s}`, `{name.attr}`, `{name[key]}`, `{name()}`, `{name:spec}`,
 * `{{` and `}}`. Only named fields exist (there are no positional arguments in a log event).
 * @module
 */

import { inspect } from "node:util";
import { formatValue } from "./format";

/** One piece of a parsed format string, as Python's `string.Formatter.parse` yields it. */
export type FormatPiece = {
  /** Text before the field (with `{{`/`}}` already unescaped). */
  literal: string;
  /** The field's name (`a.b[0]`), or `undefined` for trailing text with no field. */
  fieldName?: string;
  /** The text after `:` (may hold nested `{fields}`), `""` when none. */
  formatSpec?: string;
  /** `"r"`, `"s"` or `"a"`, or `undefined` when there is no `!conversion`. */
  conversion?: string;
};

/**
 * Why a format string could not be applied. The message follows Python's, e.g.
 * `Single '}' encountered in format string`, `'missing'` (a missing key).
 */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FormatError";
  }
}

/**
 * Splits a PEP 3101 format string into literal text and fields, as `string.Formatter.parse`.
 * @throws {FormatError} on a single `}`, an unterminated `{`, or a bad `!conversion`.
 */
export function parseFormat(format: string): FormatPiece[] {
  const pieces: FormatPiece[] = [];
  let literal = "";
  let i = 0;
  const n = format.length;
  while (i < n) {
    const c = format[i];
    if (c === "}") {
      if (format[i + 1] !== "}") throw new FormatError("Single '}' encountered in format string");
      literal += "}";
      i += 2;
      continue;
    }
    if (c !== "{") {
      literal += c;
      i++;
      continue;
    }
    if (format[i + 1] === "{") {
      literal += "{";
      i += 2;
      continue;
    }
    if (i + 1 >= n) throw new FormatError("Single '{' encountered in format string");
    // A field: find its closing brace, counting nested braces (in the spec) and skipping brackets.
    let depth = 1;
    let j = i + 1;
    let inBracket = false;
    while (j < n) {
      const d = format[j];
      if (inBracket) {
        if (d === "]") inBracket = false;
      } else if (d === "[") {
        inBracket = true;
      } else if (d === "{") {
        depth++;
      } else if (d === "}") {
        depth--;
        if (depth === 0) break;
      }
      j++;
    }
    if (j >= n) throw new FormatError("expected '}' before end of string");
    pieces.push({ literal, ...splitField(format.slice(i + 1, j)) });
    literal = "";
    i = j + 1;
  }
  if (literal !== "" || pieces.length === 0) pieces.push({ literal });
  return pieces;
}

function splitField(field: string): Required<Omit<FormatPiece, "literal" | "conversion">> & { conversion?: string } {
  // The name ends at the first `!` or `:` outside brackets.
  let end = 0;
  let inBracket = false;
  for (; end < field.length; end++) {
    const c = field[end];
    if (inBracket) {
      if (c === "]") inBracket = false;
    } else if (c === "[") {
      inBracket = true;
    } else if (c === "!" || c === ":") {
      break;
    }
  }
  const fieldName = field.slice(0, end);
  let rest = field.slice(end);
  let conversion: string | undefined;
  if (rest.startsWith("!")) {
    if (rest.length < 2) throw new FormatError("end of string while looking for conversion specifier");
    conversion = rest[1];
    rest = rest.slice(2);
    if (rest !== "" && !rest.startsWith(":")) throw new FormatError("expected ':' after conversion specifier");
  }
  const formatSpec = rest.startsWith(":") ? rest.slice(1) : "";
  return { fieldName, formatSpec, conversion };
}

/**
 * Formats `format` with the named values of `mapping`, as Twisted's `formatWithCall`: PEP 3101
 * fields, plus `{name()}`, which calls `mapping.name` and formats what it returns.
 *
 * @throws {FormatError} when the format is malformed or names a missing key or attribute.
 * @example
 * ```ts
 * formatWithCall("{string}, {function()}.", { string: "just a string", function: () => "a function" });
 * // "just a string, a function."
 * ```
 */
export function formatWithCall(format: string, mapping: object): string {
  return vformat(format, mapping, 2);
}

function vformat(format: string, mapping: object, depth: number): string {
  if (depth < 0) throw new FormatError("Max string recursion exceeded");
  let out = "";
  for (const piece of parseFormat(format)) {
    out += piece.literal;
    if (piece.fieldName === undefined) continue;
    const value = convertField(getField(piece.fieldName, mapping), piece.conversion);
    const spec = piece.formatSpec ? vformat(piece.formatSpec, mapping, depth - 1) : "";
    out += formatSpecValue(value, spec);
  }
  return out;
}

/** Applies a `!conversion`: `r` gives {@link repr}, `s` {@link str}, `a` an ASCII-only repr. */
export function convertField(value: unknown, conversion: string | undefined): unknown {
  if (conversion === undefined) return value;
  if (conversion === "r") return repr(value);
  if (conversion === "s") return str(value);
  // eslint-disable-next-line no-control-regex
  if (conversion === "a") return repr(value).replace(/[^\x00-\x7f]/g, (ch) => asciiEscape(ch));
  throw new FormatError(`Unknown conversion specifier ${conversion}`);
}

function asciiEscape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * The value a field name designates in `mapping`: `a`, then `.attr` and `[key]` steps; a first
 * name ending in `()` is called. As Python, `[0]` is the number 0 and `[x]` the string `"x"`; a
 * `Map` is looked up with `get`.
 * @throws {FormatError} naming the missing key or attribute.
 */
export function getField(fieldName: string, mapping: object): unknown {
  const m = /^[^.[]*/.exec(fieldName);
  let first = m === null ? "" : m[0];
  let rest = fieldName.slice(first.length);
  const callIt = first.endsWith("()");
  if (callIt) first = first.slice(0, -2);
  if (first === "" || /^\d+$/.test(first)) throw new FormatError("tuple index out of range");
  let value = lookupKey(mapping, first);
  if (callIt) {
    if (typeof value !== "function") throw new FormatError(`'${typeName(value)}' object is not callable`);
    value = (value as () => unknown)();
  }
  while (rest !== "") {
    if (rest.startsWith(".")) {
      const a = /^\.([^.[]*)/.exec(rest);
      const attr = a === null ? "" : a[1];
      if (attr === "") throw new FormatError("Empty attribute in format string");
      value = getAttribute(value, attr);
      rest = rest.slice(attr.length + 1);
    } else if (rest.startsWith("[")) {
      const close = rest.indexOf("]");
      if (close < 0) throw new FormatError("Missing ']' in format string");
      const key = rest.slice(1, close);
      if (key === "") throw new FormatError("Empty attribute in format string");
      value = getItem(value, /^\d+$/.test(key) ? Number(key) : key);
      rest = rest.slice(close + 1);
      if (rest !== "" && !rest.startsWith(".") && !rest.startsWith("[")) {
        throw new FormatError("Only '.' or '[' may follow ']' in format field specifier");
      }
    } else {
      throw new FormatError("Only '.' or '[' may follow ']' in format field specifier");
    }
  }
  return value;
}

function lookupKey(mapping: object, key: string): unknown {
  if (mapping instanceof Map) {
    if (!mapping.has(key)) throw new FormatError(`'${key}'`);
    return mapping.get(key);
  }
  if (!(key in mapping)) throw new FormatError(`'${key}'`);
  return (mapping as Record<string, unknown>)[key];
}

function getAttribute(value: unknown, attr: string): unknown {
  if (value === null || value === undefined || !(attr in Object(value))) {
    throw new FormatError(`'${typeName(value)}' object has no attribute '${attr}'`);
  }
  return (value as Record<string, unknown>)[attr];
}

function getItem(value: unknown, key: string | number): unknown {
  if (value instanceof Map) {
    if (value.has(key)) return value.get(key);
    if (typeof key === "number" && value.has(String(key))) return value.get(String(key));
    throw new FormatError(typeof key === "string" ? `'${key}'` : String(key));
  }
  if (Array.isArray(value) || typeof value === "string") {
    if (typeof key !== "number") throw new FormatError(`${typeName(value)} indices must be integers, not str`);
    if (key >= value.length) throw new FormatError(`${typeName(value)} index out of range`);
    return value[key];
  }
  if (value === null || value === undefined || typeof value !== "object" || !(key in value)) {
    if (typeof value !== "object" || value === null) {
      throw new FormatError(`'${typeName(value)}' object is not subscriptable`);
    }
    throw new FormatError(typeof key === "string" ? `'${key}'` : String(key));
  }
  return (value as Record<string | number, unknown>)[key];
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object" || typeof value === "function") {
    try {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      if (ctor && typeof ctor.name === "string" && ctor.name !== "") return ctor.name;
    } catch {
      // A hostile Proxy: fall back to typeof.
    }
  }
  return typeof value === "string" ? "str" : typeof value;
}

/**
 * Python's `repr()` for a JavaScript value, as `{name!r}` shows it: strings quoted and escaped as
 * Python quotes them (`'a task'`, `"it's"`), byte arrays (`Buffer`, `Uint8Array`) as Python's
 * `bytes` (`b'\xe1'`), everything else as `util.inspect` prints it on one line (so a class can
 * choose its repr with `[util.inspect.custom]`). Never throws: a value whose own repr throws
 * gives `[unprintable <type>]`.
 */
export function repr(value: unknown): string {
  try {
    return reprOrThrow(value);
  } catch {
    return `[unprintable ${typeof value}]`;
  }
}

/**
 * {@link repr} that lets a throwing `[util.inspect.custom]` (or Proxy trap) throw, as Python's
 * `repr()` raises what `__repr__` raises. @internal
 */
export function reprOrThrow(value: unknown): string {
  if (typeof value === "string") return pythonStringRepr(value);
  if (value instanceof Uint8Array) return pythonBytesRepr(value);
  // A class or function by its name only: its static members (a `static log`) are noise here.
  if (typeof value === "function") return functionName(value);
  return inspect(value, { breakLength: Infinity, depth: 2 });
}

/**
 * Python's `str()` for a JavaScript value, as `{name}` and `{name!s}` show it: strings as they
 * are, byte arrays as Python's `bytes` (`b'abc'`, as Python's `str(b"abc")`), arrays and plain
 * objects as `util.inspect` prints them, other values via `String()`. Never throws.
 */
export function str(value: unknown): string {
  if (isBytes(value)) return pythonBytesRepr(value);
  if (Array.isArray(value) || typeof value === "function") return repr(value);
  return formatValue(value);
}

/**
 * {@link str} that lets a throwing `toString` or `[util.inspect.custom]` throw, as Python's
 * `str()` raises what `__str__` raises. @internal
 */
export function strOrThrow(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return pythonBytesRepr(value);
  if (Array.isArray(value) || typeof value === "function") return reprOrThrow(value);
  if (value instanceof Error) return String(value.message);
  if (typeof value !== "object" || value === null) return String(value);
  const toString = (value as { toString?: unknown }).toString;
  // A class's own toString (a Date, a Failure) is its str; `[object Object]` would say nothing.
  if (typeof toString === "function" && toString !== Object.prototype.toString) return String(toString.call(value));
  return inspect(value, { breakLength: Infinity, depth: 2 });
}

// Python escapes what is not printable: controls, separators other than the space, unassigned
// code points and lone surrogates.
const NOT_PRINTABLE = /[\p{C}\p{Z}]/u;

/** A string as Python's `repr()` writes it. */
function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NOT_PRINTABLE.test(ch)) out += codePointEscape(ch.codePointAt(0) ?? 0);
    else out += ch;
  }
  return out + quote;
}

function codePointEscape(code: number): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}

function isBytes(value: unknown): value is Uint8Array {
  try {
    return value instanceof Uint8Array;
  } catch {
    return false; // a Proxy whose getPrototypeOf trap throws
  }
}

/** Bytes as Python's `repr(b"...")`: `b'abc\x00'`. */
function pythonBytesRepr(bytes: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const b of bytes) {
    if (b === 0x27) hasSingle = true;
    else if (b === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = "b" + String.fromCharCode(quote);
  for (const b of bytes) {
    if (b === quote || b === 0x5c) out += "\\" + String.fromCharCode(b);
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return out + String.fromCharCode(quote);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function functionName(f: Function): string {
  let isClass = false;
  try {
    isClass = /^class[\s{]/.test(Function.prototype.toString.call(f));
  } catch {
    // A Proxy of a function: shown as a function.
  }
  const name = typeof f.name === "string" && f.name !== "" ? f.name : "(anonymous)";
  return isClass ? `[class ${name}]` : `[Function: ${name}]`;
}

// [[fill]align][sign][z][#][0][width][grouping][.precision][type]
const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/**
 * Formats `value` by a Python format spec (the text after `:`): fill, alignment, sign, `#`, `0`,
 * width, `,`/`_` grouping, precision and the types `s d n b o x X c e E f F g G %`. Numbers use
 * the numeric types; anything else is formatted as its {@link str} text.
 * @throws {FormatError} on an invalid spec, or an integer type given a fractional number.
 */
export function formatSpecValue(value: unknown, spec: string): string {
  if (spec === "") return str(value);
  const m = SPEC.exec(spec);
  if (m === null) throw new FormatError(`Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signChar, , alternate, zero, widthText, grouping, precisionText, type] = m;
  let fill = fillChar ?? " ";
  let align = alignChar;
  if (zero !== undefined && align === undefined) {
    fill = "0";
    align = "=";
  }
  const width = widthText === undefined ? 0 : Number(widthText);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const isNumber = typeof value === "number" || typeof value === "bigint";
  if (!isNumber || type === "s") {
    if (type !== undefined && type !== "s") {
      throw new FormatError(`Unknown format code '${type}' for object of type '${typeName(value)}'`);
    }
    let text = str(value);
    if (precision !== undefined) text = [...text].slice(0, precision).join("");
    return pad("", text, width, fill, align ?? "<");
  }
  const [sign, body] = formatNumber(value, type, precision, alternate !== undefined, grouping);
  const shownSign = sign === "-" ? "-" : signChar === "+" ? "+" : signChar === " " ? " " : "";
  return pad(shownSign, body, width, fill, align ?? ">");
}

function pad(sign: string, body: string, width: number, fill: string, align: string): string {
  const length = sign.length + body.length;
  if (length >= width) return sign + body;
  const missing = width - length;
  switch (align) {
    case "<":
      return sign + body + fill.repeat(missing);
    case "^": {
      const left = Math.floor(missing / 2);
      return fill.repeat(left) + sign + body + fill.repeat(missing - left);
    }
    case "=":
      return sign + fill.repeat(missing) + body;
    default:
      return fill.repeat(missing) + sign + body;
  }
}

/** The sign ("-" or "") and the digits of a number formatted by `type`. */
function formatNumber(
  value: number | bigint,
  type: string | undefined,
  precision: number | undefined,
  alternate: boolean,
  grouping: string | undefined,
): [string, string] {
  const negative = typeof value === "bigint" ? value < 0n : value < 0 || Object.is(value, -0);
  const abs = typeof value === "bigint" ? (negative ? -value : value) : Math.abs(value);
  const sign = negative ? "-" : "";
  const integerTypes = "bcdoxXn";
  if (type !== undefined && integerTypes.includes(type)) {
    if (typeof abs === "number" && !Number.isInteger(abs)) {
      if (type === "n") return [sign, group(floatText(abs, "g", precision, alternate), grouping, 3)];
      throw new FormatError(`Unknown format code '${type}' for object of type 'float'`);
    }
    const big = BigInt(abs);
    switch (type) {
      case "b":
        return [sign, (alternate ? "0b" : "") + group(big.toString(2), grouping, 4)];
      case "o":
        return [sign, (alternate ? "0o" : "") + group(big.toString(8), grouping, 4)];
      case "x":
        return [sign, (alternate ? "0x" : "") + group(big.toString(16), grouping, 4)];
      case "X":
        return [sign, (alternate ? "0X" : "") + group(big.toString(16).toUpperCase(), grouping, 4)];
      case "c":
        return ["", String.fromCodePoint(Number(value))];
      default:
        return [sign, group(big.toString(), grouping, 3)];
    }
  }
  if (typeof abs === "bigint") {
    if (type === undefined) return [sign, group(abs.toString(), grouping, 3)];
    return [sign, group(floatText(Number(abs), type, precision, alternate), grouping, 3)];
  }
  if (type === undefined && precision === undefined) {
    return [sign, group(Number.isInteger(abs) ? abs.toFixed(0) : String(abs), grouping, 3)];
  }
  return [sign, group(floatText(abs, type ?? "g", precision, alternate), grouping, 3)];
}

/** A non-negative number by a float type (`e E f F g G %`). */
function floatText(x: number, type: string, precision: number | undefined, alternate: boolean): string {
  const upper = type === "E" || type === "F" || type === "G";
  if (!Number.isFinite(x)) {
    const text = Number.isNaN(x) ? "nan" : "inf";
    return (upper ? text.toUpperCase() : text) + (type === "%" ? "%" : "");
  }
  const p = precision ?? 6;
  switch (type) {
    case "f":
    case "F":
      return toFixedEven(x, p) + (alternate && p === 0 ? "." : "");
    case "%":
      return toFixedEven(x * 100, p) + "%";
    case "e":
    case "E":
      return exponential(x, p, upper);
    default: {
      // g / G: significant digits, fixed or exponential by the exponent, trailing zeros dropped.
      const sig = p === 0 ? 1 : p;
      if (x === 0) return alternate ? (0).toFixed(sig - 1) : "0";
      const exp = Number(toExponentialEven(x, sig - 1).split("e")[1]);
      if (exp >= -4 && exp < sig) {
        const fixed = toFixedEven(x, sig - 1 - exp);
        return alternate ? fixed : stripZeros(fixed);
      }
      const [mantissa, e] = exponential(x, sig - 1, upper).split(/(?=[eE])/);
      return (alternate ? mantissa : stripZeros(mantissa)) + e;
    }
  }
}

function stripZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

// JavaScript rounds an exact tie (0.25 to one digit) up; Python, to even ("0.2"). A double's
// decimal expansion is exact, so a tie shows as a 5 followed only by zeros in a wider rendering.
const EXTRA = 30;

function toFixedEven(x: number, digits: number): string {
  const plain = x.toFixed(digits);
  if (digits + EXTRA > 100 || x >= 1e21) return plain;
  const wide = x.toFixed(digits + EXTRA);
  const cut = wide.length - EXTRA;
  if (wide[cut] !== "5" || !/^0*$/.test(wide.slice(cut + 1))) return plain;
  const truncated = wide.slice(0, digits === 0 ? cut - 1 : cut);
  return Number(truncated[truncated.length - 1]) % 2 === 0 ? truncated : plain;
}

function toExponentialEven(x: number, digits: number): string {
  const plain = x.toExponential(digits);
  if (digits + EXTRA > 100) return plain;
  const [mantissa, exp] = x.toExponential(digits + EXTRA).split("e");
  const cut = mantissa.length - EXTRA;
  if (mantissa[cut] !== "5" || !/^0*$/.test(mantissa.slice(cut + 1))) return plain;
  const truncated = mantissa.slice(0, digits === 0 ? cut - 1 : cut);
  return Number(truncated[truncated.length - 1]) % 2 === 0 ? `${truncated}e${exp}` : plain;
}

function exponential(x: number, digits: number, upper: boolean): string {
  const [mantissa, exp] = toExponentialEven(x, digits).split("e");
  const e = Number(exp);
  const text = `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return upper ? text.toUpperCase() : text;
}

/** Inserts `separator` every `size` digits of the integer part. */
function group(digits: string, separator: string | undefined, size: number): string {
  if (separator === undefined) return digits;
  const m = /^(0[bxoX])?([0-9a-fA-F]+)(.*)$/.exec(digits);
  if (m === null) return digits;
  const [, prefix = "", int, rest] = m;
  let out = "";
  for (let i = int.length; i > 0; i -= size) out = int.slice(Math.max(0, i - size), i) + (out ? separator + out : "");
  return prefix + out + rest;
}
