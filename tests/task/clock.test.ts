import { expect } from "chai";
import { AlreadyCalled, AlreadyCancelled, DelayedCall } from "../../reactor";
import { Clock } from "../../task";
import { newReactor, runReactor } from "../helpers/reactor";

describe("Clock", () => {
  it("starts at 0 and seconds() is rightNow", () => {
    const c = new Clock();
    expect(c.seconds()).to.equal(0);
    c.rightNow = 12.5;
    expect(c.seconds()).to.equal(12.5);
  });

  it("callLater returns a DelayedCall at now + delay, that runs when advanced there", () => {
    const c = new Clock();
    const ran: unknown[] = [];
    const call = c.callLater(1, (a: string, b: number) => ran.push([a, b]), "x", 2);
    expect(call).to.be.instanceOf(DelayedCall);
    expect(call.getTime()).to.equal(1);
    c.advance(0.5);
    expect(ran).to.deep.equal([]);
    c.advance(0.5);
    expect(ran).to.deep.equal([["x", 2]]);
    expect(call.called).to.equal(true);
    expect(() => call.cancel()).to.throw(AlreadyCalled);
  });

  it("a cancelled call does not run, and cannot be cancelled again", () => {
    const c = new Clock();
    let ran = false;
    const call = c.callLater(1, () => (ran = true));
    call.cancel();
    c.advance(2);
    expect(ran).to.equal(false);
    expect(() => call.cancel()).to.throw(AlreadyCancelled);
  });

  it("runs calls in time order; equal times in scheduling order", () => {
    const c = new Clock();
    const order: string[] = [];
    c.callLater(2, () => order.push("two"));
    c.callLater(1, () => order.push("one a"));
    c.callLater(1, () => order.push("one b"));
    c.callLater(0, () => order.push("zero"));
    c.advance(3);
    expect(order).to.deep.equal(["zero", "one a", "one b", "two"]);
  });

  it("advance() runs everything due with the new time; calls made meanwhile that are due run too", () => {
    const c = new Clock();
    const seen: Array<[string, number]> = [];
    c.callLater(1, () => {
      seen.push(["first", c.seconds()]);
      c.callLater(0, () => seen.push(["scheduled by first", c.seconds()]));
      c.callLater(10, () => seen.push(["far", c.seconds()]));
    });
    c.callLater(2, () => seen.push(["second", c.seconds()]));
    c.advance(5);
    expect(seen).to.deep.equal([
      ["first", 5],
      ["second", 5],
      ["scheduled by first", 5],
    ]);
  });

  it("advance() when a cancelled call was due runs the rest", () => {
    const c = new Clock();
    const order: string[] = [];
    const a = c.callLater(1, () => order.push("a"));
    c.callLater(1, () => order.push("b"));
    a.cancel();
    c.advance(1);
    expect(order).to.deep.equal(["b"]);
  });

  it("delay() and reset() move a call later or sooner", () => {
    const c = new Clock();
    const ran: string[] = [];
    const later = c.callLater(1, () => ran.push("delayed"));
    later.delay(1);
    const sooner = c.callLater(5, () => ran.push("reset sooner"));
    sooner.reset(0.5);
    c.advance(1);
    expect(ran).to.deep.equal(["reset sooner"]);
    c.advance(1);
    expect(ran).to.deep.equal(["reset sooner", "delayed"]);
  });

  it("reset() inside a call keeps the order of calls with equal times", () => {
    const c = new Clock();
    const order: string[] = [];
    const a = c.callLater(1, () => order.push("a"));
    c.callLater(0.5, () => a.reset(0.5)); // at 0.5 (flow): a moves to 1.0 again, after b in FIFO order
    c.callLater(1, () => order.push("b"));
    c.flow(1);
    expect(order).to.deep.equal(["b", "a"]);
  });

  it("getDelayedCalls lists the pending calls only", () => {
    const c = new Clock();
    expect(c.getDelayedCalls()).to.deep.equal([]);
    const a = c.callLater(1, () => undefined);
    const b = c.callLater(2, () => undefined);
    expect(c.getDelayedCalls()).to.deep.equal([a, b]);
    a.cancel();
    expect(c.getDelayedCalls()).to.deep.equal([b]);
    c.advance(2);
    expect(c.getDelayedCalls()).to.deep.equal([]);
  });

  it("pump() advances by each amount in turn", () => {
    const c = new Clock();
    const times: number[] = [];
    for (const t of [1, 2, 3]) c.callLater(t, () => times.push(c.seconds()));
    c.pump([0.5, 1, 1, 1]);
    expect(times).to.deep.equal([1.5, 2.5, 3.5]);
  });

  it("flow() runs each call at its own deadline, including calls scheduled inside the window", () => {
    const c = new Clock();
    const seen: Array<[string, number]> = [];
    c.callLater(1, () => {
      seen.push(["a", c.seconds()]);
      c.callLater(0.5, () => seen.push(["scheduled by a", c.seconds()]));
      c.callLater(10, () => seen.push(["outside", c.seconds()]));
    });
    c.callLater(2, () => seen.push(["b", c.seconds()]));
    c.flow(3);
    expect(seen).to.deep.equal([
      ["a", 1],
      ["scheduled by a", 1.5],
      ["b", 2],
    ]);
    expect(c.seconds()).to.equal(3);
    expect(c.getDelayedCalls().map((x) => x.getTime())).to.deep.equal([11]);
  });

  it("advanceToNext() jumps to the next deadline; false when nothing is pending", () => {
    const c = new Clock();
    const seen: number[] = [];
    c.callLater(3, () => seen.push(c.seconds()));
    c.callLater(7, () => seen.push(c.seconds()));
    c.callLater(Infinity, () => seen.push(-1));
    expect(c.advanceToNext()).to.equal(true);
    expect(seen).to.deep.equal([3]);
    expect(c.advanceToNext()).to.equal(true);
    expect(seen).to.deep.equal([3, 7]);
    expect(c.advanceToNext()).to.equal(false);
    expect(c.seconds()).to.equal(7);
  });

  it("runUntilIdle() flows until nothing is pending and returns how many calls ran", () => {
    const c = new Clock();
    const seen: number[] = [];
    let n = 0;
    const again = (): void => {
      seen.push(c.seconds());
      if (++n < 3) c.callLater(1, again);
    };
    c.callLater(1, again);
    c.callLater(Infinity, () => seen.push(-1));
    expect(c.runUntilIdle()).to.equal(3);
    expect(seen).to.deep.equal([1, 2, 3]);
  });

  it("runUntilIdle() names a runaway call and where it was scheduled, and loses nothing", () => {
    const c = new Clock();
    function runaway(): void {
      c.callLater(0, runaway);
    }
    c.callLater(0, runaway);
    let message = "";
    try {
      c.runUntilIdle(50);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/after 50 calls/);
    expect(message).to.match(/runaway/);
    expect(message).to.match(/clock\.test\.ts/);
    expect(c.getDelayedCalls()).to.have.length(1); // the next call is still scheduled
  });

  it("an exception from a call propagates out of advance(); the rest run on the next advance", () => {
    const c = new Clock();
    const ran: string[] = [];
    c.callLater(1, () => {
      throw new Error("boom");
    });
    c.callLater(1, () => ran.push("after"));
    expect(() => c.advance(1)).to.throw("boom");
    expect(ran).to.deep.equal([]);
    c.advance(0);
    expect(ran).to.deep.equal(["after"]);
  });

  it("bad input: negative or NaN amounts and delays, non-functions", () => {
    const c = new Clock();
    expect(() => c.advance(-1)).to.throw(RangeError);
    expect(() => c.advance(NaN)).to.throw(RangeError);
    expect(() => c.flow(-1)).to.throw(RangeError);
    expect(() => c.callLater(-1, () => undefined)).to.throw(RangeError);
    expect(() => c.callLater(1, 5 as never)).to.throw(TypeError);
    expect(() => c.runUntilIdle(-1)).to.throw(RangeError);
  });

  it("equal deadlines run in the same order on the Clock and on the Reactor", async () => {
    const schedule = (clockLike: { callLater(d: number, f: () => void): unknown }, out: string[]): void => {
      clockLike.callLater(0.002, () => out.push("a"));
      clockLike.callLater(0, () => out.push("b"));
      clockLike.callLater(0.002, () => out.push("c"));
      clockLike.callLater(0, () => out.push("d"));
    };
    const onClock: string[] = [];
    const c = new Clock();
    schedule(c, onClock);
    c.advance(1);
    const onReactor: string[] = [];
    const r = newReactor();
    const frozen = r.seconds();
    r.seconds = () => frozen; // every call gets the same "now", as on the Clock
    schedule(r, onReactor);
    r.seconds = () => performance.now() / 1000;
    r.callLater(0.02, () => r.stop());
    await runReactor(r);
    expect(onReactor).to.deep.equal(onClock);
    expect(onClock).to.deep.equal(["b", "d", "a", "c"]);
  });
});

describe("Clock.calls (Twisted's attribute)", () => {
  it("lists the pending calls in the order they would run, as getDelayedCalls", () => {
    const clock = new Clock();
    const late = clock.callLater(2, () => {});
    const early = clock.callLater(1, () => {});
    expect(clock.calls).to.deep.equal([early, late]);
    early.cancel();
    expect(clock.calls).to.deep.equal([late]);
    clock.advance(2);
    expect(clock.calls).to.deep.equal([]);
  });
});
