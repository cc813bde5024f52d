import { expect } from "chai";
import { Failure, type Deferred, type ErrorType } from "../../defer";

/**
 * The current result of a Deferred; fails the test when it has none yet. With `consume`, the
 * chain goes on with null (a Failure taken off is not reported as unhandled); otherwise the
 * result passes on unchanged.
 */
function currentResultOf(d: Deferred<unknown>, consume: boolean): unknown {
  let got: { r: unknown } | undefined;
  d.addBoth((r) => {
    got = { r };
    return consume ? null : r;
  });
  expect(got, "the Deferred has no result").to.not.equal(undefined);
  return (got as { r: unknown }).r;
}

/**
 * The Failure a Deferred has failed with (Twisted's `failureResultOf`), taken off its chain so it
 * is not reported as unhandled. Fails the test when the Deferred has no result yet, succeeded, or
 * (given `types`) failed with something else.
 */
export function failureOf(d: Deferred<unknown>, ...types: ErrorType[]): Failure {
  const r = currentResultOf(d, true);
  expect(r, "the Deferred succeeded").to.be.instanceOf(Failure);
  const f = r as Failure;
  if (types.length > 0) {
    expect(f.check(...types), `expected ${types.map((t) => t.name).join(" or ")}, got ${String(f)}`).to.not.equal(null);
  }
  return f;
}

/**
 * The result a Deferred has succeeded with (Twisted's `successResultOf`), passed on unchanged.
 * Fails the test when the Deferred has no result yet or failed.
 */
export function successOf<T>(d: Deferred<T>): T {
  const r = currentResultOf(d, false);
  expect(r).to.not.be.instanceOf(Failure);
  return r as T;
}

/** A canceller that fires the Deferred with a success, as Twisted's fakeCallbackCanceller. */
export function fakeCallbackCanceller(d: Deferred<string>): void {
  d.callback("Callback Result");
}
