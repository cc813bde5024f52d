import { expect } from "chai";
import { Failure, type Deferred, type ErrorType } from "../../defer";

/**
 * The Failure a Deferred has failed with (Twisted's `failureResultOf`), taken off its chain so it
 * is not reported as unhandled. Fails the test when the Deferred has no result yet, succeeded, or
 * (given `types`) failed with something else.
 */
export function failureOf(d: Deferred<unknown>, ...types: ErrorType[]): Failure {
  let got: { r: unknown } | undefined;
  d.addBoth((r) => {
    got = { r };
    return null;
  });
  expect(got, "the Deferred has no result").to.not.equal(undefined);
  const r = (got as { r: unknown }).r;
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
  let got: { r: unknown } | undefined;
  d.addBoth((r) => {
    got = { r };
    return r;
  });
  expect(got, "the Deferred has no result").to.not.equal(undefined);
  const r = (got as { r: unknown }).r;
  expect(r).to.not.be.instanceOf(Failure);
  return r as T;
}

/** A canceller that fires the Deferred with a success, as Twisted's fakeCallbackCanceller. */
export function fakeCallbackCanceller(d: Deferred<string>): void {
  d.callback("Callback Result");
}
