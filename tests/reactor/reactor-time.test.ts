import { expect } from "chai";
import { AlreadyCalled, AlreadyCancelled, DelayedCall } from "../../reactor";
import { newReactor, runReactor } from "../helpers/reactor";
import { flushLoggedErrors } from "../setup";

describe("Reactor: time and delayed calls", () => {
  it("seconds() is monotonic and in seconds", async () => {
    const r = newReactor();
    const a = r.seconds();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const b = r.seconds();
    expect(b).to.be.greaterThan(a);
    expect(b - a).to.be.within(0.015, 2);
  });

  it("callLater schedules at seconds() + delay, read through this.seconds()", () => {
    const r = newReactor();
    r.seconds = () => 100;
    const call = r.callLater(5, () => undefined);
    expect(call).to.be.instanceOf(DelayedCall);
    expect(call.getTime()).to.equal(105);
    expect(r.callAt(7, () => undefined).getTime()).to.equal(7);
    expect(r.callSoon(() => undefined).getTime()).to.equal(100);
  });

  it("callLater, callSoon and callAt keep the arguments given for f, none to several", () => {
    const r = newReactor();
    r.seconds = () => 100;
    const f = (..._a: unknown[]): undefined => undefined;
    const lists: unknown[][] = [[], [1], [1, "two", null, undefined]];
    for (const args of lists) {
      const later = r.callLater(5, f, ...args);
      const soon = r.callSoon(f, ...args);
      const at = r.callAt(7, f, ...args);
      for (const call of [later, soon, at]) {
        expect(call.args).to.deep.equal(args);
        expect(call.func).to.equal(f);
      }
      expect([later.getTime(), soon.getTime(), at.getTime()]).to.deep.equal([105, 100, 7]);
    }
  });

  it("runs a call after its delay, with its arguments", async () => {
    const r = newReactor();
    const start = r.seconds();
    let seen: unknown[] = [];
    let at = 0;
    r.callLater(
      0.03,
      (a: number, b: string) => {
        seen = [a, b];
        at = r.seconds();
        r.stop();
      },
      1,
      "two",
    );
    await runReactor(r);
    expect(seen).to.deep.equal([1, "two"]);
    expect(at - start).to.be.at.least(0.03);
  });

  it("never runs a call before its deadline", async () => {
    const r = newReactor();
    const early: number[] = [];
    for (let i = 0; i < 50; i++) {
      const delay = i * 0.0007;
      const call = r.callLater(delay, () => {
        if (r.seconds() < call.getTime()) early.push(i);
      });
    }
    r.callLater(0.05, () => r.stop());
    await runReactor(r);
    expect(early).to.deep.equal([]);
  });

  it("runs calls in deadline order, and equal deadlines in scheduling order", async () => {
    const r = newReactor();
    r.seconds = ((base) => () => base)(r.seconds()); // frozen: every call gets the same "now"
    const order: string[] = [];
    r.callLater(0.002, () => order.push("later"));
    r.callLater(0, () => order.push("a"));
    r.callSoon(() => order.push("b"));
    r.callLater(0, () => order.push("c"));
    r.callAt(r.seconds() - 1, () => order.push("past"));
    const real = performance.now.bind(performance);
    // Let time flow again so the 2 ms call falls due.
    r.seconds = () => real() / 1000;
    r.callLater(0.01, () => r.stop());
    await runReactor(r);
    expect(order).to.deep.equal(["past", "a", "b", "c", "later"]);
  });

  it("reset() and delay() count as scheduling anew for equal deadlines", () => {
    const r = newReactor();
    r.seconds = () => 50;
    const order: string[] = [];
    const first = r.callLater(1, () => order.push("first"));
    r.callLater(1, () => order.push("second"));
    first.reset(1);
    expect(r.getDelayedCalls().map((c) => c.getTime())).to.deep.equal([51, 51]);
    expect(r.getDelayedCalls()[1]).to.equal(first);
  });

  it("a call scheduled during a pass runs in a later pass, and the host loop runs between", async () => {
    const r = newReactor();
    const log: string[] = [];
    r.callLater(0, () => {
      log.push("pass 1");
      r.callLater(0, () => log.push("scheduled in pass 1"));
      setImmediate(() => log.push("host immediate"));
    });
    r.callLater(0, () => log.push("pass 1, second"));
    r.callLater(0.02, () => r.stop());
    await runReactor(r);
    expect(log).to.deep.equal(["pass 1", "pass 1, second", "host immediate", "scheduled in pass 1"]);
  });

  it("a loop of callLater(0, again) does not starve I/O or other timers", async () => {
    const r = newReactor();
    let spins = 0;
    const again = (): void => {
      spins++;
      r.callLater(0, again);
    };
    r.callLater(0, again);
    let hostTimerFired = false;
    setTimeout(() => {
      hostTimerFired = true;
      r.stop();
    }, 20);
    let reactorTimerFired = false;
    r.callLater(0.005, () => {
      reactorTimerFired = true;
    });
    await runReactor(r);
    expect(hostTimerFired).to.equal(true);
    expect(reactorTimerFired).to.equal(true);
    expect(spins).to.be.greaterThan(10);
  });

  it("an exception in a call is reported with log.err and the pass goes on", async () => {
    class Boom extends Error {}
    const r = newReactor();
    const ran: string[] = [];
    r.callLater(0, () => {
      throw new Boom("first");
    });
    r.callLater(0, () => ran.push("second"));
    r.callLater(0, () => {
      throw new Boom("third");
    });
    r.callLater(0, () => {
      ran.push("fourth");
      r.stop();
    });
    await runReactor(r);
    expect(ran).to.deep.equal(["second", "fourth"]);
    const logged = flushLoggedErrors(Boom);
    expect(logged.map((e) => e.failure?.getErrorMessage())).to.deep.equal(["first", "third"]);
    expect(logged[0].isError).to.equal(true);
  });

  it("a cancelled call does not run; getDelayedCalls lists live calls only", async () => {
    const r = newReactor();
    const ran: string[] = [];
    const a = r.callLater(0.005, () => ran.push("a"));
    const b = r.callLater(0.005, () => ran.push("b"));
    a.cancel();
    expect(r.getDelayedCalls()).to.deep.equal([b]);
    r.callLater(0.02, () => r.stop());
    await runReactor(r);
    expect(ran).to.deep.equal(["b"]);
  });

  it("cancelling a call that ran or was cancelled throws", async () => {
    const r = newReactor();
    const c = r.callLater(0, () => undefined);
    const d = r.callLater(1, () => undefined);
    d.cancel();
    expect(() => d.cancel()).to.throw(AlreadyCancelled);
    r.callLater(0.005, () => r.stop());
    await runReactor(r);
    expect(c.called).to.equal(true);
    expect(c.active()).to.equal(false);
    expect(() => c.cancel()).to.throw(AlreadyCalled);
    expect(() => c.reset(1)).to.throw(AlreadyCalled);
    expect(() => c.delay(1)).to.throw(AlreadyCalled);
  });

  it("cancelling a call of the same pass from an earlier call stops it", async () => {
    const r = newReactor();
    const ran: string[] = [];
    r.callLater(0, () => {
      ran.push("killer");
      victim.cancel();
    });
    const victim: DelayedCall = r.callLater(0, () => ran.push("victim"));
    r.callLater(0.01, () => r.stop());
    await runReactor(r);
    expect(ran).to.deep.equal(["killer"]);
  });

  it("reset() moves a pending call later, and sooner", async () => {
    const r = newReactor();
    const t0 = r.seconds();
    const times: Record<string, number> = {};
    const later = r.callLater(0.005, () => (times.later = r.seconds() - t0));
    const sooner = r.callLater(10, () => (times.sooner = r.seconds() - t0));
    later.reset(0.03);
    sooner.reset(0.01);
    r.callLater(0.05, () => r.stop());
    await runReactor(r);
    // Generous upper bounds: real time on a loaded machine. What matters: neither ran early,
    // the sooner one did not wait for its original 10 s, and they kept their new order.
    expect(times.sooner).to.be.within(0.01, 1);
    expect(times.later).to.be.at.least(0.03);
    expect(times.sooner).to.be.at.most(times.later);
  });

  it("a call scheduled from outside the reactor while it waits re-arms it sooner", async () => {
    const r = newReactor();
    r.callLater(10, () => undefined); // the host timer is armed 10 s away
    const t0 = r.seconds();
    let ranAfter = -1;
    setTimeout(() => {
      r.callLater(0.01, () => {
        ranAfter = r.seconds() - t0;
        r.stop();
      });
    }, 5);
    await runReactor(r);
    expect(ranAfter).to.be.within(0.01, 1); // not the 10 s the host timer was armed for
  });

  it("callFromThread calls run at the start of the next pass, before timed calls, FIFO", async () => {
    const r = newReactor();
    const order: string[] = [];
    r.callLater(0, () => {
      r.callLater(0, () => order.push("timed"));
      r.callFromThread(() => order.push("thread 1"));
      r.callFromThread((x: string) => order.push(x), "thread 2");
    });
    r.callLater(0.02, () => r.stop());
    await runReactor(r);
    expect(order).to.deep.equal(["thread 1", "thread 2", "timed"]);
  });

  it("callFromThread before run() waits for the reactor; an exception in it is reported", async () => {
    class Oops extends Error {}
    const r = newReactor();
    const order: string[] = [];
    r.callFromThread(() => {
      throw new Oops("in thread call");
    });
    r.callFromThread(() => order.push("queued before run"));
    expect(order).to.deep.equal([]);
    r.callLater(0.01, () => r.stop());
    await runReactor(r);
    expect(order).to.deep.equal(["queued before run"]);
    expect(flushLoggedErrors(Oops)).to.have.length(1);
  });

  it("a delay longer than the host timer's range is accepted and does not fire early", async () => {
    const r = newReactor();
    let ran = false;
    const far = r.callLater(2 ** 31 / 1000 + 10, () => {
      ran = true;
    });
    const never = r.callLater(Infinity, () => {
      ran = true;
    });
    r.callLater(0.01, () => r.stop());
    await runReactor(r);
    expect(ran).to.equal(false);
    expect(r.getDelayedCalls()).to.include(far).and.to.include(never);
  });

  describe("bad input", () => {
    const r = newReactor();
    it("callLater rejects negative, NaN and non-number delays, naming the value", () => {
      expect(() => r.callLater(-1, () => undefined)).to.throw(RangeError, /-1/);
      expect(() => r.callLater(NaN, () => undefined)).to.throw(RangeError, /NaN/);
      expect(() => r.callLater("1" as never, () => undefined)).to.throw(TypeError, /"1"/);
      expect(() => r.callLater(undefined as never, () => undefined)).to.throw(TypeError);
    });

    it("callLater, callSoon, callAt and callFromThread reject a non-function", () => {
      expect(() => r.callLater(1, "f" as never)).to.throw(TypeError, /function/);
      expect(() => r.callSoon(null as never)).to.throw(TypeError);
      expect(() => r.callAt(1, {} as never)).to.throw(TypeError);
      expect(() => r.callFromThread(3 as never)).to.throw(TypeError);
    });

    it("callAt rejects NaN and non-numbers", () => {
      expect(() => r.callAt(NaN, () => undefined)).to.throw(RangeError);
      expect(() => r.callAt("soon" as never, () => undefined)).to.throw(TypeError);
    });

    it("reset takes callLater's values; delay takes any finite number", () => {
      const call = r.callLater(5, () => undefined);
      expect(() => call.reset(-1)).to.throw(RangeError);
      expect(() => call.reset(NaN)).to.throw(RangeError);
      expect(() => call.delay(NaN)).to.throw(RangeError);
      expect(() => call.delay(Infinity)).to.throw(RangeError);
      const before = call.getTime();
      call.delay(-2);
      expect(call.getTime()).to.be.closeTo(before - 2, 1e-9);
      call.cancel();
    });
  });
});
