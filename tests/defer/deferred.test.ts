import { expect } from "chai";
import { Deferred, Failure, succeed, fail } from "../../defer";
import { collectGarbage } from "../helpers/gc";

class GenericError extends Error {}

/** The current result of a fired Deferred, read through the public API. */
function resultOf<T>(d: Deferred<T>): unknown {
  expect(d.called, "Deferred has not fired").to.equal(true);
  return d.result;
}

describe("Deferred: callbacks and errbacks", () => {
  it("runs a callback with the result", () => {
    const seen: unknown[] = [];
    const d = new Deferred<string>();
    d.addCallback((r) => seen.push(r));
    expect(seen).to.deep.equal([]);
    d.callback("hello");
    expect(seen).to.deep.equal(["hello"]);
  });

  it("passes extra arguments after the result", () => {
    const seen: unknown[] = [];
    const d = new Deferred<string>();
    d.addCallback((r: string, a: number, b: string) => seen.push([r, a, b]), 1, "two");
    d.callback("hello");
    expect(seen).to.deep.equal([["hello", 1, "two"]]);
  });

  it("feeds each callback the previous one's return value", () => {
    const d = new Deferred<number>();
    d.addCallback((n) => n + 1).addCallback((n) => n * 10);
    d.callback(1);
    expect(resultOf(d)).to.equal(20);
  });

  it("returns the same Deferred from every add* method", () => {
    const d = new Deferred<number>();
    expect(d.addCallback((x) => x)).to.equal(d);
    expect(d.addErrback((f) => f)).to.equal(d);
    expect(d.addBoth((x) => x)).to.equal(d);
    expect(d.addCallbacks((x) => x, (f) => f)).to.equal(d);
  });

  it("addCallbacks with no errback passes failures through", () => {
    const d = new Deferred<number>();
    d.addCallbacks((x) => x, null);
    const seen: Failure[] = [];
    d.addErrback((f) => {
      seen.push(f);
    });
    const e = new GenericError("x");
    d.errback(e);
    expect(seen).to.have.length(1);
    expect(seen[0].value).to.equal(e);
  });

  it("addCallbacks passes callbackArgs and errbackArgs to the right function", () => {
    const seen: unknown[] = [];
    const ok = new Deferred<string>();
    ok.addCallbacks(
      (r: string, x: number) => seen.push(["cb", r, x]),
      (f: Failure, y: number) => seen.push(["eb", f.getErrorMessage(), y]),
      { callbackArgs: [1], errbackArgs: [2] },
    );
    ok.callback("fine");
    const bad = new Deferred<string>();
    bad.addCallbacks(
      (r: string, x: number) => seen.push(["cb", r, x]),
      (f: Failure, y: number) => seen.push(["eb", f.getErrorMessage(), y]),
      { callbackArgs: [1], errbackArgs: [2] },
    );
    bad.errback(new Error("broken"));
    expect(seen).to.deep.equal([
      ["cb", "fine", 1],
      ["eb", "broken", 2],
    ]);
  });

  it("addCallbacks: an error thrown by its callback does not reach its own errback", () => {
    const seen: string[] = [];
    const d = new Deferred<number>();
    d.addCallbacks(
      () => {
        throw new GenericError("from cb");
      },
      () => seen.push("own errback"),
    );
    d.addErrback((f) => {
      seen.push(`next errback: ${f.getErrorMessage()}`);
    });
    d.callback(1);
    expect(seen).to.deep.equal(["next errback: from cb"]);
  });

  it("addBoth sees both results and failures", () => {
    const seen: unknown[] = [];
    const a = new Deferred<number>();
    a.addBoth((r) => seen.push(r instanceof Failure ? "failure" : r));
    a.callback(5);
    const b = new Deferred<number>();
    b.addBoth((r) => seen.push(r instanceof Failure ? "failure" : r));
    b.errback(new Error("no"));
    expect(seen).to.deep.equal([5, "failure"]);
  });

  it("runs a callback added after the result at once, inside addCallback", () => {
    const d = succeed("now");
    let seen: unknown = "not yet";
    d.addCallback((r) => {
      seen = r;
    });
    expect(seen).to.equal("now");
  });

  it("an immediate failure goes to the errback", () => {
    const d = fail(new GenericError("bad"));
    let caught: Failure | undefined;
    d.addErrback((f) => {
      caught = f;
    });
    expect(caught?.value).to.be.instanceOf(GenericError);
  });

  it("a throwing callback switches to the errback chain; an errback's return switches back", () => {
    const log: string[] = [];
    const d = new Deferred<number>();
    d.addCallback(() => {
      throw new GenericError("oops");
    })
      .addCallback(() => log.push("skipped"))
      .addErrback((f) => {
        log.push(`errback ${f.getErrorMessage()}`);
        return "recovered";
      })
      .addCallback((r) => log.push(`callback ${r}`));
    d.callback(0);
    expect(log).to.deep.equal(["errback oops", "callback recovered"]);
  });

  it("a callback returning a Failure takes the errback chain", () => {
    const d = new Deferred<number>();
    const f = new Failure(new GenericError("returned"));
    let seen: Failure | undefined;
    d.addCallback(() => f).addErrback((x) => {
      seen = x;
    });
    d.callback(1);
    expect(seen).to.equal(f);
  });

  it("a thrown Failure continues the errback chain with that same object", () => {
    const f = new Failure(new GenericError("thrown"));
    const d = new Deferred<number>();
    let seen: Failure | undefined;
    d.addCallback(() => {
      throw f;
    }).addErrback((x) => {
      seen = x;
    });
    d.callback(1);
    expect(seen).to.equal(f);
  });

  it("trap() inside an errback passes an unmatched Failure on untouched", () => {
    class Other extends Error {}
    const original = new Failure(new GenericError("g"));
    const d = new Deferred<number>();
    let seen: Failure | undefined;
    d.addErrback((f) => f.trap(Other)).addErrback((f) => {
      seen = f;
    });
    d.errback(original);
    expect(seen).to.equal(original);
  });

  it("wraps a thrown non-Error in a Failure holding that value", () => {
    const d = new Deferred<number>();
    let seen: Failure | undefined;
    d.addCallback(() => {
      throw "a string";
    }).addErrback((f) => {
      seen = f;
    });
    d.callback(1);
    expect(seen?.value).to.equal("a string");
  });

  it("callback(aFailure) runs the errback chain", () => {
    const d = new Deferred<unknown>();
    const f = new Failure(new GenericError("via callback"));
    let seen: Failure | undefined;
    d.addErrback((x) => {
      seen = x;
    });
    d.callback(f);
    expect(seen).to.equal(f);
  });

  it("errback() with no argument uses Error('Failure with no value')", () => {
    const d = new Deferred<number>();
    let seen: Failure | undefined;
    d.addErrback((f) => {
      seen = f;
    });
    d.errback();
    expect(seen?.value).to.be.instanceOf(Error);
    expect(seen?.getErrorMessage()).to.equal("Failure with no value");
  });

  it("errback(undefined) wraps undefined as the value", () => {
    const d = new Deferred<number>();
    let seen: Failure | undefined;
    d.addErrback((f) => {
      seen = f;
    });
    d.errback(undefined);
    expect(seen).to.be.instanceOf(Failure);
    expect(seen?.value).to.equal(undefined);
  });

  it("errback wraps a non-Failure value and keeps a Failure as is", () => {
    const e = new GenericError("e");
    const a = new Deferred<number>();
    let fa: Failure | undefined;
    a.addErrback((f) => {
      fa = f;
    });
    a.errback(e);
    expect(fa?.value).to.equal(e);
    const f = new Failure(e);
    const b = new Deferred<number>();
    let fb: Failure | undefined;
    b.addErrback((x) => {
      fb = x;
    });
    b.errback(f);
    expect(fb).to.equal(f);
  });

  it("result is undefined before firing and the current result after", () => {
    const d = new Deferred<number>();
    expect(d.called).to.equal(false);
    expect(d.result).to.equal(undefined);
    d.addCallback((n) => n + 1);
    d.callback(1);
    expect(d.called).to.equal(true);
    expect(d.result).to.equal(2);
  });

  it("result is undefined before firing even with a canceller, which cancel() still calls", () => {
    let calls = 0;
    const d = new Deferred<number>(() => calls++);
    expect(d.result).to.equal(undefined);
    d.addCallback((n) => n + 1);
    expect(d.result).to.equal(undefined);
    d.addErrback(() => -1);
    d.cancel();
    expect(calls).to.equal(1);
    expect(d.result).to.equal(-1);
  });

  it("runs any number of steps in order (the first three are kept apart from the rest)", () => {
    for (const count of [1, 2, 3, 4, 5, 70, 1000]) {
      const seen: number[] = [];
      const d = new Deferred<number>();
      for (let i = 0; i < count; i++) {
        if (i % 3 === 2) d.addBoth((r) => (seen.push(i), r));
        else d.addCallback((r) => (seen.push(i), r + 1));
      }
      d.callback(0);
      expect(seen, `${count} steps`).to.deep.equal(Array.from({ length: count }, (_, i) => i));
      expect(d.result).to.equal(count - Math.floor(count / 3));
    }
  });

  it("runs steps that its own callbacks add, after the ones already there, past the first three", () => {
    const seen: string[] = [];
    const d = new Deferred<number>();
    d.addCallback((r) => {
      seen.push("a");
      for (const name of ["x", "y", "z", "w"]) d.addCallback((v) => (seen.push(name), v));
      return r;
    });
    d.addCallback((r) => (seen.push("b"), r));
    d.callback(1);
    expect(seen).to.deep.equal(["a", "b", "x", "y", "z", "w"]);
  });

  it("a fired Deferred given steps one at a time, many times, runs each at once with the current result", () => {
    const d = succeed(0);
    for (let i = 0; i < 1000; i++) d.addCallback((r) => r + 1);
    expect(d.result).to.equal(1000);
    // After a burst of steps added while paused, it still works both ways.
    d.pause();
    for (let i = 0; i < 100; i++) d.addCallback((r) => r + 1);
    expect(d.result).to.equal(1000);
    d.unpause();
    expect(d.result).to.equal(1100);
    d.addCallback((r) => r * 2);
    expect(d.result).to.equal(2200);
  });

  it("does not keep the callbacks it has run, nor what they close over (in the first three steps or after)", async () => {
    const d = new Deferred<number>();
    const refs: Array<WeakRef<object>> = [];
    // Made in a function of their own so that nothing here keeps them.
    const addSteps = (): void => {
      for (let i = 0; i < 5; i++) {
        const captured = { i };
        refs.push(new WeakRef(captured));
        d.addCallback((r) => r + captured.i);
      }
    };
    addSteps();
    d.callback(0);
    expect(d.result).to.equal(10);
    await collectGarbage(() => refs.every((r) => r.deref() === undefined));
    expect(refs.map((r) => r.deref())).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
  });

  describe("bad input", () => {
    it("rejects non-function callbacks with a TypeError when added", () => {
      const d = new Deferred<number>();
      expect(() => d.addCallback(42 as never)).to.throw(TypeError, /callback must be a function/);
      expect(() => d.addErrback("x" as never)).to.throw(TypeError, /errback must be a function/);
      expect(() => d.addBoth(null as never)).to.throw(TypeError);
      expect(() => d.addCallbacks(undefined as never)).to.throw(TypeError);
      expect(() => d.addCallbacks((x) => x, 5 as never)).to.throw(TypeError, /errback/);
      // Nothing was added: firing runs no callback and leaves the value in place.
      d.callback(7);
      expect(d.result).to.equal(7);
    });

    it("rejects a non-function canceller", () => {
      expect(() => new Deferred(3 as never)).to.throw(TypeError, /canceller/);
    });

    it("callback(aDeferred) throws a TypeError and leaves the Deferred unfired", () => {
      const d = new Deferred<unknown>();
      expect(() => d.callback(new Deferred())).to.throw(TypeError);
      expect(d.called).to.equal(false);
    });

    it("callback(aThenable) treats the thenable as an ordinary value", () => {
      const p = Promise.resolve(5);
      const d = new Deferred<Promise<number>>();
      d.callback(p);
      expect(d.result).to.equal(p);
    });
  });
});

describe("Deferred: pause and unpause", () => {
  it("holds callbacks while paused, runs them on unpause", () => {
    const seen: unknown[] = [];
    const d = new Deferred<number>();
    d.pause();
    d.addCallback((r) => seen.push(r));
    d.callback(1);
    expect(seen).to.deep.equal([]);
    expect(d.paused).to.equal(1);
    d.unpause();
    expect(seen).to.deep.equal([1]);
    expect(d.paused).to.equal(0);
  });

  it("needs as many unpauses as pauses", () => {
    const seen: unknown[] = [];
    const d = succeed(1);
    d.pause();
    d.pause();
    d.addCallback((r) => seen.push(r));
    d.unpause();
    expect(seen).to.deep.equal([]);
    d.unpause();
    expect(seen).to.deep.equal([1]);
  });

  it("a paused failure waits too", () => {
    const d = new Deferred<number>();
    d.pause();
    let seen: Failure | undefined;
    d.addErrback((f) => {
      seen = f;
    });
    d.errback(new GenericError());
    expect(seen).to.equal(undefined);
    d.unpause();
    expect(seen?.value).to.be.instanceOf(GenericError);
  });

  it("an unpause() too many leaves it paused until a pause() evens the count, as in Twisted", () => {
    const seen: unknown[] = [];
    const d = new Deferred<number>();
    d.unpause();
    expect(d.paused).to.equal(-1);
    d.addCallback((r) => seen.push(r));
    d.callback(1);
    expect(seen).to.deep.equal([]);
    expect(d.called).to.equal(true);
    d.pause();
    expect(d.paused).to.equal(0);
    d.addCallback(() => seen.push("next"));
    expect(seen).to.deep.equal([1, "next"]);
  });

  it("counts any number of pauses, however deep, and runs only when as many unpauses came", () => {
    for (const depth of [1, 14, 15, 16, 40]) {
      const seen: unknown[] = [];
      const d = new Deferred<number>();
      for (let i = 0; i < depth; i++) d.pause();
      expect(d.paused, `${depth} pauses`).to.equal(depth);
      d.addCallback((r) => seen.push(r));
      d.callback(1);
      for (let i = depth; i > 0; i--) {
        expect(seen, `${i} pauses left`).to.deep.equal([]);
        d.unpause();
        expect(d.paused).to.equal(i - 1);
      }
      expect(seen).to.deep.equal([1]);
    }
  });

  it("a count driven below zero and back over the top stays exact", () => {
    const d = succeed(0);
    for (let i = 0; i < 20; i++) d.unpause();
    expect(d.paused).to.equal(-20);
    d.addCallback((r) => r + 1);
    for (let i = 0; i < 40; i++) d.pause();
    expect(d.paused).to.equal(20);
    expect(d.result).to.equal(0);
    for (let i = 0; i < 20; i++) d.unpause();
    expect(d.paused).to.equal(0);
    expect(d.result).to.equal(1);
  });

  it("a Deferred paused many times that returns a Deferred waits for both", () => {
    const inner = new Deferred<number>();
    const outer = new Deferred<number>();
    for (let i = 0; i < 20; i++) outer.pause();
    outer.addCallback(() => inner);
    outer.callback(0);
    expect(outer.paused).to.equal(20);
    for (let i = 0; i < 20; i++) outer.unpause();
    // Now waiting on inner: one pause of its own.
    expect(outer.paused).to.equal(1);
    inner.callback(5);
    expect(outer.paused).to.equal(0);
    expect(outer.result).to.equal(5);
  });

  it("unpause before callback does not run anything", () => {
    const seen: unknown[] = [];
    const d = new Deferred<number>();
    d.pause();
    d.addCallback((r) => seen.push(r));
    d.unpause();
    expect(seen).to.deep.equal([]);
    d.callback(3);
    expect(seen).to.deep.equal([3]);
  });
});

describe("Deferred: chaining returned Deferreds", () => {
  it("a callback returning an unfired Deferred pauses the chain until it fires", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addCallback((r) => seen.push(r));
    outer.callback(1);
    expect(seen).to.deep.equal([]);
    expect(outer.result).to.equal(inner);
    expect(outer.paused).to.equal(1);
    inner.callback("inner result");
    expect(seen).to.deep.equal(["inner result"]);
    expect(outer.paused).to.equal(0);
  });

  it("a callback returning a fired Deferred takes its result at once (synchronous chain)", () => {
    const inner = succeed("ready");
    const outer = new Deferred<number>();
    outer.addCallback(() => inner);
    outer.callback(1);
    expect(outer.result).to.equal("ready");
    // As Twisted, the returned Deferred's result is taken: it is left with null.
    expect(inner.result).to.equal(null);
  });

  it("a returned Deferred's failure continues the outer errback chain", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    let seen: Failure | undefined;
    outer.addCallback(() => inner).addErrback((f) => {
      seen = f;
    });
    outer.callback(1);
    inner.errback(new GenericError("inner failed"));
    expect(seen?.getErrorMessage()).to.equal("inner failed");
    expect(inner.result).to.equal(null);
  });

  it("a synchronous error chain is taken at once", () => {
    const outer = new Deferred<number>();
    let seen: Failure | undefined;
    outer.addCallback(() => fail(new GenericError("sync"))).addErrback((f) => {
      seen = f;
    });
    outer.callback(1);
    expect(seen?.getErrorMessage()).to.equal("sync");
  });

  it("keeps the inner Deferred's own callbacks, and runs them before the outer continues", () => {
    const order: string[] = [];
    const inner = new Deferred<string>();
    inner.addCallback((r) => {
      order.push(`inner ${r}`);
      return `${r}+`;
    });
    const outer = new Deferred<number>();
    outer.addCallback(() => inner).addCallback((r) => order.push(`outer ${r}`));
    outer.callback(0);
    inner.callback("x");
    expect(order).to.deep.equal(["inner x", "outer x+"]);
  });

  it("callbacks added to the inner Deferred after chaining see null (the result went on)", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    outer.addCallback(() => inner);
    outer.callback(0);
    inner.callback("value");
    let late: unknown = "unset";
    inner.addCallback((r) => {
      late = r;
    });
    expect(late).to.equal(null);
    expect(outer.result).to.equal("value");
  });

  it("continues in the order callbacks were added, across a chain", () => {
    const order: number[] = [];
    const a = new Deferred<void>();
    const b = new Deferred<void>();
    a.addCallback(() => {
      order.push(1);
      return b;
    });
    a.addCallback(() => order.push(3));
    b.addCallback(() => order.push(2));
    a.callback();
    b.callback();
    expect(order).to.deep.equal([1, 2, 3]);
  });

  it("a chained Deferred that is paused with a result is waited on, not read", () => {
    const inner = succeed("x");
    inner.pause();
    const outer = new Deferred<number>();
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addCallback((r) => seen.push(r));
    outer.callback(1);
    expect(seen).to.deep.equal([]);
    inner.unpause();
    expect(seen).to.deep.equal(["x"]);
  });

  it("a paused outer Deferred chained to a fired one continues only when unpaused", () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addCallback((r) => seen.push(r));
    outer.callback(1);
    outer.pause();
    inner.callback("done");
    expect(seen).to.deep.equal([]);
    outer.unpause();
    expect(seen).to.deep.equal(["done"]);
  });

  it("double asynchronous chaining: a Deferred returned by two levels", () => {
    const first = new Deferred<string>();
    const second = new Deferred<string>();
    const third = new Deferred<string>();
    second.addCallback(() => third);
    first.addCallback(() => second);
    const seen: unknown[] = [];
    first.addCallback((r) => seen.push(r));
    first.callback("a");
    second.callback("b");
    expect(seen).to.deep.equal([]);
    third.callback("c");
    expect(seen).to.deep.equal(["c"]);
  });

  it("nested asynchronous chains with extra callbacks keep every result in place", () => {
    // Twisted's test_nestedAsynchronousChainedDeferredsWithExtraCallbacks, in spirit.
    const results: unknown[] = [];
    const failures: Failure[] = [];
    const inner = new Deferred<string>();
    const start = new Deferred<void>();
    const cb1 = (): Deferred<unknown> => {
      const d = new Deferred<string>();
      d.addCallback(() => inner.addCallback((r) => ["start", r]));
      d.callback("ignored");
      return d;
    };
    start.addCallback(cb1);
    start.addCallback((r) => results.push(r));
    start.addErrback((f) => {
      failures.push(f);
    });
    start.callback();
    expect(results).to.deep.equal([]);
    inner.callback("inner");
    expect(results).to.deep.equal([["start", "inner"]]);
    expect(failures).to.deep.equal([]);
  });

  it("10,000 nested returned Deferreds do not grow the stack", () => {
    function depthWhenRun(howMany: number): number {
      let depth = -1;
      const top = new Deferred<null>();
      const inners: Deferred<null>[] = [];
      for (let i = 0; i < howMany; i++) inners.push(new Deferred<null>());
      const last = new Deferred<null>();
      top.addCallback(() => inners[0]);
      top.addCallback(() => {
        depth = (new Error().stack ?? "").split("\n").length;
      });
      for (let i = 0; i < howMany - 1; i++) inners[i].addCallback(() => inners[i + 1]);
      inners[howMany - 1].addCallback(() => last);
      top.callback(null);
      for (const d of inners) d.callback(null);
      expect(depth, "ran before the last Deferred fired").to.equal(-1);
      last.callback(null);
      return depth;
    }
    const prev = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    try {
      expect(depthWhenRun(10_000)).to.equal(depthWhenRun(1));
    } finally {
      Error.stackTraceLimit = prev;
    }
  });

  it("a result of a Deferred whose result is a fired Deferred is delivered", () => {
    // Twisted: test_resultOfDeferredResultOfDeferredOfFiredDeferredCalled
    const first = new Deferred<unknown>();
    const second = new Deferred<unknown>();
    const third = new Deferred<unknown>();
    first.addCallback(() => second);
    second.addCallback(() => third);
    const results: unknown[] = [];
    first.addCallback((r) => results.push(r));
    third.callback("x");
    second.callback(null);
    first.callback(null);
    expect(results).to.deep.equal(["x"]);
  });

  it("a callback returning its own Deferred fails it with a TypeError (no deadlock)", () => {
    const d = new Deferred<string>();
    d.addCallback(() => d as unknown as string);
    let seen: Failure | undefined;
    d.addErrback((f) => {
      seen = f;
    });
    d.callback("foo");
    expect(seen?.value).to.be.instanceOf(TypeError);
    expect(seen?.getErrorMessage()).to.match(/Callback returned the Deferred it was attached to/);
  });

  it("toString shows the state, including waiting on a chained Deferred", () => {
    const d = new Deferred<number>();
    expect(d.toString()).to.equal("<Deferred>");
    const inner = new Deferred<number>();
    d.addCallback(() => inner);
    d.callback(1);
    expect(d.toString()).to.match(/waiting on Deferred/);
    inner.callback(2);
    expect(d.toString()).to.equal("<Deferred current result: 2>");
  });
});

describe("Deferred: re-entrancy", () => {
  it("a callback added by a callback goes to the end of the chain", () => {
    const called: number[] = [];
    const d = new Deferred<void>();
    d.addCallback(() => {
      called.push(1);
      d.addCallback(() => called.push(3));
    });
    d.addCallback(() => called.push(2));
    d.callback();
    expect(called).to.deep.equal([1, 2, 3]);
  });

  it("a callback added by a callback does not run until that callback returns", () => {
    const called: string[] = [];
    const d = new Deferred<void>();
    d.addCallback(() => {
      d.addCallback(() => called.push("added"));
      called.push("after add");
    });
    d.callback();
    expect(called).to.deep.equal(["after add", "added"]);
  });

  it("re-entrant callbacks see a failure from the callback that added them", () => {
    const d = new Deferred<void>();
    let seen: Failure | undefined;
    d.addCallback(() => {
      d.addErrback((f) => {
        seen = f;
      });
      throw new GenericError("re-entrant");
    });
    d.callback();
    expect(seen?.getErrorMessage()).to.equal("re-entrant");
  });
});

describe("Deferred: chainDeferred", () => {
  it("fires the chained Deferred with the result and leaves null", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const seen: unknown[] = [];
    b.addCallback((r) => seen.push(r));
    a.chainDeferred(b);
    a.callback(5);
    expect(seen).to.deep.equal([5]);
    expect(a.result).to.equal(null);
  });

  it("forwards a failure to the chained Deferred", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    let seen: Failure | undefined;
    b.addErrback((f) => {
      seen = f;
    });
    a.chainDeferred(b);
    const f = new Failure(new GenericError("e"));
    a.errback(f);
    expect(seen).to.equal(f);
    expect(a.result).to.equal(null);
  });

  it("records the explicit chain until it is resolved", () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    a.chainDeferred(b);
    expect(b.toString()).to.match(/waiting on Deferred/);
    a.callback(1);
    expect(b.toString()).to.equal("<Deferred current result: 1>");
  });
});
