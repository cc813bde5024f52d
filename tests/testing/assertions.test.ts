import { expect } from "chai";
import { AssertionError } from "node:assert";
import { Deferred, Failure, fail, succeed } from "../../defer";
import { collectGarbage } from "../helpers/gc";
import { flushLoggedErrors } from "../setup";
import { assertNoResult, failureResultOf, successResultOf } from "../../testing";

class Marked extends Error {
  constructor(readonly mark: string) {
    super(`marked ${mark}`);
  }
}

class Custom extends Error {
  override name = "Custom";
}

describe("successResultOf / failureResultOf / assertNoResult (trial)", () => {
  it("successResultOf returns the result and leaves it in place", () => {
    const d = succeed(3);
    expect(successResultOf(d)).to.equal(3);
    let later: unknown;
    d.addCallback((r) => {
      later = r;
    });
    expect(later).to.equal(3);
  });

  it("successResultOf on a Deferred with no result says so", () => {
    const d = new Deferred();
    expect(() => successResultOf(d)).to.throw(AssertionError, /Success result expected on <Deferred>, found no result instead/);
  });

  it("successResultOf on a failed Deferred shows the traceback and handles the failure", () => {
    const d = fail(new RangeError("bad thing"));
    let message = "";
    try {
      successResultOf(d);
    } catch (e) {
      expect(e).to.be.instanceOf(AssertionError);
      message = (e as Error).message;
    }
    expect(message).to.match(/Success result expected on [\s\S]*, found failure result instead:\n/);
    expect(message).to.contain("RangeError: bad thing");
    // The failure is still there.
    expect(failureResultOf(d, RangeError).value).to.be.instanceOf(RangeError);
  });

  it("failureResultOf returns the Failure of one of the types, left in place", () => {
    const d = fail(new Custom("c"));
    const f = failureResultOf(d, TypeError, Custom);
    expect(f).to.be.instanceOf(Failure);
    expect(f.value).to.be.instanceOf(Custom);
    expect(failureResultOf(d).value).to.equal(f.value);
    d.addErrback(() => null);
  });

  it("failureResultOf names the expected types and shows the failure of another type", () => {
    const d = fail(new Custom("c"));
    expect(() => failureResultOf(d, TypeError, RangeError)).to.throw(
      AssertionError,
      /Failure of type \(TypeError or RangeError\) expected on [\s\S]*, found type Custom instead: /,
    );
  });

  it("failureResultOf on a success or on no result says what it found", () => {
    expect(() => failureResultOf(succeed("yes"))).to.throw(AssertionError, /found success result \('yes'|"yes"|yes\)?.*instead/);
    expect(() => failureResultOf(new Deferred())).to.throw(AssertionError, /Failure result expected on <Deferred>, found no result instead/);
  });

  it("assertNoResult passes on a waiting Deferred and fails with the result otherwise", () => {
    assertNoResult(new Deferred());
    expect(() => assertNoResult(succeed(42))).to.throw(AssertionError, /No result expected on [\s\S]*, found 42 instead/);
    const d = fail(new Custom("boom"));
    expect(() => assertNoResult(d)).to.throw(AssertionError, /found failure/);
    failureResultOf(d, Custom);
  });

  it("a paused Deferred has no result yet", () => {
    const d = succeed(1);
    d.pause();
    assertNoResult(d);
    d.unpause();
    expect(successResultOf(d)).to.equal(1);
  });

  it("a failure read by the helpers is not reported as unhandled; an unread one is", async () => {
    const readMark = `read-${Date.now()}`;
    const unreadMark = `unread-${Date.now()}`;
    (() => {
      failureResultOf(fail(new Marked(readMark)), Marked);
      fail(new Marked(unreadMark));
    })();
    await collectGarbage();
    const marks = flushLoggedErrors(Marked).map((e) => (e.failure?.value as Marked).mark);
    expect(marks).to.include(unreadMark);
    expect(marks).to.not.include(readMark);
  });

  it("rejects what is not a Deferred", () => {
    expect(() => successResultOf(Promise.resolve(1) as never)).to.throw(TypeError, /Deferred/);
  });
});
