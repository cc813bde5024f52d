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
