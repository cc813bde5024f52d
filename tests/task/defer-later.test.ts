import { expect } from "chai";
import { CancelledError, Deferred, Failure, TimeoutError } from "../../defer";
import { Clock, TimedOutError, deferLater, timeoutDeferred } from "../../task";
import { failureOf } from "../helpers/deferred";

class TestException extends Error {}

describe("deferLater", () => {
  it("fires with f's result after the delay, f called with the arguments", () => {
    const clock = new Clock();
    const calls: unknown[][] = [];
    const d = deferLater(clock, 3, (a: string, b: string) => {
      calls.push([a, b]);
      return "foo";
    }, "a", "b");
    clock.advance(2);
    expect(d.called).to.equal(false);
    expect(calls).to.deep.equal([]);
    clock.advance(1);
    expect(calls).to.deep.equal([["a", "b"]]);
    expect(d.result).to.equal("foo");
  });

  it("fails with what f throws", () => {
    const clock = new Clock();
    const d = deferLater(clock, 1, () => {
      throw new TestException("f failed");
    });
    clock.advance(1);
    expect(failureOf(d).value).to.be.instanceOf(TestException);
  });

  it("with no f, fires with undefined", () => {
    const clock = new Clock();
    const d = deferLater(clock, 1);
    clock.advance(1);
    expect(d.called).to.equal(true);
    expect(d.result).to.equal(undefined);
  });

  it("waits on a Deferred returned by f", () => {
    const clock = new Clock();
    const inner = new Deferred<string>();
    const d = deferLater(clock, 1, () => inner);
    clock.advance(1);
    expect(d.result).to.equal(inner);
    inner.callback("done");
    expect(d.result).to.equal("done");
  });

  it("cancelling it removes the delayed call (f never runs) and fails with CancelledError", () => {
    const clock = new Clock();
    let ran = false;
    const d = deferLater(clock, 1, () => {
      ran = true;
    });
    expect(clock.getDelayedCalls()).to.have.length(1);
    d.cancel();
    expect(clock.getDelayedCalls()).to.deep.equal([]);
    clock.advance(5);
    expect(ran).to.equal(false);
    expect(failureOf(d).type).to.equal(CancelledError);
  });

  it("rejects a bad delay or a non-function at the call", () => {
    const clock = new Clock();
    expect(() => deferLater(clock, -1)).to.throw(RangeError);
    expect(() => deferLater(clock, NaN)).to.throw(RangeError);
    expect(() => deferLater(clock, 1, 3 as never)).to.throw(TypeError);
  });
});

describe("timeoutDeferred (the 'Timing out outstanding tasks' howto)", () => {
  it("returns d itself", () => {
    const d = new Deferred<number>();
    expect(timeoutDeferred(d, 1, new Clock())).to.equal(d);
  });

  it("by default translates the timeout's CancelledError into TimedOutError", () => {
    const clock = new Clock();
    // As the howto: a call that takes longer than the timeout allows.
    const d = deferLater(clock, 5, () => "This will never be printed");
    timeoutDeferred(d, 3, clock);
    clock.advance(3);
    const f = failureOf(d);
    expect(f.value).to.be.instanceOf(TimedOutError);
    expect(f.value).to.be.instanceOf(TimeoutError); // trapping defer's TimeoutError catches it too
    expect((f.value as TimedOutError).timeout).to.equal(3);
    expect(clock.getDelayedCalls()).to.deep.equal([]); // the deferLater's call was cancelled
  });

  it("a result before the timeout passes through and the pending timeout is cancelled", () => {
    const clock = new Clock();
    const d = deferLater(clock, 1, () => "fast");
    timeoutDeferred(d, 3, clock);
    clock.advance(1);
    expect(d.result).to.equal("fast");
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("a custom canceller's error reaches the translation", () => {
    const clock = new Clock();
    class MyCancel extends Error {}
    const d = new Deferred<string>((self) => self.errback(new MyCancel("custom canceller")));
    const seen: unknown[] = [];
    timeoutDeferred(d, 2, clock, (result, timeout) => {
      seen.push((result as Failure).type, timeout);
      return result;
    });
    clock.advance(2);
    expect(seen).to.deep.equal([MyCancel, 2]);
    expect(failureOf(d).type).to.equal(MyCancel);
  });

  it("the translation also sees a success result produced by the cancellation", () => {
    const clock = new Clock();
    const d = new Deferred<string>((self) => self.callback("cancelled with a value"));
    const seen: unknown[] = [];
    timeoutDeferred(d, 2, clock, (result) => {
      seen.push(result);
      return `translated: ${String(result)}`;
    });
    clock.advance(2);
    expect(seen).to.deep.equal(["cancelled with a value"]);
    expect(d.result).to.equal("translated: cancelled with a value");
  });

  it("a translation may give a default value instead of a failure", () => {
    const clock = new Clock();
    const d = deferLater(clock, 10, () => "slow");
    timeoutDeferred(d, 1, clock, () => "default value");
    clock.advance(1);
    expect(d.result).to.equal("default value");
  });

  it("a user's own cancel() is not a timeout: the CancelledError stays, the translation is not called", () => {
    const clock = new Clock();
    const d = deferLater(clock, 10, () => "slow");
    let translated = false;
    timeoutDeferred(d, 5, clock, () => {
      translated = true;
      return "nope";
    });
    d.cancel();
    expect(translated).to.equal(false);
    expect(failureOf(d).type).to.equal(CancelledError);
    expect(clock.getDelayedCalls()).to.deep.equal([]);
  });

  it("rejects bad arguments at the call", () => {
    const clock = new Clock();
    expect(() => timeoutDeferred(new Deferred(), -1, clock)).to.throw(RangeError);
    expect(() => timeoutDeferred(new Deferred(), 1, clock, "x" as never)).to.throw(TypeError);
    expect(() => timeoutDeferred({} as never, 1, clock)).to.throw(TypeError);
  });
});
