import { expect } from "chai";
import {
  Deferred,
  Failure,
  NotACoroutineError,
  ensureDeferred,
  execute,
  fail,
  maybeDeferred,
  succeed,
} from "../../defer";
import { failureOf } from "../helpers/deferred";

class GenericError extends Error {}

describe("succeed / fail", () => {
  it("succeed gives a fired Deferred", () => {
    const d = succeed("x");
    expect(d.called).to.equal(true);
    expect(d.result).to.equal("x");
  });

  it("fail wraps a value in a Failure, keeps a Failure, and with no argument uses the no-value Error", () => {
    const e = new GenericError("e");
    expect(failureOf(fail(e)).value).to.equal(e);
    const f = new Failure(e);
    expect(failureOf(fail(f))).to.equal(f);
    expect(failureOf(fail()).getErrorMessage()).to.equal("Failure with no value");
    expect(failureOf(fail(undefined)).value).to.equal(undefined);
  });
});

describe("maybeDeferred", () => {
  it("wraps a synchronous result", () => {
    expect(maybeDeferred(() => 10).result).to.equal(10);
  });

  it("passes arguments", () => {
    expect(maybeDeferred((a: number, b: number) => a + b, 2, 3).result).to.equal(5);
  });

  it("turns a synchronous throw into a failed Deferred", () => {
    const e = new GenericError("sync");
    expect(
      failureOf(
        maybeDeferred(() => {
          throw e;
        }),
      ).value,
    ).to.equal(e);
  });

  it("turns a returned Failure into a failed Deferred", () => {
    const f = new Failure(new GenericError("returned"));
    expect(failureOf(maybeDeferred(() => f))).to.equal(f);
  });

  it("returns a returned Deferred as it is", () => {
    const d = new Deferred<number>();
    const r = maybeDeferred(() => d);
    expect(r).to.equal(d);
    d.callback(3);
    expect(r.result).to.equal(3);
  });

  it("returns an asynchronous failure as it comes", () => {
    const d = new Deferred<number>();
    const r = maybeDeferred(() => d);
    d.errback(new GenericError("async"));
    expect(failureOf(r).getErrorMessage()).to.equal("async");
  });

  it("adapts a returned Promise", async () => {
    expect(await maybeDeferred(async () => "p")).to.equal("p");
  });

  it("a non-function fails the Deferred instead of throwing", () => {
    expect(failureOf(maybeDeferred(5 as never)).value).to.be.instanceOf(TypeError);
  });
});

describe("execute", () => {
  it("fires with the return value, or fails with the throw", () => {
    expect(execute((x: number) => x * 2, 4).result).to.equal(8);
    const e = new GenericError("x");
    expect(
      failureOf(
        execute(() => {
          throw e;
        }),
      ).value,
    ).to.equal(e);
  });
});

describe("ensureDeferred", () => {
  it("passes a Deferred through", () => {
    const d = new Deferred();
    expect(ensureDeferred(d)).to.equal(d);
  });

  it("adapts a Promise (an async function's result)", async () => {
    const d = ensureDeferred((async () => 5)());
    expect(d).to.be.instanceOf(Deferred);
    expect(await d).to.equal(5);
  });

  it("drives a generator", () => {
    function* g(): Generator<unknown, string, unknown> {
      const x = yield succeed("a");
      return `${String(x)}b`;
    }
    expect(ensureDeferred(g()).result).to.equal("ab");
  });

  it("refuses anything else with NotACoroutineError (a TypeError)", () => {
    expect(() => ensureDeferred("nope" as never)).to.throw(NotACoroutineError);
    expect(() => ensureDeferred(undefined as never)).to.throw(TypeError);
  });
});
