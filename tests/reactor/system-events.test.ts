import { expect } from "chai";
import { Deferred } from "../../defer";
import { addObserver, removeObserver, type LogEvent } from "../../log";
import type { TriggerId } from "../../reactor";
import { newReactor } from "../helpers/reactor";
import { flushLoggedErrors, loggedErrors } from "../setup";

class DummyException extends Error {}

describe("Reactor: system event triggers", () => {
  const r = newReactor();
  const EVENT = "test-event";
  let handles: TriggerId[] = [];
  function add(phase: "before" | "during" | "after", f: (...a: never[]) => unknown, ...args: unknown[]): TriggerId {
    const h = r.addSystemEventTrigger(phase, EVENT, f as (...a: unknown[]) => unknown, ...args);
    handles.push(h);
    return h;
  }
  afterEach(() => {
    for (const h of handles) {
      try {
        r.removeSystemEventTrigger(h);
      } catch {
        /* already ran or removed */
      }
    }
    handles = [];
  });

  it("an unknown phase throws an Error naming the valid phases", () => {
    expect(() => r.addSystemEventTrigger("middle" as never, EVENT, () => undefined)).to.throw(
      Error,
      /"before", "during" and "after"/,
    );
  });

  it("a non-function trigger throws TypeError", () => {
    expect(() => r.addSystemEventTrigger("before", EVENT, 5 as never)).to.throw(TypeError);
  });

  it("fires before, then during, then after, with the triggers' arguments", () => {
    const events: unknown[] = [];
    add("after", (x: string) => events.push(x), "after");
    add("during", (x: string) => events.push(x), "during");
    add("before", (x: string) => events.push(x), "before");
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["before", "during", "after"]);
  });

  it("triggers of a phase run in the order they were added", () => {
    const events: number[] = [];
    for (let i = 0; i < 5; i++) add("during", () => events.push(i));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it("a trigger runs once: firing again does not call it", () => {
    const events: string[] = [];
    add("before", () => events.push("before"));
    add("during", () => events.push("during"));
    add("after", () => events.push("after"));
    r.fireSystemEvent(EVENT);
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["before", "during", "after"]);
  });

  it("events of different types do not interact", () => {
    const events: string[] = [];
    add("during", () => events.push("mine"));
    const other = r.addSystemEventTrigger("during", "other-event", () => events.push("other"));
    r.fireSystemEvent("other-event");
    expect(events).to.deep.equal(["other"]);
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["other", "mine"]);
    expect(() => r.removeSystemEventTrigger(other)).to.throw(Error);
  });

  it("'during' waits for a Deferred returned by a 'before' trigger", () => {
    const events: string[] = [];
    const d = new Deferred<null>();
    add("before", () => d);
    add("during", () => events.push("during"));
    add("after", () => events.push("after"));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal([]);
    d.callback(null);
    expect(events).to.deep.equal(["during", "after"]);
    expect(d.result).to.equal(null); // the trigger's Deferred's result passes through
  });

  it("'during' waits for every Deferred of the 'before' phase", () => {
    const events: string[] = [];
    const a = new Deferred<null>();
    const b = new Deferred<null>();
    add("before", () => a);
    add("before", () => b);
    add("during", () => events.push("during"));
    r.fireSystemEvent(EVENT);
    a.callback(null);
    expect(events).to.deep.equal([]);
    b.callback(null);
    expect(events).to.deep.equal(["during"]);
  });

  it("a later 'before' trigger may fire an earlier one's Deferred; later Deferreds are still awaited", () => {
    const events: string[] = [];
    const first = new Deferred<null>();
    const second = new Deferred<null>();
    add("before", () => first);
    add("before", () => first.callback(null));
    add("before", () => {
      events.push("before");
      return second;
    });
    add("during", () => events.push("during"));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["before"]);
    second.callback(null);
    expect(events).to.deep.equal(["before", "during"]);
  });

  it("'during' waits for a Promise returned by a 'before' trigger", async () => {
    const events: string[] = [];
    let resolveIt: () => void = () => undefined;
    add("before", () => new Promise<void>((resolve) => (resolveIt = resolve)));
    add("during", () => events.push("during"));
    r.fireSystemEvent(EVENT);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).to.deep.equal([]);
    resolveIt();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).to.deep.equal(["during"]);
  });

  it("a failing 'before' Deferred is reported and does not stop the event", () => {
    const events: string[] = [];
    const d = new Deferred<null>();
    add("before", () => d);
    add("during", () => events.push("during"));
    r.fireSystemEvent(EVENT);
    d.errback(new DummyException("before failed"));
    expect(events).to.deep.equal(["during"]);
    expect(flushLoggedErrors(DummyException)).to.have.length(1);
  });

  it("a trigger that throws is reported and the others still run", () => {
    const events: string[] = [];
    add("before", () => {
      throw new DummyException("before");
    });
    add("before", () => events.push("before"));
    add("during", () => {
      throw new DummyException("during");
    });
    add("during", () => events.push("during"));
    add("after", () => events.push("after"));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["before", "during", "after"]);
    const errors = flushLoggedErrors(DummyException);
    expect(errors.map((e) => e.failure?.getErrorMessage())).to.deep.equal(["before", "during"]);
  });

  it("removeSystemEventTrigger removes a trigger before it runs", () => {
    const events: string[] = [];
    const h = add("during", () => events.push("removed"));
    add("during", () => events.push("kept"));
    r.removeSystemEventTrigger(h);
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["kept"]);
  });

  it("removing an unknown, already removed or not-a-handle trigger throws", () => {
    const h = add("during", () => undefined);
    r.removeSystemEventTrigger(h);
    expect(() => r.removeSystemEventTrigger(h)).to.throw(Error);
    expect(() => r.removeSystemEventTrigger({ phase: "during", eventType: EVENT })).to.throw(Error);
    expect(() => r.removeSystemEventTrigger(undefined as never)).to.throw(Error);
  });

  it("a 'before' trigger can remove a pending 'before' trigger", () => {
    const events: string[] = [];
    add("before", () => r.removeSystemEventTrigger(h));
    const h = add("before", () => events.push("first"));
    add("before", () => events.push("second"));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["second"]);
  });

  it("removing a 'before' trigger that already ran, while firing, only warns", () => {
    const events: string[] = [];
    const warnings: LogEvent[] = [];
    const observer = (e: LogEvent): void => {
      if (e.level === "warn") warnings.push(e);
    };
    addObserver(observer);
    try {
      const first = add("before", () => events.push("first"));
      add("before", () => r.removeSystemEventTrigger(first));
      add("before", () => events.push("second"));
      r.fireSystemEvent(EVENT);
    } finally {
      removeObserver(observer);
    }
    expect(events).to.deep.equal(["first", "second"]);
    expect(loggedErrors()).to.have.length(0);
    expect(warnings).to.have.length(1);
    expect(warnings[0].message).to.match(/already run/);
  });

  it("a 'before' trigger can remove a 'during' trigger (synchronously or while waiting)", () => {
    const events: string[] = [];
    add("before", () => r.removeSystemEventTrigger(during));
    const during = add("during", () => events.push("during"));
    add("after", () => events.push("after"));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["after"]);

    const events2: string[] = [];
    const d = new Deferred<null>();
    add("before", () => d);
    const during2 = add("during", () => events2.push("during"));
    add("after", () => events2.push("after"));
    r.fireSystemEvent(EVENT);
    r.removeSystemEventTrigger(during2);
    d.callback(null);
    expect(events2).to.deep.equal(["after"]);
  });

  it("a 'during' trigger can remove a pending 'during' trigger", () => {
    const events: string[] = [];
    add("during", () => r.removeSystemEventTrigger(h));
    const h = add("during", () => events.push("first"));
    add("during", () => events.push("second"));
    r.fireSystemEvent(EVENT);
    expect(events).to.deep.equal(["second"]);
  });
});
