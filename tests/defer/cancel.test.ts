import { expect } from "chai";
import { AlreadyCalledError, CancelledError, Deferred, Failure } from "../../defer";
import { flushLoggedErrors } from "../setup";

class GenericError extends Error {}

/** Records what reached the end of a Deferred's chain (Twisted's DeferredCancellerTests fixture). */
function watch<T>(d: Deferred<T>): { results: unknown[]; failures: Failure[] } {
  const seen = { results: [] as unknown[], failures: [] as Failure[] };
  d.addCallbacks(
    (r: T) => {
      seen.results.push(r);
      return r;
    },
    (f: Failure) => {
      seen.failures.push(f);
    },
  );
  return seen;
}

describe("Deferred.cancel", () => {
  it("with no canceller, errbacks with CancelledError and does not callback", () => {
    const d = new Deferred<void>();
    const seen = watch(d);
    d.cancel();
    expect(seen.results).to.deep.equal([]);
    expect(seen.failures).to.have.length(1);
    expect(seen.failures[0].type).to.equal(CancelledError);
  });

  it("with no canceller, one later callback is swallowed, the next raises", () => {
    const d = new Deferred<void>();
    watch(d);
    d.cancel();
    d.callback();
    expect(() => d.callback()).to.throw(AlreadyCalledError);
    expect(() => d.errback(new Error())).to.throw(AlreadyCalledError);
  });

  it("with no canceller, one later errback is swallowed, the next raises", () => {
    const d = new Deferred<void>();
    const seen = watch(d);
    d.cancel();
    d.errback(new GenericError());
    expect(seen.failures[0].type).to.equal(CancelledError);
    expect(() => d.callback()).to.throw(AlreadyCalledError);
    expect(() => d.errback(new Error())).to.throw(AlreadyCalledError);
  });

  it("with no canceller, cancels after cancel-and-callback have no effect", () => {
    const d = new Deferred<void>();
    const seen = watch(d);
    d.cancel();
    const first = seen.failures[0];
    d.callback();
    d.cancel();
    expect(seen.failures).to.deep.equal([first]);
  });

  it("cancelling twice errbacks once and calls the canceller once", () => {
    let calls = 0;
    const d = new Deferred<void>(() => {
      calls++;
    });
    const seen = watch(d);
    d.cancel();
    d.cancel();
    expect(calls).to.equal(1);
    expect(seen.failures).to.have.length(1);
    expect(seen.failures[0].type).to.equal(CancelledError);
  });

  it("calls the canceller with the Deferred, and later calls are not swallowed", () => {
    let given: unknown;
    const d = new Deferred<void>((x) => {
      given = x;
    });
    watch(d);
    d.cancel();
    expect(given).to.equal(d);
    expect(() => d.callback()).to.throw(AlreadyCalledError);
    expect(() => d.errback(new Error())).to.throw(AlreadyCalledError);
  });

  it("does nothing to a Deferred that already has a result", () => {
    let calls = 0;
    const ok = new Deferred<string>(() => calls++);
    const okSeen = watch(ok);
    ok.callback("biff!");
    ok.cancel();
    const bad = new Deferred<string>(() => calls++);
    const badSeen = watch(bad);
    bad.errback(new GenericError());
    bad.cancel();
    expect(calls).to.equal(0);
    expect(okSeen.results).to.deep.equal(["biff!"]);
    expect(okSeen.failures).to.deep.equal([]);
    expect(badSeen.failures[0].type).to.equal(GenericError);
  });

  it("a canceller that errbacks decides the failure", () => {
    const d = new Deferred<void>((x) => x.errback(new GenericError("mine")));
    const seen = watch(d);
    d.cancel();
    expect(seen.failures).to.have.length(1);
    expect(seen.failures[0].type).to.equal(GenericError);
  });

  it("a canceller that callbacks decides the result", () => {
    const d = new Deferred<string>((x) => x.callback("hello!"));
    const seen = watch(d);
    d.cancel();
    expect(seen.results).to.deep.equal(["hello!"]);
    expect(seen.failures).to.deep.equal([]);
  });

  it("a throwing canceller is reported and the Deferred still fails with CancelledError", () => {
    const d = new Deferred<void>(() => {
      throw new GenericError("canceller broke");
    });
    const seen = watch(d);
    d.cancel();
    expect(seen.failures).to.have.length(1);
    expect(seen.failures[0].type).to.equal(CancelledError);
    const logged = flushLoggedErrors(GenericError);
    expect(logged).to.have.length(1);
    expect(logged[0].level).to.equal("error");
    expect(logged[0].failure?.getErrorMessage()).to.equal("canceller broke");
  });

  it("forwards to the Deferred it is waiting on", () => {
    let innerCancels = 0;
    const b = new Deferred<void>(() => {
      innerCancels++;
    });
    const a = new Deferred<void>(() => {
      throw new Error("the outer canceller must not run");
    });
    a.callback();
    a.addCallback(() => b);
    a.cancel();
    const seen = watch(a);
    expect(innerCancels).to.equal(1);
    expect(seen.failures).to.have.length(1);
    expect(seen.failures[0].type).to.equal(CancelledError);
  });
});

describe("AlreadyCalledError", () => {
  for (const [first, second] of [
    ["callback", "callback"],
    ["callback", "errback"],
    ["errback", "callback"],
    ["errback", "errback"],
  ] as const) {
    it(`${first} then ${second} raises AlreadyCalledError`, () => {
      const d = new Deferred<number>();
      d.addErrback(() => null); // handle the failure path
      if (first === "callback") d.callback(1);
      else d.errback(new GenericError());
      expect(() => (second === "callback" ? d.callback(2) : d.errback(new GenericError()))).to.throw(
        AlreadyCalledError,
      );
    });
  }

  it("the result stays the first one", () => {
    const d = new Deferred<number>();
    d.callback(1);
    expect(() => d.callback(2)).to.throw(AlreadyCalledError);
    expect(d.result).to.equal(1);
  });
});
