import { expect } from "chai";
import { CancelledError, Deferred, Failure, TimeoutError } from "../../defer";
import { Clock } from "../../task";
import { failureOf } from "../helpers/deferred";

const override = (): string => "OVERRIDDEN";

describe("Deferred.addTimeout", () => {
  it("returns its own Deferred, so it chains", () => {
    const d = new Deferred<null>();
    expect(d.addTimeout(5, new Clock())).to.equal(d);
    d.addCallback(() => "done");
    d.callback(null);
    expect(d.result).to.equal("done");
  });

  for (const custom of [false, true]) {
    const label = custom ? " (custom onTimeoutCancel)" : "";

    it(`a result before the timeout passes through and nothing is cancelled later${label}`, () => {
      const clock = new Clock();
      const d = new Deferred<string>();
      d.addTimeout(10, clock, custom ? override : undefined);
      const inner = new Deferred<null>();
      let seen: unknown;
      d.addCallback((r) => {
        seen = r;
        return inner;
      });
      d.callback("results");
      expect(seen).to.equal("results");
      clock.advance(15);
      expect(inner.called).to.equal(false);
      expect(clock.getDelayedCalls()).to.deep.equal([]);
    });

    it(`a failure before the timeout passes through and nothing is cancelled later${label}`, () => {
      const clock = new Clock();
      const d = new Deferred<null>();
      d.addTimeout(10, clock, custom ? override : undefined);
      const inner = new Deferred<null>();
      const error = new RangeError("fail");
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
        return inner;
      });
      d.errback(error);
      expect(seen?.value).to.equal(error);
      clock.advance(15);
      expect(inner.called).to.equal(false);
    });

    it(`a manual cancel before the timeout keeps the CancelledError${label}`, () => {
      const clock = new Clock();
      const d = new Deferred<null>();
      d.addTimeout(10, clock, custom ? override : undefined);
      const inner = new Deferred<null>();
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
        return inner;
      });
      d.cancel();
      expect(seen?.type).to.equal(CancelledError);
      clock.advance(15);
      expect(inner.called).to.equal(false);
    });
  }

  it("times out with TimeoutError by default", () => {
    const clock = new Clock();
    const d = new Deferred<null>();
    d.addTimeout(10, clock);
    clock.advance(9.999);
    expect(d.called).to.equal(false);
    clock.advance(0.001);
    const f = failureOf(d);
    expect(f.value).to.be.instanceOf(TimeoutError);
    expect((f.value as TimeoutError).timeout).to.equal(10);
  });

  it("a custom onTimeoutCancel's return value becomes the result", () => {
    const clock = new Clock();
    const d = new Deferred<string>();
    const seen: unknown[] = [];
    d.addTimeout(10, clock, (result, timeout) => {
      seen.push((result as Failure).type, timeout);
      return "OVERRIDDEN";
    });
    clock.advance(15);
    expect(d.result).to.equal("OVERRIDDEN");
    expect(seen).to.deep.equal([CancelledError, 10]);
  });

  it("a canceller's non-failure result is the result when it times out", () => {
    const clock = new Clock();
    const d = new Deferred<string>((c) => c.callback("I was cancelled!"));
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(d.result).to.equal("I was cancelled!");
  });

  it("a canceller's own failure (not CancelledError) passes through when it times out", () => {
    const clock = new Clock();
    const error = new RangeError("what!");
    const d = new Deferred<null>((c) => c.errback(error));
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(failureOf(d).value).to.equal(error);
  });

  it("a custom translation handles a canceller's own failure too", () => {
    const clock = new Clock();
    const d = new Deferred<null>((c) => c.errback(new RangeError("what!")));
    d.addTimeout(10, clock, override);
    clock.advance(15);
    expect(d.result).to.equal("OVERRIDDEN");
  });

  it("an errback added before the timeout sees the CancelledError; passed on, it becomes TimeoutError", () => {
    const clock = new Clock();
    const d = new Deferred<null>();
    let seen: Failure | undefined;
    d.addErrback((f) => {
      seen = f;
      return f;
    });
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(seen?.value).to.be.instanceOf(CancelledError);
    expect(failureOf(d).value).to.be.instanceOf(TimeoutError);
  });

  it("an errback added before the timeout may suppress the cancellation", () => {
    const clock = new Clock();
    const d = new Deferred<null>();
    let seen: Failure | undefined;
    d.addErrback((f) => {
      seen = f;
      f.trap(CancelledError);
      return null;
    });
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(seen?.value).to.be.instanceOf(CancelledError);
    expect(d.result).to.equal(null);
  });

  it("with a custom translation, it runs after an errback added before (passing or suppressing)", () => {
    for (const suppress of [false, true]) {
      const clock = new Clock();
      const d = new Deferred<null>();
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
        return suppress ? null : f;
      });
      d.addTimeout(10, clock, override);
      clock.advance(15);
      expect(seen?.value).to.be.instanceOf(CancelledError);
      expect(d.result).to.equal("OVERRIDDEN");
    }
  });

  it("a callback added before the timeout runs when a canceller resumes the chain", () => {
    for (const custom of [false, true]) {
      const clock = new Clock();
      const d = new Deferred<string>((c) => c.callback("success"));
      let seen: unknown;
      d.addCallback((v) => {
        seen = v;
        return v;
      });
      d.addTimeout(10, clock, custom ? override : undefined);
      clock.advance(15);
      expect(seen).to.equal("success");
      expect(d.result).to.equal(custom ? "OVERRIDDEN" : "success");
    }
  });

  it("the timeout covers callbacks added before it, not those added after", () => {
    const clock = new Clock();
    const d = new Deferred<null>();
    const order: string[] = [];
    d.addErrback((f) => {
      order.push(`before: ${f.type === CancelledError ? "CancelledError" : "other"}`);
      return f;
    });
    d.addTimeout(1, clock);
    d.addErrback((f) => {
      order.push(`after: ${f.type === TimeoutError ? "TimeoutError" : "other"}`);
      return null;
    });
    clock.advance(1);
    expect(order).to.deep.equal(["before: CancelledError", "after: TimeoutError"]);
  });

  it("rejects a bad timeout or translation at the call", () => {
    const clock = new Clock();
    expect(() => new Deferred().addTimeout(-1, clock)).to.throw(RangeError);
    expect(() => new Deferred().addTimeout(NaN, clock)).to.throw(RangeError);
    expect(() => new Deferred().addTimeout(1, clock, 5 as never)).to.throw(TypeError);
  });
});
