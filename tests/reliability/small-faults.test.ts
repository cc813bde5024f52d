/**
 * Issue 13, item 6: the smaller faults. A Cooperator whose termination predicate factory
 * throws; Clock.flow(Infinity); SystemExit codes that are not integers; very long argv; error
 * messages that name the mistake; LoopingCall stop()+start() inside f; linear-time cancellation
 * of many waiters and firing of many triggers.
 */
import { expect } from "chai";
import { Deferred, DeferredList, DeferredLock, DeferredQueue, gatherResults } from "../../defer";
import type { Reactor } from "../../reactor";
import { SystemEvent, Trigger } from "../../reactor/system-event";
import { Clock, Cooperator, LoopingCall, SystemExit, deferLater, react } from "../../task";
import { failureOf, successOf } from "../helpers/deferred";
import { newReactor } from "../helpers/reactor";
import { flushLoggedErrors } from "../setup";

class FactoryError extends Error {}

/** The best of three timings of `f`, in ms. */
function bestOf3(f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * How much longer `work(20 n)` takes than `work(n)`: about 20 when linear, about 400 when
 * quadratic (measured before the fix: 240-260 for the waiters, ~4,000 for the triggers; after:
 * 20-100 on a loaded machine). A ratio, never a speed: the same machine runs both sizes.
 */
function growth(work: (n: number) => void, n: number): number {
  // No stacks: capturing one per CancelledError would cost more than the bookkeeping measured.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    work(n);
    return bestOf3(() => work(n * 20)) / Math.max(bestOf3(() => work(n)), 0.05);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

describe("smaller faults (issue 13 item 6)", function () {
  const measured: Record<string, number> = {};
  after(() => {
    if (process.env.SHOW_GROWTH) console.log(measured);
  });
  this.timeout(60_000);

  it("a Cooperator whose terminationPredicateFactory throws: logged once, the task fails (no livelock)", () => {
    const clock = new Clock();
    let calls = 0;
    const c = new Cooperator({
      scheduler: (x) => clock.callLater(0, x),
      terminationPredicateFactory: () => {
        calls++;
        throw new FactoryError("factory");
      },
    });
    const d = c.coiterate([1, 2, 3]);
    clock.runUntilIdle(100);
    expect(calls).to.equal(1);
    failureOf(d, FactoryError);
    expect(flushLoggedErrors(FactoryError)).to.have.length(1);
  });

  it("Clock.flow(Infinity) is a RangeError that names the mistake, on an empty Clock too", () => {
    for (const clock of [new Clock(), ((c: Clock) => (c.callLater(1, () => undefined), c))(new Clock())]) {
      expect(() => clock.flow(Infinity)).to.throw(RangeError, /flow: amount must be finite/);
    }
  });

  it("SystemExit with a non-integer code: printed, exit code 1 (Python's rule); integers pass", async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string): boolean => {
      written.push(String(chunk));
      return true;
    });
    const codes: number[] = [];
    try {
      for (const bad of [1.5, NaN, "abc"]) {
        const exits: number[] = [];
        codes.push(
          await react(() => Promise.reject(new SystemExit(bad as number)), [], { reactor: newReactor(), exit: (c) => exits.push(c) }),
        );
      }
      codes.push(await react(() => Promise.reject(new SystemExit(4)), [], { reactor: newReactor(), exit: () => undefined }));
    } finally {
      process.stderr.write = write;
    }
    expect(codes).to.deep.equal([1, 1, 1, 4]);
    expect(written).to.deep.equal(["1.5\n", "NaN\n", "abc\n"]);
  });

  it("react with 100,000 argv items calls main with all of them", async () => {
    const argv = Array.from({ length: 100_000 }, (_, i) => String(i));
    let got = 0;
    const code = await react((_r: Reactor, ...args: string[]) => (got = args.length), argv, {
      reactor: newReactor(),
      exit: () => undefined,
    });
    expect([code, got]).to.deep.equal([0, 100_000]);
  });

  it("errors name the mistake: addTimeout(1, null), deferLater(null, …)", () => {
    expect(() => new Deferred().addTimeout(1, null as never)).to.throw(TypeError, /addTimeout: clock must be an IReactorTime.*null/);
    expect(() => deferLater(null as never, 1)).to.throw(TypeError, /deferLater: clock must be an IReactorTime.*null/);
  });

  it("errors name the mistake: gatherResults([1]), DeferredList([1])", () => {
    expect(() => gatherResults([1 as never])).to.throw(TypeError, /gatherResults: deferreds\[0\] is not a Deferred, got 1/);
    expect(() => new DeferredList([new Deferred(), "x" as never])).to.throw(TypeError, /deferreds\[1\] is not a Deferred/);
  });

  it("errors name the mistake: a Cooperator scheduler returning a Node Timeout", () => {
    const handles: NodeJS.Timeout[] = [];
    const c = new Cooperator({
      scheduler: (x) => {
        const h = setTimeout(x, 0);
        handles.push(h);
        return h as never;
      },
    });
    try {
      expect(() => c.coiterate([1])).to.throw(TypeError, /scheduler must return a handle with a cancel\(\) method/);
    } finally {
      for (const h of handles) clearTimeout(h);
      c.stop();
    }
  });

  it("DeferredQueue(NaN), (-1), (1.5) are RangeErrors; null, undefined, 0, Infinity are fine", () => {
    for (const bad of [NaN, -1, 1.5]) {
      expect(() => new DeferredQueue(bad)).to.throw(RangeError, /size must be an integer >= 0/);
      expect(() => new DeferredQueue(null, bad)).to.throw(RangeError, /backlog must be an integer >= 0/);
    }
    for (const ok of [null, undefined, 0, 3, Infinity]) new DeferredQueue(ok, ok);
  });

  it("LoopingCall: stop() then start() inside f runs one loop, and the first start()'s Deferred fires", () => {
    const clock = new Clock();
    let calls = 0;
    const lc: LoopingCall = new LoopingCall(() => {
      calls++;
      if (calls === 2) {
        lc.stop();
        lc.start(1, false);
      }
    });
    lc.clock = clock;
    const first = lc.start(1);
    clock.advance(1); // call 2: restarts the loop
    expect(successOf(first)).to.equal(lc);
    const before = calls;
    clock.advance(1);
    clock.advance(1);
    expect(calls - before).to.equal(2); // one call per interval: one loop
    expect(clock.getDelayedCalls()).to.have.length(1);
  });

  it("cancelling many DeferredQueue / DeferredLock waiters takes linear time", () => {
    const cancelQueue = (n: number): void => {
      const q = new DeferredQueue<number>();
      const ds = Array.from({ length: n }, () => q.get().addErrback(() => null));
      for (let i = ds.length - 1; i >= 0; i--) ds[i].cancel();
      expect(q.waiting).to.have.length(0);
    };
    const cancelLock = (n: number): void => {
      const lock = new DeferredLock();
      lock.acquire();
      const ds = Array.from({ length: n }, () => lock.acquire().addErrback(() => null));
      for (let i = ds.length - 1; i >= 0; i--) ds[i].cancel();
      expect(lock.waiting).to.have.length(0);
    };
    measured.queue = growth(cancelQueue, 5_000);
    measured.lock = growth(cancelLock, 5_000);
    expect(measured.queue).to.be.below(150);
    expect(measured.lock).to.be.below(150);
  });

  it("firing many 'before' triggers takes linear time; removing one not yet run still works", () => {
    const fire = (n: number): void => {
      const e = new SystemEvent("x");
      let ran = 0;
      const f = (): void => {
        ran++;
      };
      for (let i = 0; i < n; i++) e.add(new Trigger("before", "x", f, []));
      e.fire();
      expect(ran).to.equal(n);
    };
    measured.triggers = growth(fire, 5_000);
    expect(measured.triggers).to.be.below(150);

    const e = new SystemEvent("y");
    const ran: string[] = [];
    const second = new Trigger("before", "y", () => ran.push("second"), []);
    e.add(new Trigger("before", "y", () => (e.remove(second), ran.push("first")), []));
    e.add(second);
    e.fire();
    expect(ran).to.deep.equal(["first"]);
  });
});
