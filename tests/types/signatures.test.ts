/**
 * Type tests: `npm test` type-checks this file with tsc (a `@ts-expect-error` that is not needed
 * fails the build, and so does an assignment that does not type), and mocha runs it (trivially).
 * Each case is a correct Twisted port that must type, or a mistake that must not.
 */
import { expect } from "chai";
import { Deferred, DeferredList, Failure, gatherResults, inlineCallbacks, race, succeed } from "../../defer";
import { Clock, Cooperator, LoopingCall } from "../../task";

/** Compiles only when A and B are the same type. */
type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(...used: unknown[]): T | undefined {
  void used;
  return undefined;
}

describe("types: signatures that accept correct ports", () => {
  it("a callback or errback returning a Failure does not add Failure to the result type", () => {
    const d = new Deferred<number>();
    const a = d.addCallback((n: number) => (n > 0 ? String(n) : new Failure(new Error("negative"))));
    assertType<Equals<typeof a, Deferred<string>>>(a);
    const b = new Deferred<number>().addErrback((f: Failure) => (f.check(RangeError) ? 0 : f));
    assertType<Equals<typeof b, Deferred<number>>>(b);
    const c = new Deferred<number>().addBoth((x) => x);
    assertType<Equals<typeof c, Deferred<number>>>(c);
    const e = new Deferred<number>().addCallbacks(
      (n) => `${n}`,
      (f: Failure) => f,
    );
    assertType<Equals<typeof e, Deferred<string>>>(e);
    expect(a).to.equal(d);
  });

  it("DeferredList entries narrow on the flag; a list of mixed Deferreds types", () => {
    const dStr = succeed("s");
    const dNum = succeed(1);
    const dl = new DeferredList<string | number>([dStr, dNum]);
    dl.addCallback((entries) => {
      for (const entry of entries) {
        if (entry[0]) {
          const value: string | number = entry[1];
          void value;
        } else {
          const failure: Failure = entry[1];
          void failure;
        }
      }
    });
    const same = new DeferredList<string>([dStr, succeed("t")]);
    assertType<Equals<typeof same, DeferredList<string>>>(same);
    const sameTyped = same.addCallback((x) => x);
    assertType<Equals<typeof sameTyped, Deferred<Array<[true, string] | [false, Failure]>>>>(sameTyped);
  });

  it("new DeferredList([dStr, dNum]) infers a tuple, as Promise.allSettled", () => {
    const dStr = succeed("s");
    const dNum = succeed(1);
    const dl = new DeferredList([dStr, dNum]);
    const typed = dl.addCallback((x) => x);
    assertType<Equals<typeof typed, Deferred<[[true, string] | [false, Failure], [true, number] | [false, Failure]]>>>(typed);
    const fromArray = new DeferredList([1, 2].map((n) => succeed(n)));
    const arrayTyped = fromArray.addCallback((x) => x);
    assertType<Equals<typeof arrayTyped, Deferred<Array<[true, number] | [false, Failure]>>>>(arrayTyped);
    // @ts-expect-error -- an entry is not a Deferred (and it throws a TypeError at run time)
    expect(() => new DeferredList([dStr, 3])).to.throw(TypeError, "deferreds[1]");
    return dl.then(([first, second]) => {
      if (first[0]) expect(first[1].toUpperCase()).to.equal("S");
      if (second[0]) expect(second[1].toFixed(1)).to.equal("1.0");
      expect(first[0] && second[0]).to.equal(true);
    });
  });

  it("race([dStr, dNum]) types the winner as the union", () => {
    const r = race([succeed("s"), new Deferred<number>()]);
    assertType<Equals<typeof r, Deferred<[number, string | number]>>>(r);
    const same = race([succeed(1), succeed(2)]);
    assertType<Equals<typeof same, Deferred<[number, number]>>>(same);
    return r.then(([index, value]) => expect([index, value]).to.deep.equal([0, "s"]));
  });

  it("gatherResults gives a tuple for a tuple, an array for an array", () => {
    const both = gatherResults([succeed("s"), succeed(1)]);
    assertType<Equals<typeof both, Deferred<[string, number]>>>(both);
    const many = gatherResults([1, 2, 3].map((n) => succeed(n)));
    assertType<Equals<typeof many, Deferred<number[]>>>(many);
    const explicit = gatherResults<number>([succeed(1)]);
    assertType<Equals<typeof explicit, Deferred<number[]>>>(explicit);
    return both.then(([s, n]) => {
      expect(s.toUpperCase()).to.equal("S");
      expect(n.toFixed(1)).to.equal("1.0");
    });
  });

  it("a Cooperator's scheduler needs only cancel()", () => {
    const clock = new Clock();
    const coop = new Cooperator({
      scheduler: (x) => {
        const call = clock.callLater(0, x);
        return { cancel: () => call.cancel() };
      },
    });
    coop.stop();
  });

  it("LoopingCall checks its arguments against the function", () => {
    const lc = new LoopingCall((a: number, b: string) => `${a}${b}`, 1, "x");
    // @ts-expect-error -- "1" is not a number
    const bad = new LoopingCall((a: number) => a, "1");
    // @ts-expect-error -- missing argument
    const missing = new LoopingCall((a: number, b: string) => `${a}${b}`, 1);
    void [lc, bad, missing];
  });

  it("inlineCallbacks keeps `this`", () => {
    class A {
      n = 2;
      run = inlineCallbacks(function* (this: A, k: number) {
        const one: number = yield succeed(1);
        return this.n * k + one;
      });
    }
    const a = new A();
    const d = a.run(10);
    assertType<Equals<typeof d, Deferred<number>>>(d);
    // @ts-expect-error -- `this` must be an A
    void a.run.call({}, 1);
    return d.then((v) => expect(v).to.equal(21));
  });
});
