/**
 * Re-entrancy: the runtime called back into from inside its own callbacks.
 */
import { expect } from "chai";
import { Deferred } from "../../defer";
import { ReactorAlreadyRunning, type DelayedCall } from "../../reactor";
import { Clock } from "../../task";
import { newReactor, runReactor } from "../helpers/reactor";

describe("re-entrancy", () => {
  it("stop() from inside a delayed call: the rest of the pass still runs, then the shutdown", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("before", "shutdown", () => events.push("shutdown"));
    r.callLater(0, () => {
      events.push("stopper");
      r.stop();
    });
    r.callLater(0, () => events.push("same pass"));
    r.callLater(0.5, () => events.push("never"));
    await runReactor(r);
    expect(events).to.deep.equal(["stopper", "same pass", "shutdown"]);
  });

  it("stop() from inside a system event trigger of another event", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("during", "custom", () => {
      events.push("custom");
      r.stop();
    });
    r.addSystemEventTrigger("after", "shutdown", () => events.push("after shutdown"));
    r.callLater(0, () => r.fireSystemEvent("custom"));
    await runReactor(r);
    expect(events).to.deep.equal(["custom", "after shutdown"]);
  });

  it("stop() from inside a Deferred callback fired by a delayed call", async () => {
    const r = newReactor();
    const d = new Deferred<string>();
    const events: string[] = [];
    d.addCallback((v) => {
      events.push(v);
      r.stop();
      return v;
    });
    r.callLater(0.001, () => d.callback("fired"));
    await runReactor(r);
    expect(events).to.deep.equal(["fired"]);
    expect(r.running).to.equal(false);
  });

  it("run() from inside a callback throws ReactorAlreadyRunning and the reactor goes on", async () => {
    const r = newReactor();
    const errors: unknown[] = [];
    r.callLater(0, () => {
      try {
        void r.run();
      } catch (e) {
        errors.push(e);
      }
    });
    r.callLater(0.002, () => r.stop());
    await runReactor(r);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(ReactorAlreadyRunning);
  });

  it("cancelling a later call of the same pass from an earlier one: it does not run", () => {
    const c = new Clock();
    const ran: string[] = [];
    c.callLater(1, () => {
      ran.push("first");
      victim.cancel();
    });
    const victim: DelayedCall = c.callLater(1, () => ran.push("victim"));
    c.callLater(1, () => ran.push("third"));
    c.advance(1);
    expect(ran).to.deep.equal(["first", "third"]);
  });

  it("reset() of a call due in the same pass, from an earlier call: it moves out of the pass", () => {
    const c = new Clock();
    const ran: Array<[string, number]> = [];
    c.callLater(1, () => {
      ran.push(["first", c.seconds()]);
      victim.reset(1);
    });
    const victim: DelayedCall = c.callLater(1, () => ran.push(["moved", c.seconds()]));
    c.advance(1);
    expect(ran).to.deep.equal([["first", 1]]);
    c.advance(1);
    expect(ran).to.deep.equal([
      ["first", 1],
      ["moved", 2],
    ]);
  });

  it("reset() or delay() of the call that is running throws AlreadyCalled (it is marked before it runs)", () => {
    const c = new Clock();
    const errors: string[] = [];
    const self: DelayedCall = c.callLater(1, () => {
      for (const act of [() => self.reset(1), () => self.delay(1), () => self.cancel()]) {
        try {
          act();
        } catch (e) {
          errors.push((e as Error).name);
        }
      }
    });
    c.advance(1);
    expect(errors).to.deep.equal(["AlreadyCalled", "AlreadyCalled", "AlreadyCalled"]);
  });

  it("callLater from the neighbours of a cancelled call: the new calls run in their order", () => {
    const c = new Clock();
    const ran: string[] = [];
    c.callLater(1, () => {
      ran.push("before");
      c.callLater(0, () => ran.push("scheduled by before"));
    });
    const cancelled = c.callLater(1, () => ran.push("cancelled"));
    c.callLater(1, () => {
      ran.push("after");
      c.callLater(0, () => ran.push("scheduled by after"));
    });
    cancelled.cancel();
    c.advance(1);
    expect(ran).to.deep.equal(["before", "after", "scheduled by before", "scheduled by after"]);
  });

  it("on a real reactor, calls scheduled by neighbours of a cancelled call run in the next pass", async () => {
    const r = newReactor();
    const ran: string[] = [];
    r.callLater(0, () => {
      ran.push("before");
      cancelled.cancel();
      r.callLater(0, () => ran.push("next pass"));
    });
    const cancelled: DelayedCall = r.callLater(0, () => ran.push("cancelled"));
    r.callLater(0, () => ran.push("after"));
    r.callLater(0.01, () => r.stop());
    await runReactor(r);
    expect(ran).to.deep.equal(["before", "after", "next pass"]);
  });

  it("a Deferred fired from inside its own callback chain's callback raises AlreadyCalledError there", () => {
    const d = new Deferred<number>();
    const errors: string[] = [];
    d.addCallback((v) => {
      try {
        d.callback(2);
      } catch (e) {
        errors.push((e as Error).name);
      }
      return v;
    });
    d.callback(1);
    expect(errors).to.deep.equal(["AlreadyCalledError"]);
    expect(d.result).to.equal(1);
  });

  it("a callback that fires another Deferred whose callback adds to the first: all run, in order", () => {
    const a = new Deferred<string>();
    const b = new Deferred<string>();
    const order: string[] = [];
    a.addCallback((v) => {
      order.push(`a1 ${v}`);
      b.callback("b");
      return v;
    });
    b.addCallback((v) => {
      order.push(`b1 ${v}`);
      a.addCallback((w) => {
        order.push(`a-added-by-b ${w}`);
        return w;
      });
      return v;
    });
    a.addCallback((v) => {
      order.push(`a2 ${v}`);
      return v;
    });
    a.callback("a");
    expect(order).to.deep.equal(["a1 a", "b1 b", "a2 a", "a-added-by-b a"]);
  });
});
