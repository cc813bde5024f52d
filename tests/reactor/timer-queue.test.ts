/**
 * The timer queue shared by the Reactor and the Clock, driven by a fake clock (no real timers).
 */
import { expect } from "chai";
import type { DelayedCall } from "../../reactor/delayed-call";
import { AlreadyCalled } from "../../reactor/errors";
import { TimerQueue } from "../../reactor/timer-queue";

/** A clock the test sets by hand. */
class FakeClock {
  now = 0;
  seconds(): number {
    return this.now;
  }
}

/** A seeded PRNG (mulberry32), so that every run sees the same "random" operations. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const noop = (): void => undefined;

describe("TimerQueue", () => {
  let clock: FakeClock;
  let q: TimerQueue;
  /** Labels of the calls, for readable order assertions. */
  let names: Map<DelayedCall, string>;

  beforeEach(() => {
    clock = new FakeClock();
    q = new TimerQueue(clock);
    names = new Map();
  });

  function at(when: number, name: string): DelayedCall {
    const call = q.schedule(when, noop, []);
    names.set(call, name);
    return call;
  }

  const label = (call: DelayedCall): string => names.get(call) ?? "?";

  /** Pops (without running) every call due at `now`, returning their labels. */
  function drain(now: number, limit?: number): string[] {
    const out: string[] = [];
    for (let call; (call = q.popDue(now, limit)) !== null; ) out.push(names.get(call) ?? "?");
    return out;
  }

  describe("order", () => {
    it("pops calls in deadline order", () => {
      at(3, "c");
      at(1, "a");
      at(2, "b");
      at(2.5, "b2");
      expect(drain(10)).to.deep.equal(["a", "b", "b2", "c"]);
      expect(q.size).to.equal(0);
    });

    it("pops nothing before its deadline, and a call exactly at `now`", () => {
      at(1, "a");
      expect(q.popDue(0.999)).to.equal(null);
      expect(drain(1)).to.deep.equal(["a"]);
    });

    it("orders deadlines within one millisecond exactly", () => {
      at(1.0004, "d");
      at(1.0001, "a");
      at(1.00031, "c");
      at(1.0003, "b");
      expect(drain(1.0001)).to.deep.equal(["a"]);
      expect(drain(1.000305)).to.deep.equal(["b"]);
      expect(drain(2)).to.deep.equal(["c", "d"]);
    });

    it("runs equal deadlines in scheduling order (FIFO)", () => {
      const expected: string[] = [];
      for (let i = 0; i < 200; i++) {
        at(i % 2 === 0 ? 5 : 0, `n${i}`);
      }
      for (let i = 0; i < 200; i += 2) expected.push(`n${i + 1}`);
      for (let i = 0; i < 200; i += 2) expected.push(`n${i}`);
      expect(drain(5)).to.deep.equal(expected);
    });

    it("keeps FIFO for a crowd of equal deadlines shuffled by cancels and moves", () => {
      // Thousands of calls on one deadline, some cancelled and some moved (which counts as
      // scheduling anew): the survivors run in their (new) scheduling order.
      const calls: DelayedCall[] = [];
      for (let i = 0; i < 5000; i++) calls.push(at(2, `c${i}`));
      const r = rng(3);
      const order = calls.slice();
      for (let k = 0; k < 2000; k++) {
        const call = calls[Math.floor(r() * calls.length)];
        if (!call.active()) continue;
        if (r() < 0.5) {
          call.cancel();
          order.splice(order.indexOf(call), 1);
        } else {
          call.delay(0);
          order.splice(order.indexOf(call), 1);
          order.push(call);
        }
      }
      expect(drain(2)).to.deep.equal(order.map((c) => names.get(c)));
    });

    it("is FIFO for calls scheduled at `now` (callLater(0) / callSoon)", () => {
      clock.now = 7.25;
      at(clock.now, "first");
      at(clock.now, "second");
      at(clock.now - 1, "overdue"); // callAt in the past: earlier deadline, runs first
      at(clock.now, "third");
      expect(drain(clock.now)).to.deep.equal(["overdue", "first", "second", "third"]);
    });

    it("keeps FIFO when the sequence counter wraps around 2**31", () => {
      // Reach into the counter rather than schedule two billion calls.
      (q as unknown as { _seq: number })._seq = 2 ** 31 - 3;
      for (let i = 0; i < 6; i++) at(1, `w${i}`);
      expect(q.sequence).to.equal(-(2 ** 31) + 3);
      expect(drain(1)).to.deep.equal(["w0", "w1", "w2", "w3", "w4", "w5"]);
    });

    it("takes calls scheduled while popping, unless a limit is given", () => {
      // As Clock.advance: a call scheduling callLater(0) runs in the same advance.
      const ran: string[] = [];
      const a = q.schedule(1, () => {
        ran.push("a");
        q.schedule(clock.now, () => ran.push("child"), []);
      }, []);
      q.schedule(1, () => ran.push("b"), []);
      clock.now = 1;
      for (let call; (call = q.popDue(clock.now)) !== null; ) call.func(...call.args);
      expect(ran).to.deep.equal(["a", "b", "child"]);
      expect(a.called).to.equal(true);

      // As a Reactor pass: with the sequence read at its start, new calls wait.
      ran.length = 0;
      q.schedule(1, () => {
        ran.push("c");
        q.schedule(clock.now, () => ran.push("grandchild"), []);
      }, []);
      const limit = q.sequence;
      for (let call; (call = q.popDue(clock.now, limit)) !== null; ) call.func(...call.args);
      expect(ran).to.deep.equal(["c"]);
      expect(q.size).to.equal(1);
      for (let call; (call = q.popDue(clock.now, q.sequence)) !== null; ) call.func(...call.args);
      expect(ran).to.deep.equal(["c", "grandchild"]);
    });

    it("orders calls across the run, the wheel and the far heap", () => {
      at(10_000, "far2");
      at(3, "wheel2"); // the wheel covers 4.096 s
      at(0.001, "wheel1");
      at(9_000, "far1");
      expect(drain(0.001)).to.deep.equal(["wheel1"]); // the cursor is now at 1 ms
      at(0.0005, "run"); // behind the cursor: goes to the run
      at(4.2, "far0"); // more than 4.096 s ahead of the cursor: the far heap
      expect(q.stats().heap).to.equal(3);
      expect(drain(20_000)).to.deep.equal(["run", "wheel2", "far0", "far1", "far2"]);
    });

    it("handles big jumps of time, huge deadlines and negative ones", () => {
      at(1e15, "huge"); // beyond the wheel's range of ticks
      at(2e15, "huger");
      at(1e6, "million");
      at(-5, "negative");
      at(86_400, "day");
      expect(drain(0)).to.deep.equal(["negative"]);
      expect(drain(86_400)).to.deep.equal(["day"]);
      expect(drain(1e15 - 1)).to.deep.equal(["million"]);
      expect(drain(1.5e15)).to.deep.equal(["huge"]);
      expect(drain(3e15)).to.deep.equal(["huger"]);
    });

    it("keeps FIFO for equal deadlines beyond the wheel's range of ticks", () => {
      for (let i = 0; i < 40; i++) at(1e15, `h${i}`);
      expect(drain(1e15)).to.deep.equal(Array.from({ length: 40 }, (_, i) => `h${i}`));
    });

    it("works after the clock is set back (a test clock)", () => {
      clock.now = 1000;
      at(1000.5, "a");
      expect(drain(1001)).to.deep.equal(["a"]);
      clock.now = 2;
      at(3, "b");
      at(2.5, "c");
      expect(q.earliest()).to.equal(2.5);
      expect(drain(3)).to.deep.equal(["c", "b"]);
    });

    it("catches the wheel up with the clock after a long idle time", () => {
      at(0.001, "a");
      expect(drain(0.001)).to.deep.equal(["a"]);
      clock.now = 3600; // an hour later, nothing popped meanwhile
      for (let i = 0; i < 10; i++) at(3600 + i / 1000, `b${i}`);
      expect(q.stats().heap).to.equal(0); // filed in the wheel, not the far heap
      expect(drain(3601)).to.deep.equal(["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9"]);
    });
  });

  describe("reset() and delay()", () => {
    it("move a call later or sooner in the wheel", () => {
      const a = at(1, "a");
      at(2, "b");
      const c = at(3, "c");
      a.reset(2.5); // later: after b
      c.delay(-2.5); // sooner: first
      expect(c.getTime()).to.equal(0.5);
      expect(drain(10)).to.deep.equal(["c", "b", "a"]);
    });

    it("count as scheduling anew for equal deadlines", () => {
      const a = at(1, "a");
      at(1, "b");
      const c = at(1, "c");
      a.reset(1); // same deadline, now last
      expect(drain(1)).to.deep.equal(["b", "c", "a"]);
      expect(c.called).to.equal(true);

      const d = at(2, "d");
      at(2, "e");
      d.delay(0);
      expect(drain(2)).to.deep.equal(["e", "d"]);
    });

    it("move a call inside the far heap, both ways", () => {
      const a = at(100, "a");
      at(200, "b");
      const c = at(300, "c");
      at(400, "d");
      c.reset(50); // sooner, stays in the heap
      a.delay(250); // later: 350
      expect(q.stats().heap).to.equal(4);
      expect(q.earliest()).to.equal(50);
      expect(drain(1000)).to.deep.equal(["c", "b", "a", "d"]);
    });

    it("move a call between the heap, the wheel and the run", () => {
      const far = at(100, "far");
      const near = at(0.002, "near");
      at(0.003, "other");
      far.reset(0.0025); // heap -> wheel
      near.reset(500); // wheel -> heap
      expect(q.stats().heap).to.equal(1);
      expect(drain(0.0025)).to.deep.equal(["far"]);

      // Calls of the current millisecond are in the run: move them out and back.
      const r1 = at(0.0026, "r1");
      const r2 = at(0.0027, "r2");
      const r3 = at(0.0028, "r3");
      r1.reset(1); // run -> wheel
      r2.delay(-0.0001); // stays in the run, sooner
      r3.reset(1000); // run -> heap
      expect(drain(0.00265)).to.deep.equal(["r2"]); // 0.0027 - 0.0001 is 0.0026000000000000003
      expect(drain(2000)).to.deep.equal(["other", "r1", "near", "r3"]);
    });

    it("re-positions a call of a partly consumed millisecond", () => {
      at(1.0001, "a");
      const b = at(1.0005, "b");
      at(1.0006, "c");
      const d = at(1.0009, "d");
      expect(drain(1.0001)).to.deep.equal(["a"]); // the rest of ms 1000 is in the run now
      d.delay(-0.0007); // 1.0002: sooner, before b
      b.delay(0.0002); // 1.0007: after c
      expect(drain(1.0002)).to.deep.equal(["d"]);
      expect(drain(2)).to.deep.equal(["c", "b"]);
    });
  });

  describe("cancel()", () => {
    function scheduleFive(base: number): DelayedCall[] {
      return ["h", "m1", "m2", "m3", "t"].map((name, i) => at(base + i * 0.01, name));
    }

    for (const [where, base] of [
      ["wheel", 1],
      ["far heap", 5000],
    ] as const) {
      it(`drops the head, a middle call and the tail (${where})`, () => {
        const [h, , m2, , t] = scheduleFive(base);
        h.cancel();
        m2.cancel();
        t.cancel();
        expect(q.size).to.equal(2);
        expect(q.earliest()).to.equal(base + 0.01);
        expect(drain(base + 1)).to.deep.equal(["m1", "m3"]);
      });
    }

    it("drops the head, a middle call and the tail (run)", () => {
      clock.now = 1;
      const calls = ["x", "h", "m1", "m2", "m3", "t"].map((name, i) => at(1.0001 + i * 0.0001, name));
      expect(drain(1.0001)).to.deep.equal(["x"]);
      calls[1].cancel();
      calls[3].cancel();
      calls[5].cancel();
      expect(q.earliest()).to.equal(calls[2].getTime());
      expect(drain(2)).to.deep.equal(["m1", "m3"]);
    });

    it("never gives back a cancelled call and keeps the count right", () => {
      const a = at(1, "a");
      at(1, "b");
      a.cancel();
      expect(q.size).to.equal(1);
      expect(drain(2)).to.deep.equal(["b"]);
      expect(q.size).to.equal(0);
      expect(q.popDue(100)).to.equal(null);
    });
  });

  describe("compaction", () => {
    it("keeps only live calls after 100,000 were scheduled and all but 10 cancelled", () => {
      const r = rng(11);
      const calls: DelayedCall[] = [];
      for (let i = 0; i < 100_000; i++) calls.push(at(r() * 100, `c${i}`)); // wheel and far heap
      const keep = new Set<DelayedCall>();
      for (let i = 0; i < 10; i++) keep.add(calls[i * 9_999]);
      for (const call of calls) if (!keep.has(call)) call.cancel();
      const stats = q.stats();
      expect(stats.live).to.equal(10);
      expect(stats.stored).to.be.at.most(10 + 60);
      expect(q.getDelayedCalls().map(label)).to.have.members([...keep].map(label));
      const expected = [...keep].sort((a, b) => a.getTime() - b.getTime()).map((c) => names.get(c));
      expect(drain(200)).to.deep.equal(expected);
      expect(q.stats().stored).to.equal(0);
    });

    it("compacts dead slots of the run too", () => {
      clock.now = 1;
      expect(drain(1)).to.deep.equal([]); // the cursor is at 1 s
      const calls: DelayedCall[] = [];
      for (let i = 0; i < 100_000; i++) calls.push(at(0.5 + i * 1e-7, `c${i}`)); // overdue: all in the run
      expect(q.stats().run).to.equal(100_000);
      for (let i = 10; i < 100_000; i++) calls[i].cancel();
      expect(q.stats().stored).to.be.at.most(10 + 60);
      expect(drain(1)).to.deep.equal(calls.slice(0, 10).map((c) => names.get(c)));
    });

    it("compacts the run's slots left behind by moved calls", () => {
      clock.now = 1;
      expect(drain(1)).to.deep.equal([]);
      const calls: DelayedCall[] = [];
      for (let i = 0; i < 100_000; i++) calls.push(at(0.5 + i * 1e-7, `c${i}`));
      for (let i = 10; i < 100_000; i++) calls[i].reset(2 + i * 1e-6); // out of the run, into the wheel
      const stats = q.stats();
      expect(stats.live).to.equal(100_000);
      expect(stats.run).to.be.at.most(10 + 60);
      expect(drain(1)).to.deep.equal(calls.slice(0, 10).map((c) => names.get(c)));
      expect(drain(4).length).to.equal(99_990); // reset() counts from now (1 s)
    });

    it("holds nothing after 1,000,000 calls scheduled and cancelled", () => {
      const r = rng(5);
      const calls: DelayedCall[] = [];
      for (let i = 0; i < 1_000_000; i++) calls.push(q.schedule(r() * 0.05 + (i % 10 === 0 ? 10 : 0), noop, []));
      for (const call of calls) call.cancel();
      expect(q.stats().stored).to.be.at.most(60);
      expect(q.size).to.equal(0);
      expect(q.earliest()).to.equal(Infinity);
      expect(q.stats().stored).to.equal(0);
    });
  });

  describe("Infinity", () => {
    it("is accepted, listed and counted, and never falls due", () => {
      const inf = at(Infinity, "inf");
      expect(q.earliest()).to.equal(Infinity);
      expect(q.popDue(Infinity)).to.equal(null);
      expect(q.popDue(Number.MAX_VALUE)).to.equal(null);
      at(3, "three");
      expect(q.earliest()).to.equal(3);
      expect(drain(Infinity)).to.deep.equal(["three"]);
      expect(q.size).to.equal(1);
      expect(q.getDelayedCalls().map(label)).to.deep.equal(["inf"]);
      expect(q.getDelayedCalls()[0]).to.equal(inf);
      inf.cancel();
      expect(q.size).to.equal(0);
    });

    it("can be reached by reset() and left again", () => {
      const a = at(1, "a");
      a.reset(Infinity);
      expect(drain(1e9)).to.deep.equal([]);
      a.reset(2);
      expect(drain(2)).to.deep.equal(["a"]);
    });
  });

  describe("earliest() and onEarlierDeadline", () => {
    it("gives the earliest live deadline, skipping cancelled calls", () => {
      expect(q.earliest()).to.equal(Infinity);
      const a = at(2, "a");
      at(3, "b");
      at(1000, "far");
      expect(q.earliest()).to.equal(2);
      a.cancel();
      expect(q.earliest()).to.equal(3);
      expect(drain(3)).to.deep.equal(["b"]);
      expect(q.earliest()).to.equal(1000);
    });

    it("reports a call scheduled or moved earlier than the armed deadline", () => {
      const reported: number[] = [];
      q.onEarlierDeadline = (deadline) => reported.push(deadline);
      at(5, "a");
      expect(reported).to.deep.equal([5]); // first call: earlier than "nothing"
      at(7, "b");
      expect(reported).to.deep.equal([5]);
      const c = at(3, "c");
      expect(reported).to.deep.equal([5, 3]);
      c.cancel(); // never reported
      expect(q.earliest()).to.equal(5); // the owner re-arms for 5
      const d = at(4, "d");
      expect(reported).to.deep.equal([5, 3, 4]);
      const e = at(10, "e");
      e.reset(1); // moved sooner
      expect(reported).to.deep.equal([5, 3, 4, 1]);
      expect(q.earliest()).to.equal(1);
      d.delay(-3.5); // 0.5
      expect(reported).to.deep.equal([5, 3, 4, 1, 0.5]);
      expect(drain(10)).to.deep.equal(["d", "e", "a", "b"]);
      expect(q.earliest()).to.equal(Infinity);
      at(100, "f");
      expect(reported).to.deep.equal([5, 3, 4, 1, 0.5, 100]);
    });
  });

  describe("getDelayedCalls()", () => {
    it("lists only live calls, in the order they would run", () => {
      at(3, "a");
      const b = at(1, "b");
      const c = at(2, "c");
      at(5000, "d");
      at(2, "e");
      expect(q.getDelayedCalls().map(label)).to.deep.equal(["b", "c", "e", "a", "d"]);
      c.cancel();
      expect(drain(1)).to.deep.equal(["b"]);
      expect(q.getDelayedCalls().map(label)).to.deep.equal(["e", "a", "d"]);
      expect(q.getDelayedCalls().every((call) => call.active())).to.equal(true);
      expect(b.called).to.equal(true);
      expect(() => b.cancel()).to.throw(AlreadyCalled);
    });
  });

  describe("arguments", () => {
    it("rejects a NaN deadline or now", () => {
      expect(() => q.schedule(NaN, noop, [])).to.throw(RangeError, /NaN/);
      expect(() => q.popDue(NaN)).to.throw(RangeError, /NaN/);
      expect(q.size).to.equal(0);
    });
  });

  describe("against a model (seeded random operations)", () => {
    type Entry = { call: DelayedCall; order: number };
    const scales = [0.0005, 0.02, 1, 15, 10_000];

    for (let seed = 1; seed <= 25; seed++) {
      const scale = scales[seed % scales.length];
      it(`seed ${seed}, delays up to ${scale} s`, () => {
        const r = rng(seed);
        clock.now = Math.floor(r() * 20 - 10);
        let order = 0;
        const live = new Map<DelayedCall, Entry>();
        const sortedLive = (): Entry[] =>
          [...live.values()].sort((x, y) => x.call.getTime() - y.call.getTime() || x.order - y.order);
        const delay = (): number => {
          const x = r();
          if (x < 0.1) return 0;
          if (x < 0.13) return Infinity;
          if (x < 0.3) return Math.round(r() * 4) * scale * 0.25; // equal deadlines
          return r() * scale;
        };
        const pick = (): DelayedCall | undefined => {
          if (live.size === 0) return undefined;
          const keys = [...live.keys()];
          return keys[Math.floor(r() * keys.length)];
        };

        for (let step = 0; step < 1500; step++) {
          const x = r();
          if (x < 0.4) {
            const call = q.schedule(clock.now + delay(), noop, []);
            names.set(call, `#${order}`);
            live.set(call, { call, order: order++ });
          } else if (x < 0.5) {
            pick()?.cancel();
            for (const call of live.keys()) if (call.cancelled) live.delete(call);
          } else if (x < 0.65) {
            const call = pick();
            if (call !== undefined) {
              if (r() < 0.5) call.reset(delay());
              else call.delay((r() - 0.6) * scale);
              live.set(call, { call, order: order++ });
            }
          } else if (x < 0.75) {
            const expected = sortedLive().find((e) => e.call.getTime() !== Infinity);
            const earliest = live.size === 0 ? Infinity : Math.min(...[...live.keys()].map((c) => c.getTime()));
            expect(q.earliest()).to.equal(earliest);
            if (expected !== undefined) expect(earliest).to.equal(expected.call.getTime());
          } else {
            clock.now += r() < 0.3 ? 0 : r() * scale * 0.4;
            const due = sortedLive().filter((e) => e.call.getTime() <= clock.now && e.call.getTime() !== Infinity);
            const popped: DelayedCall[] = [];
            for (let call; (call = q.popDue(clock.now)) !== null; ) {
              expect(call.called).to.equal(true);
              popped.push(call);
              live.delete(call);
            }
            expect(popped.map(label)).to.deep.equal(due.map((e) => label(e.call)));
          }
          expect(q.size).to.equal(live.size);
        }
        expect(q.getDelayedCalls().map(label)).to.deep.equal(sortedLive().map((e) => label(e.call)));
        const stats = q.stats();
        expect(stats.dead <= 50 || stats.dead <= (stats.heap + stats.run) / 2).to.equal(true);
      });
    }
  });
});
