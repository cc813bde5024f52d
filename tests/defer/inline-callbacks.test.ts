import { expect } from "chai";
import { CancelledError, Deferred, Failure, fail, inlineCallbacks, succeed } from "../../defer";

class GenericError extends Error {}
class UntranslatedError extends Error {}
class TranslatedError extends Error {}
class DontFail extends Error {
  constructor(readonly actualValue: number) {
    super("don't fail");
  }
}

/** Lets pending Promise jobs run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("inlineCallbacks", () => {
  it("sends each yielded Deferred's result back in and fires with the return value", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const f = inlineCallbacks(function* () {
      const x = (yield a) as number;
      const y = (yield b) as number;
      return x + y;
    });
    const d = f();
    expect(d.called).to.equal(false);
    a.callback(1);
    expect(d.called).to.equal(false);
    b.callback(2);
    expect(d.result).to.equal(3);
  });

  it("passes arguments and `this` through", () => {
    const obj = {
      base: 10,
      add: inlineCallbacks(function* (this: { base: number }, n: number) {
        yield succeed(null);
        return this.base + n;
      }),
    };
    expect(obj.add(5).result).to.equal(15);
  });

  it("throws a failed Deferred's Failure value into the generator, where it can be caught", () => {
    const e = new GenericError("inside");
    const f = inlineCallbacks(function* () {
      try {
        yield fail(e);
      } catch (caught) {
        return caught;
      }
      return "not reached";
    });
    expect(f().result).to.equal(e);
  });

  it("fails with what the generator throws (an uncaught failure propagates)", () => {
    const e = new GenericError("escapes");
    const f = inlineCallbacks(function* () {
      yield fail(e);
    });
    const d = f();
    let seen: Failure | undefined;
    d.addErrback((x) => {
      seen = x;
    });
    expect(seen?.value).to.equal(e);
  });

  it("a generator that throws before yielding fails the Deferred (not the call)", () => {
    const f = inlineCallbacks(function* () {
      if (Math.random() < 2) throw new GenericError("buggy");
      yield null;
    });
    const d = f();
    let seen: Failure | undefined;
    d.addErrback((x) => {
      seen = x;
    });
    expect(seen?.getErrorMessage()).to.equal("buggy");
  });

  it("a generator that yields nothing fires with its return value (or undefined)", () => {
    const nothing = inlineCallbacks(function* () {
      if (Math.random() > 2) yield null;
    });
    expect(nothing().result).to.equal(undefined);
    const value = inlineCallbacks(function* () {
      if (Math.random() > 2) yield null;
      return "v";
    });
    expect(value().result).to.equal("v");
  });

  it("yielding a plain value gives it back at once; generator objects too", () => {
    function* inner(): Generator<number, void, unknown> {
      yield 1;
    }
    const g = inner();
    const f = inlineCallbacks(function* () {
      const a = yield 5;
      const b = yield g;
      return [a, b];
    });
    const r = f().result as unknown[];
    expect(r[0]).to.equal(5);
    expect(r[1]).to.equal(g);
  });

  it("yielding a bare Failure throws its value in", () => {
    const e = new GenericError("bare");
    const f = inlineCallbacks(function* () {
      try {
        yield new Failure(e);
      } catch (x) {
        return x;
      }
    });
    expect(f().result).to.equal(e);
  });

  it("yielding a Promise waits for it, and a rejection is thrown in", async () => {
    const e = new GenericError("rejected");
    const f = inlineCallbacks(function* () {
      const v = (yield Promise.resolve(4)) as number;
      try {
        yield Promise.reject(e);
      } catch (x) {
        return [v, x];
      }
    });
    const d = f();
    expect(d.called).to.equal(false);
    await tick();
    expect(d.result).to.deep.equal([4, e]);
  });

  it("a returned Deferred or Promise is waited on", async () => {
    const later = new Deferred<string>();
    const f = inlineCallbacks(function* () {
      yield succeed(1);
      return later;
    });
    const d = f();
    expect(d.result).to.be.instanceOf(Deferred); // waiting on it
    later.callback("from returned Deferred");
    expect(d.result).to.equal("from returned Deferred");
    const g = inlineCallbacks(function* () {
      yield succeed(1);
      return Promise.resolve("from returned Promise");
    });
    expect(await g()).to.equal("from returned Promise");
  });

  it("consumes the yielded Deferred's result (as Twisted: it is left with undefined)", () => {
    const y = succeed("x");
    inlineCallbacks(function* () {
      yield y;
    })();
    expect(y.result).to.equal(undefined);
  });

  it("a yielded Deferred's failure counts as handled by the generator", () => {
    const y = fail(new GenericError("handled by generator"));
    inlineCallbacks(function* () {
      try {
        yield y;
      } catch {
        /* handled */
      }
    })();
    expect(y.result).to.equal(undefined);
  });

  it("10,000 synchronous yields do not grow the stack", () => {
    let shallow: number;
    let deep: number;
    const depth = (): number => (new Error().stack ?? "").split("\n").length;
    const f = inlineCallbacks(function* (n: number) {
      for (let i = 0; i < n; i++) yield succeed(i);
      return depth();
    });
    const prev = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    try {
      shallow = f(1).result as number;
      deep = f(10_000).result as number;
    } finally {
      Error.stackTraceLimit = prev;
    }
    expect(deep).to.equal(shallow);
  });

  it("10,000 asynchronous yields resumed by callbacks do not overflow", () => {
    const ds: Deferred<number>[] = [];
    const f = inlineCallbacks(function* () {
      let total = 0;
      for (let i = 0; i < 10_000; i++) {
        const d = new Deferred<number>();
        ds.push(d);
        total += (yield d) as number;
      }
      return total;
    });
    const result = f();
    for (let i = 0; i < 10_000; i++) ds[i].callback(1);
    expect(result.result).to.equal(10_000);
  });

  it("calling a decorated function that does not return a generator throws TypeError naming inlineCallbacks", () => {
    const notGen = inlineCallbacks((() => 5) as never);
    expect(() => notGen()).to.throw(TypeError, /inlineCallbacks/);
    expect(() => inlineCallbacks(7 as never)).to.throw(TypeError, /inlineCallbacks/);
  });

  describe("cancellation", () => {
    // The generator of Twisted's CancellationTests: yields a child, translates some errors.
    const sample = inlineCallbacks(function* (getChild: () => Deferred<number>) {
      let x: number;
      try {
        x = (yield getChild()) as number;
      } catch (e) {
        if (e instanceof UntranslatedError) throw new TranslatedError();
        if (e instanceof DontFail) x = e.actualValue - 2;
        else throw e;
      }
      return x + 1;
    });

    it("cancelling the result cancels the Deferred it is waiting on", () => {
      let childResult: unknown = "not cancelled";
      const d = sample(() => {
        const child = new Deferred<number>();
        child.addErrback((f) => {
          childResult = f.check(CancelledError);
          return f;
        });
        return child;
      });
      d.addErrback(() => null);
      d.cancel();
      expect(childResult).to.equal(CancelledError);
    });

    it("the CancelledError thrown into the generator fails the result", () => {
      const d = sample(() => new Deferred<number>());
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
      });
      d.cancel();
      expect(seen?.type).to.equal(CancelledError);
    });

    it("the generator may translate the cancellation error into another error", () => {
      const d = sample(() => new Deferred<number>((it) => it.errback(new UntranslatedError())));
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
      });
      d.cancel();
      expect(seen?.type).to.equal(TranslatedError);
    });

    it("the generator may translate the cancellation error into a result", () => {
      const d = sample(() => new Deferred<number>((it) => it.errback(new DontFail(4321))));
      const results: unknown[] = [];
      d.addCallback((r) => results.push(r));
      d.cancel();
      expect(results).to.deep.equal([4320]);
    });

    it("asynchronous cancellation: the result waits until the child's chain lets the generator go on", () => {
      const more = new Deferred<number>();
      const d = sample(() => {
        const child = new Deferred<number>();
        child.addErrback((f) => {
          f.trap(CancelledError);
          return more;
        });
        return child;
      });
      d.cancel();
      expect(d.called && !(d.result instanceof Deferred)).to.equal(false);
      more.callback(6543);
      expect(d.result).to.equal(6544);
    });

    it("a Promise being waited on is abandoned and CancelledError thrown in at once", async () => {
      let resolveIt: (v: number) => void = () => undefined;
      const p = new Promise<number>((r) => (resolveIt = r));
      const seenInside: unknown[] = [];
      const f = inlineCallbacks(function* () {
        try {
          yield p;
        } catch (e) {
          seenInside.push(e);
          throw e;
        }
      });
      const d = f();
      let seen: Failure | undefined;
      d.addErrback((x) => {
        seen = x;
      });
      d.cancel();
      expect(seenInside).to.have.length(1);
      expect(seenInside[0]).to.be.instanceOf(CancelledError);
      expect(seen?.type).to.equal(CancelledError);
      resolveIt(1);
      await tick();
      expect(seenInside).to.have.length(1);
    });

    it("a generator that catches the cancellation may go on waiting and return later", () => {
      const second = new Deferred<string>();
      const f = inlineCallbacks(function* () {
        try {
          yield new Deferred<string>();
        } catch {
          return (yield second) as string;
        }
        return "not reached";
      });
      const d = f();
      d.cancel();
      expect(d.called && !(d.result instanceof Deferred)).to.equal(false);
      second.callback("after cancel");
      expect(d.result).to.equal("after cancel");
      // Cancelling again now cancels the new thing it waits on: nothing left, so no effect.
      d.cancel();
      expect(d.result).to.equal("after cancel");
    });

    it("cancelling twice while the generator keeps waiting cancels each awaited Deferred", () => {
      const cancelled: string[] = [];
      const f = inlineCallbacks(function* () {
        for (const name of ["first", "second"]) {
          try {
            yield new Deferred<string>(() => {
              cancelled.push(name);
            });
          } catch {
            /* go on */
          }
        }
        return "finished";
      });
      const d = f();
      d.cancel();
      expect(cancelled).to.deep.equal(["first"]);
      d.cancel();
      expect(cancelled).to.deep.equal(["first", "second"]);
      expect(d.result).to.equal("finished");
    });
  });
});
