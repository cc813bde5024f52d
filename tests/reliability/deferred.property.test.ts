/**
 * Property tests of Deferred: random programs (callbacks, errbacks, returned Deferreds fired now
 * or later, pause/unpause, cancel, firing) run against a small executable model. Invariants:
 * each callback runs at most once, the steps run in the order they were added, the results flow
 * as the model says, and every Failure left at the end of a chain is reported.
 */
import { expect } from "chai";
import fc from "fast-check";
import { AlreadyCalledError, CancelledError, Deferred, Failure, fail, succeed } from "../../defer";
import { collectGarbage } from "../helpers/gc";
import { flushLoggedErrors } from "../setup";

class Boom extends Error {
  constructor(readonly tag: string) {
    super(tag);
  }
}

type Path = "cb" | "eb" | "both";
type Action = "inc" | "throw" | "failure" | "sync" | "syncFail" | "async";
type Op =
  | { kind: "add"; path: Path; action: Action }
  | { kind: "fire"; ok: boolean }
  | { kind: "pause" }
  | { kind: "unpause" }
  | { kind: "cancel" }
  | { kind: "fireInner" };

type Result = { ok: true; v: number } | { ok: false; tag: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom<Path>("cb", "eb", "both"),
        fc.constantFrom<Action>("inc", "throw", "failure", "sync", "syncFail", "async"),
      )
      .map(([path, action]): Op => ({ kind: "add", path, action })),
  },
  { weight: 2, arbitrary: fc.boolean().map((ok): Op => ({ kind: "fire", ok })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: "pause" }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: "unpause" }) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: "cancel" }) },
  { weight: 2, arbitrary: fc.constant<Op>({ kind: "fireInner" }) },
);

interface Inner {
  fired: boolean;
  value: Result;
}

/** The model: a direct simulation of Twisted's semantics for these programs. */
class Model {
  steps: Array<{ id: number; path: Path; action: Action }> = [];
  next = 0;
  fired = false;
  suppress = false;
  userPaused = 0;
  waitingOn: number | null = null;
  result: Result = { ok: true, v: 0 };
  inners: Inner[] = [];
  executed: number[] = [];

  add(path: Path, action: Action): void {
    this.steps.push({ id: this.steps.length, path, action });
    this.run();
  }
  fire(ok: boolean): "ok" | "ignored" | "error" {
    if (this.fired) {
      if (this.suppress) {
        this.suppress = false;
        return "ignored";
      }
      return "error";
    }
    this.fired = true;
    this.result = ok ? { ok: true, v: 0 } : { ok: false, tag: "fire" };
    this.run();
    return "ok";
  }
  cancel(): void {
    if (!this.fired) {
      this.fired = true;
      this.suppress = true;
      this.result = { ok: false, tag: "cancelled" };
      this.run();
    } else if (this.waitingOn !== null) {
      const inner = this.inners[this.waitingOn];
      if (!inner.fired) {
        inner.fired = true;
        inner.value = { ok: false, tag: "cancelled" };
        this.deliver(this.waitingOn);
      }
    }
  }
  fireInner(i: number): void {
    const inner = this.inners[i];
    if (inner.fired) return; // cancelled: the one late callback is swallowed
    inner.fired = true;
    if (this.waitingOn === i) this.deliver(i);
  }
  deliver(i: number): void {
    this.result = this.inners[i].value;
    this.waitingOn = null;
    this.run();
  }
  run(): void {
    while (this.fired && this.userPaused === 0 && this.waitingOn === null && this.next < this.steps.length) {
      const step = this.steps[this.next++];
      const r = this.result;
      const runs = step.path === "both" || (step.path === "cb") === r.ok;
      if (!runs) continue;
      this.executed.push(step.id);
      const base = r.ok ? r.v + 1 : 100;
      switch (step.action) {
        case "inc":
        case "sync":
          this.result = { ok: true, v: base };
          break;
        case "throw":
        case "failure":
        case "syncFail":
          this.result = { ok: false, tag: `boom${step.id}` };
          break;
        case "async":
          this.inners.push({ fired: false, value: { ok: true, v: base } });
          this.waitingOn = this.inners.length - 1;
          break;
      }
    }
  }
}

function describeResult(x: unknown): Result | "waiting" {
  if (x instanceof Deferred) return "waiting";
  if (x instanceof Failure) {
    const v = x.value;
    if (v instanceof CancelledError) return { ok: false, tag: "cancelled" };
    return { ok: false, tag: (v as Boom).tag };
  }
  return { ok: true, v: x as number };
}

/** Runs `ops` on a real Deferred and on the model, checking as it goes; returns both. */
function runProgram(ops: Op[]): { d: Deferred<number>; model: Model } {
  const d = new Deferred<number>();
  const model = new Model();
  const executed: number[] = [];
  const inners: Deferred<number>[] = [];
  let innerValues: number[] = [];
  let firedInners = 0;
  for (const o of ops) {
    switch (o.kind) {
      case "add": {
        const id = model.steps.length;
        const f = (r: unknown): unknown => {
          executed.push(id);
          const base = r instanceof Failure ? 100 : (r as number) + 1;
          switch (o.action) {
            case "inc":
              return base;
            case "throw":
              throw new Boom(`boom${id}`);
            case "failure":
              return new Failure(new Boom(`boom${id}`));
            case "sync":
              return succeed(base);
            case "syncFail":
              return fail(new Boom(`boom${id}`));
            case "async": {
              const inner = new Deferred<number>();
              inners.push(inner);
              innerValues = [...innerValues, base];
              return inner;
            }
          }
        };
        if (o.path === "cb") d.addCallback(f);
        else if (o.path === "eb") d.addErrback(f);
        else d.addBoth(f);
        model.add(o.path, o.action);
        break;
      }
      case "fire": {
        const expected = model.fire(o.ok);
        const act = (): void => (o.ok ? d.callback(0) : d.errback(new Boom("fire")));
        if (expected === "error") expect(act).to.throw(AlreadyCalledError);
        else act();
        break;
      }
      case "pause":
        d.pause();
        model.userPaused++;
        break;
      case "unpause":
        if (model.userPaused === 0) break;
        model.userPaused--;
        d.unpause();
        model.run();
        break;
      case "cancel":
        d.cancel();
        model.cancel();
        break;
      case "fireInner":
        if (firedInners < inners.length) {
          const i = firedInners++;
          inners[i].callback(innerValues[i]);
          model.fireInner(i);
        }
        break;
    }
    expect(executed, "steps run, in order, at most once each").to.deep.equal(model.executed);
  }
  // Let everything finish: unpause, fire the inners still pending.
  while (model.userPaused > 0) {
    model.userPaused--;
    d.unpause();
    model.run();
  }
  for (let i = firedInners; i < inners.length; i++) {
    inners[i].callback(innerValues[i]);
    model.fireInner(i);
  }
  expect(executed).to.deep.equal(model.executed);
  expect(new Set(executed).size).to.equal(executed.length);
  if (model.fired) {
    expect(describeResult(d.result)).to.deep.equal(model.result);
    expect(executed.length).to.be.at.most(model.steps.length);
  } else {
    expect(d.called).to.equal(false);
    expect(executed).to.deep.equal([]);
  }
  return { d, model };
}

describe("property: Deferred programs against a model", () => {
  it("callbacks run once each, in order, and results flow as the model says", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const { d } = runProgram(ops);
        // Handled here: these runs are not about reporting.
        if (d.called) d.addErrback(() => null);
      }),
      { numRuns: 500 },
    );
  });

  it("a Failure left at the end of a chain is reported once the Deferred is collected", async function () {
    // Few runs: each forces garbage collection (75+ full collections, ~100 ms each on a loaded
    // machine), so the default 10 s is too tight there.
    this.timeout(60_000);
    const samples = fc.sample(fc.array(opArb, { minLength: 4, maxLength: 25 }), { numRuns: 25, seed: 4242 });
    let failing = 0;
    for (const ops of samples) {
      flushLoggedErrors();
      const endsFailed = ((): boolean => {
        const { d, model } = runProgram([...ops, { kind: "fire", ok: true }]);
        return model.fired && !model.result.ok && !(d.result instanceof Deferred);
      })();
      const reports = [];
      await collectGarbage(() => {
        reports.push(...flushLoggedErrors().filter((e) => e.why?.startsWith("Unhandled error in Deferred")));
        return !endsFailed || reports.length > 0;
      });
      if (endsFailed) failing++;
      expect(reports.length, `program ${JSON.stringify(ops)}`).to.be.at.most(endsFailed ? 1 : 0);
      if (endsFailed) expect(reports.length, `program ${JSON.stringify(ops)}`).to.equal(1);
    }
    expect(failing, "the sample must contain failing programs").to.be.greaterThan(0);
  });
});
