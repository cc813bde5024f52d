/**
 * Model-based property tests of the timer queue: random sequences of callLater, callSoon, callAt,
 * cancel, reset, delay and Clock.advance/flow against a small reference model (a list ordered by
 * time and sequence number). The same calls must fire, in the same order, at the same times, and
 * getDelayedCalls must match.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AlreadyCalled, AlreadyCancelled, type DelayedCall, Reactor } from "../../reactor";
import { Clock } from "../../task";

/** One scheduled call in the model. */
interface ModelCall {
  id: number;
  time: number;
  seq: number;
  state: "pending" | "called" | "cancelled";
}

/** The reference: what should be pending, and in which order things fire. */
class Model {
  now = 0;
  seq = 0;
  calls: ModelCall[] = [];
  fired: Array<[number, number]> = [];

  schedule(id: number, time: number): void {
    this.calls.push({ id, time, seq: this.seq++, state: "pending" });
  }
  get(id: number): ModelCall {
    return this.calls.find((c) => c.id === id) as ModelCall;
  }
  pending(): ModelCall[] {
    return this.calls
      .filter((c) => c.state === "pending")
      .sort((a, b) => a.time - b.time || a.seq - b.seq);
  }
  /** Twisted's Clock.advance: jump, then run everything due, all seeing the new time. */
  advance(amount: number): void {
    this.now += amount;
    for (;;) {
      const next = this.pending()[0];
      if (next === undefined || next.time > this.now) return;
      next.state = "called";
      this.fired.push([next.id, this.now]);
    }
  }
  /** Clock.flow: each call runs at its own deadline. */
  flow(amount: number): void {
    const end = this.now + amount;
    for (;;) {
      const next = this.pending()[0];
      if (next === undefined || next.time > end) break;
      if (next.time > this.now) this.now = next.time;
      next.state = "called";
      this.fired.push([next.id, this.now]);
    }
    this.now = Math.max(this.now, end);
  }
}

// Quarter seconds: exact in binary, so ties (equal deadlines) are common and exact.
const quarter = fc.integer({ min: 0, max: 12 }).map((n) => n / 4);
const signedQuarter = fc.integer({ min: -8, max: 8 }).map((n) => n / 4);

type Op =
  | { kind: "callLater"; delay: number }
  | { kind: "cancel"; which: number }
  | { kind: "reset"; which: number; delay: number }
  | { kind: "delay"; which: number; by: number }
  | { kind: "advance"; amount: number }
  | { kind: "flow"; amount: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: quarter.map((delay): Op => ({ kind: "callLater", delay })) },
  { weight: 2, arbitrary: fc.nat(40).map((which): Op => ({ kind: "cancel", which })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(40), quarter).map(([which, delay]): Op => ({ kind: "reset", which, delay })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(40), signedQuarter).map(([which, by]): Op => ({ kind: "delay", which, by })) },
  { weight: 2, arbitrary: quarter.map((amount): Op => ({ kind: "advance", amount })) },
  { weight: 1, arbitrary: quarter.map((amount): Op => ({ kind: "flow", amount })) },
);

/** The error a DelayedCall must throw for an operation on a call in this state, if any. */
function expectedError(state: ModelCall["state"]): typeof AlreadyCalled | typeof AlreadyCancelled | null {
  return state === "called" ? AlreadyCalled : state === "cancelled" ? AlreadyCancelled : null;
}

describe("property: the timer queue against a reference model", () => {
  it("Clock: same calls fire in the same order at the same times; getDelayedCalls matches", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const clock = new Clock();
        const model = new Model();
        const fired: Array<[number, number]> = [];
        const handles: DelayedCall[] = [];
        for (const o of ops) {
          switch (o.kind) {
            case "callLater": {
              const id = handles.length;
              handles.push(clock.callLater(o.delay, () => fired.push([id, clock.seconds()])));
              model.schedule(id, model.now + o.delay);
              break;
            }
            case "cancel":
            case "reset":
            case "delay": {
              if (handles.length === 0) break;
              const id = o.which % handles.length;
              const m = model.get(id);
              const err = expectedError(m.state);
              const act = (): void => {
                if (o.kind === "cancel") handles[id].cancel();
                else if (o.kind === "reset") handles[id].reset(o.delay);
                else handles[id].delay(o.by);
              };
              if (err !== null) {
                expect(act).to.throw(err);
                break;
              }
              act();
              if (o.kind === "cancel") m.state = "cancelled";
              else {
                m.time = o.kind === "reset" ? model.now + o.delay : m.time + o.by;
                m.seq = model.seq++;
              }
              break;
            }
            case "advance":
              clock.advance(o.amount);
              model.advance(o.amount);
              break;
            case "flow":
              clock.flow(o.amount);
              model.flow(o.amount);
              break;
          }
          expect(clock.seconds()).to.equal(model.now);
        }
        expect(fired).to.deep.equal(model.fired);
        const pending = clock.getDelayedCalls().map((c) => [handles.indexOf(c), c.getTime()]);
        expect(pending).to.deep.equal(model.pending().map((c) => [c.id, c.time]));
        for (const [id, h] of handles.entries()) {
          const state = model.get(id).state;
          expect(h.active()).to.equal(state === "pending");
          expect(h.called).to.equal(state === "called");
          expect(h.cancelled).to.equal(state === "cancelled");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("Reactor: calls fire in (deadline, scheduling order), whatever mix of callLater/callSoon/callAt/cancel/reset", async () => {
    type ROp =
      | { kind: "later"; delay: number }
      | { kind: "soon" }
      | { kind: "at"; when: number }
      | { kind: "cancel"; which: number }
      | { kind: "reset"; which: number; delay: number };
    const rop: fc.Arbitrary<ROp> = fc.oneof(
      { weight: 4, arbitrary: quarter.map((delay): ROp => ({ kind: "later", delay })) },
      { weight: 2, arbitrary: fc.constant<ROp>({ kind: "soon" }) },
      { weight: 2, arbitrary: fc.integer({ min: -4, max: 12 }).map((n): ROp => ({ kind: "at", when: n / 4 })) },
      { weight: 2, arbitrary: fc.nat(40).map((which): ROp => ({ kind: "cancel", which })) },
      { weight: 2, arbitrary: fc.tuple(fc.nat(40), quarter).map(([which, delay]): ROp => ({ kind: "reset", which, delay })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(rop, { maxLength: 60 }), async (ops) => {
        const r = new Reactor({ installSignalHandlers: false });
        let now = 0; // the reactor's clock, frozen while scheduling
        r.seconds = () => now;
        const model = new Model();
        const fired: number[] = [];
        const handles: DelayedCall[] = [];
        const record = (id: number) => () => {
          fired.push(id);
        };
        for (const o of ops) {
          if (o.kind === "later" || o.kind === "soon" || o.kind === "at") {
            const id = handles.length;
            const when = o.kind === "later" ? o.delay : o.kind === "soon" ? 0 : o.when;
            handles.push(
              o.kind === "later" ? r.callLater(o.delay, record(id)) : o.kind === "soon" ? r.callSoon(record(id)) : r.callAt(o.when, record(id)),
            );
            model.schedule(id, when);
          } else if (handles.length > 0) {
            const id = o.which % handles.length;
            const m = model.get(id);
            if (m.state !== "pending") continue;
            if (o.kind === "cancel") {
              handles[id].cancel();
              m.state = "cancelled";
            } else {
              handles[id].reset(o.delay);
              m.time = o.delay;
              m.seq = model.seq++;
            }
          }
        }
        const expected = model.pending().map((c) => c.id);
        now = 100; // everything is due: one pass runs them all
        r.callLater(0, () => r.stop()); // scheduled last at the latest deadline of all? no: at 100, after all
        await r.run();
        expect(fired).to.deep.equal(expected);
      }),
      { numRuns: 100 },
    );
  });
});
