import { expect } from "chai";
import { CancelledError, Deferred, FailureGroup, race, succeed } from "../../defer";
import { failureOf, successOf } from "../helpers/deferred";

/** The current result of `d`, whatever it is (passed on unchanged). */
function currentResult(d: Deferred<unknown>): unknown {
  let got: unknown = "no result";
  d.addBoth((r) => {
    got = r;
    return r;
  });
  return got;
}

describe("race", () => {
  it("fires with [index, result] of the first Deferred to succeed", () => {
    const ds = [new Deferred<string>(), new Deferred<string>(), new Deferred<string>()];
    const raced = race(ds);
    expect(raced.called).to.equal(false);
    ds[1].callback("b");
    expect(successOf(raced)).to.deep.equal([1, "b"]);
  });

  it("cancels the losers, whose results (and the winner's) become null", () => {
    const cancelled: number[] = [];
    const ds = [0, 1, 2].map((i) => new Deferred<string>(() => cancelled.push(i)));
    const raced = race(ds);
    ds[2].callback("c");
    expect(cancelled).to.deep.equal([0, 1]);
    expect(successOf(raced)).to.deep.equal([2, "c"]);
    // The losers' CancelledErrors are taken over by the race, not left unhandled.
    expect(ds.map(currentResult)).to.deep.equal([null, null, null]);
  });

  it("lets a success after an earlier failure win", () => {
    const ds = [new Deferred<string>(), new Deferred<string>()];
    const raced = race(ds);
    ds[0].errback(new RangeError("first failed"));
    expect(raced.called).to.equal(false);
    ds[1].callback("second");
    expect(successOf(raced)).to.deep.equal([1, "second"]);
  });

  it("fails with a FailureGroup of every failure, in input order, when all fail", () => {
    const ds = [new Deferred<string>(), new Deferred<string>(), new Deferred<string>()];
    const raced = race(ds);
    const errors = [new Error("0"), new Error("1"), new Error("2")];
    ds[2].errback(errors[2]);
    ds[0].errback(errors[0]);
    expect(raced.called).to.equal(false);
    ds[1].errback(errors[1]);
    const f = failureOf(raced, FailureGroup);
    const group = f.value as FailureGroup;
    expect(group.failures.map((x) => x.value)).to.deep.equal(errors);
    expect(ds.map(currentResult)).to.deep.equal([null, null, null]);
  });

  it("cancel() cancels every input; the race fails with their CancelledErrors", () => {
    const cancelled: number[] = [];
    const ds = [0, 1].map((i) => new Deferred<string>(() => cancelled.push(i)));
    const raced = race(ds);
    raced.cancel();
    expect(cancelled).to.deep.equal([0, 1]);
    const f = failureOf(raced, FailureGroup);
    const group = f.value as FailureGroup;
    expect(group.failures.map((x) => x.check(CancelledError))).to.deep.equal([CancelledError, CancelledError]);
  });

  it("with an input that already succeeded wins at once and cancels the others", () => {
    const later = new Deferred<string>();
    const raced = race([succeed("now"), later]);
    expect(successOf(raced)).to.deep.equal([0, "now"]);
    expect(later.called).to.equal(true);
    expect(currentResult(later)).to.equal(null);
  });

  it("ignores a loser that its canceller fires with a success", () => {
    const stubborn = new Deferred<string>((d) => d.callback("too late"));
    const winner = new Deferred<string>();
    const raced = race([stubborn, winner]);
    winner.callback("first");
    expect(successOf(raced)).to.deep.equal([1, "first"]);
  });

  it("does not cancel inputs that have already failed when a winner comes", () => {
    const inner = new Deferred<null>();
    const ds = [new Deferred<string>(), new Deferred<string>()];
    const raced = race(ds);
    ds[0].errback(new RangeError("lost"));
    // ds[0] now waits on `inner`; cancelling ds[0] would cancel `inner`.
    ds[0].addCallback(() => inner);
    ds[1].callback("won");
    expect(successOf(raced)).to.deep.equal([1, "won"]);
    expect(inner.called).to.equal(false);
  });

  it("with no Deferreds fails at once with an empty FailureGroup", () => {
    const f = failureOf(race<string>([]), FailureGroup);
    expect((f.value as FailureGroup).failures).to.deep.equal([]);
  });

  it("works with await", async () => {
    const ds = [new Deferred<number>(), new Deferred<number>()];
    const raced = race(ds);
    ds[0].callback(10);
    expect(await raced).to.deep.equal([0, 10]);
  });
});
