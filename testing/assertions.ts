/**
 * trial's result assertions on Deferreds: `successResultOf`, `failureResultOf`, `assertNoResult`.
 * @module
 */
import { markObserved } from "../defer/unhandled";
import { AssertionError } from "node:assert";
import { Failure, type ErrorType } from "../core/failure";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";

const NONE = Symbol("no result");

/** The current result of `d` (NONE when it has none), left in place; a Failure read is marked handled. */
function currentResult(caller: string, d: Deferred<unknown>): unknown {
  if (!(d instanceof Deferred)) throw new TypeError(`${caller}: d must be a Deferred, got ${describeValue(d)}`);
  let result: unknown = NONE;
  d.addBoth((r: unknown) => {
    result = r;
    return r;
  });
  if (result instanceof Failure) markObserved(result);
  return result;
}

function fail(message: string, actual?: unknown): never {
  throw new AssertionError({ message, actual, operator: "fail" });
}

function typeName(f: Failure): string {
  const t = f.type;
  return t !== undefined && t.name !== "" ? t.name : typeof f.value;
}

/**
 * The result of `d`, which must have fired successfully. The result stays in the Deferred.
 * @throws AssertionError (node:assert) when `d` has no result yet or failed (with the traceback).
 * @example
 * ```ts
 * expect(successResultOf(succeed(3))).to.equal(3);
 * ```
 */
export function successResultOf<T>(d: Deferred<T>): T {
  const result = currentResult("successResultOf", d);
  if (result === NONE) fail(`Success result expected on ${d.toString()}, found no result instead`);
  if (result instanceof Failure) {
    fail(`Success result expected on ${d.toString()}, found failure result instead:\n${result.getTraceback()}`, result.value);
  }
  return result as T;
}

/**
 * The Failure `d` holds, which must be of one of `types` when any are given. The failure stays
 * in the Deferred and counts as handled (it is not reported as unhandled).
 * @throws AssertionError when `d` has no result, succeeded, or failed with another type.
 * @example
 * ```ts
 * const f = failureResultOf(d, ConnectionRefusedError);
 * ```
 */
export function failureResultOf(d: Deferred<unknown>, ...types: ErrorType[]): Failure {
  const result = currentResult("failureResultOf", d);
  if (result === NONE) fail(`Failure result expected on ${d.toString()}, found no result instead`);
  if (!(result instanceof Failure)) {
    fail(`Failure result expected on ${d.toString()}, found success result (${describeValue(result)}) instead`, result);
  }
  if (types.length > 0 && result.check(...types) === null) {
    const expected = types.map((t) => (typeof t === "function" ? t.name : String(t))).join(" or ");
    fail(
      `Failure of type (${expected}) expected on ${d.toString()}, found type ${typeName(result)} instead: ${result.getTraceback()}`,
      result.value,
    );
  }
  return result;
}

/**
 * Asserts that `d` has no result yet. A failure found is left in place and counts as handled.
 * @throws AssertionError when `d` has a result (saying which).
 */
export function assertNoResult(d: Deferred<unknown>): void {
  const result = currentResult("assertNoResult", d);
  if (result === NONE) return;
  const shown = result instanceof Failure ? `failure ${result.toString()}` : describeValue(result);
  fail(`No result expected on ${d.toString()}, found ${shown} instead`, result instanceof Failure ? result.value : result);
}
