import { expect } from "chai";
import { Failure } from "../../core/failure";
import { addObserver, err, isObserving, Logger, msg, removeObserver, type LogEvent, type Observer } from "../../log";
import { loggingOnPurpose } from "../helpers/log";

describe("log publisher", () => {
  // These tests log errors on purpose and check them with their own observers.
  loggingOnPurpose();

  const added: Observer[] = [];
  afterEach(() => {
    for (const o of added.splice(0)) removeObserver(o);
  });

  function observe(observer: Observer): Observer {
    added.push(observer);
    addObserver(observer);
    return observer;
  }

  function collector(): { events: LogEvent[]; observer: Observer } {
    const events: LogEvent[] = [];
    return { events, observer: observe((e) => events.push(e)) };
  }

  it("calls observers synchronously, in the order they were added", () => {
    const calls: string[] = [];
    observe(() => calls.push("a"));
    observe(() => calls.push("b"));
    observe(() => calls.push("c"));
    msg("x");
    expect(calls).to.deep.equal(["a", "b", "c"]);
  });

  it("delivers the same event object to every observer", () => {
    const a = collector();
    const b = collector();
    msg("shared");
    expect(a.events).to.have.length(1);
    expect(b.events[0]).to.equal(a.events[0]);
  });

  it("registers an observer added twice only once", () => {
    let calls = 0;
    const o = observe(() => calls++);
    addObserver(o);
    msg("once");
    expect(calls).to.equal(1);
  });

  it("stops delivering to a removed observer, and reports it as not observing", () => {
    const { events, observer } = collector();
    expect(isObserving(observer)).to.equal(true);
    msg("before");
    removeObserver(observer);
    expect(isObserving(observer)).to.equal(false);
    msg("after");
    expect(events.map((e) => e.message)).to.deep.equal(["before"]);
  });

  it("re-adding a removed observer puts it last", () => {
    const calls: string[] = [];
    const a = observe(() => calls.push("a"));
    observe(() => calls.push("b"));
    removeObserver(a);
    addObserver(a);
    msg("x");
    expect(calls).to.deep.equal(["b", "a"]);
  });

  it("treats removing an unknown observer as a no-op", () => {
    const { events } = collector();
    expect(() => removeObserver(() => undefined)).not.to.throw();
    msg("still delivered");
    expect(events).to.have.length(1);
  });

  describe("a throwing observer", () => {
    it("stays registered, and its error reaches the other observers exactly once", () => {
      const boom = new Error("observer boom");
      let throwerCalls = 0;
      const thrower = observe(function thrower(): void {
        throwerCalls++;
        throw boom;
      });
      const { events } = collector();

      expect(() => msg("first")).not.to.throw();
      expect(throwerCalls).to.equal(1);
      expect(events.map((e) => e.message)).to.deep.equal(["first", "Log observer thrower failed."]);
      expect(events[1].namespace).to.equal("log");
      const report = events[1];
      expect(report.level).to.equal("error");
      expect(report.isError).to.equal(true);
      expect(report.failure).to.be.instanceOf(Failure);
      expect(report.failure?.value).to.equal(boom);

      expect(isObserving(thrower)).to.equal(true);
      msg("second");
      expect(throwerCalls).to.equal(2); // not called with its own report
      expect(events).to.have.length(4);
    });

    it("is reported after the event reached every observer, before and after it", () => {
      const before = collector();
      observe(() => {
        throw new Error("boom");
      });
      const after = collector();
      msg("x");
      const expected = ["x", "Log observer (anonymous) failed."];
      expect(before.events.map((e) => e.message)).to.deep.equal(expected);
      expect(after.events.map((e) => e.message)).to.deep.equal(expected);
      expect(after.events[1]).to.equal(before.events[1]);
    });

    it("wraps a thrown non-Error value and keeps a thrown Failure as is", () => {
      const thrown = new Failure(new TypeError("inner"));
      const values: unknown[] = ["a string", thrown];
      observe(() => {
        throw values.shift();
      });
      const { events } = collector();
      msg("1");
      msg("2");
      const reports = events.filter((e) => e.failure !== undefined);
      expect(reports).to.have.length(2);
      expect(reports[0].failure?.value).to.equal("a string");
      expect(reports[1].failure).to.equal(thrown);
    });

    it("drops, without recursing, an error thrown while handling a failure report", () => {
      let firstCalls = 0;
      let secondCalls = 0;
      observe(function first(): void {
        firstCalls++;
        throw new Error("first");
      });
      observe(function second(): void {
        secondCalls++;
        throw new Error("second");
      });
      const { events } = collector();

      expect(() => msg("x")).not.to.throw();
      // Each gets "x" and the other's report (where it throws again: dropped, not reported).
      expect(firstCalls).to.equal(2);
      expect(secondCalls).to.equal(2);
      expect(events.map((e) => e.message)).to.deep.equal([
        "x",
        "Log observer first failed.",
        "Log observer second failed.",
      ]);
      expect(events[1].failure?.getErrorMessage()).to.equal("first");
      expect(events[2].failure?.getErrorMessage()).to.equal("second");
    });

    it("is reported for each event it fails on", () => {
      observe(() => {
        throw new Error("boom");
      });
      const { events } = collector();
      msg("1");
      msg("2");
      expect(events.filter((e) => e.isError)).to.have.length(2);
    });
  });

  it("never throws into the caller, whatever is logged or however observers fail", () => {
    observe(() => {
      throw new Error("always");
    });
    const hostile = {
      toString(): string {
        throw new Error("toString");
      },
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const fields = new Proxy(
      {},
      {
        ownKeys(): never {
          throw new Error("ownKeys");
        },
      },
    );
    expect(() => msg(hostile, Object.create(null), revoked.proxy, Symbol("s"), 10n)).not.to.throw();
    expect(() => err(hostile, undefined, fields)).not.to.throw();
    expect(() => err(Object.create(null))).not.to.throw();
    expect(() => err(revoked.proxy)).not.to.throw();
    expect(() => new Logger("ns").warn(hostile as unknown as string, fields)).not.to.throw();
  });

  it("still publishes events whose values were hard to format", () => {
    const { events } = collector();
    const hostile = {
      toString(): string {
        throw new Error("toString");
      },
    };
    err(hostile);
    err(Object.create(null));
    expect(events).to.have.length(2);
    expect(events[0].failure?.value).to.equal(hostile);
    expect(events[0].message).to.be.a("string");
    expect(events[1].message).to.equal("[object Object]");
  });
});
