import { expect } from "chai";
import { CancelledError, Deferred, Failure } from "../../defer";
import { addObserver, removeObserver, type LogEvent } from "../../log";
import { reactor } from "../../reactor";
import { Clock, Scheduler, createTask } from "../../task";
import { collectGarbage } from "../helpers/gc";
import { flushLoggedErrors, loggedErrors } from "../setup";

class Boom extends Error {
  constructor(readonly mark = "boom") {
    super(`boom ${mark}`);
  }
}
class Expected extends Error {}

/** Lets pending Promise reactions (and what they fire) run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("Scheduler", () => {
  let clock: Clock;
  let events: LogEvent[];
  const observer = (e: LogEvent): void => {
    events.push(e);
  };
  const warnings = (): LogEvent[] => events.filter((e) => e.level === "warn");

  beforeEach(() => {
    clock = new Clock();
    events = [];
    addObserver(observer);
  });
  afterEach(() => removeObserver(observer));

  it("logs task ids that contain braces as they are (the id is a field, not part of the format)", () => {
    const s = new Scheduler("s", { clock });
    s.cancel("{not a field}");
    s.schedule("{x}", () => undefined);
    s.schedule("{x}", () => undefined);
    expect(warnings().map((e) => e.message)).to.deep.equal([
      'Failed to unschedule task #"{not a field}" (no task found).',
      'Did not schedule task #"{x}"; a task with that id is already scheduled.',
    ]);
    s.cancelAll();
  });

  describe("starting work", () => {
    it("starts function work on the clock's next turn, not synchronously, with an AbortSignal", () => {
      const s = new Scheduler("s", { clock });
      const seen: unknown[] = [];
      s.schedule("a", (signal) => seen.push(signal));
      expect(seen).to.deep.equal([]);
      expect(clock.getDelayedCalls()).to.have.length(1);
      expect(clock.getDelayedCalls()[0].getTime()).to.equal(0);
      clock.advance(0);
      expect(seen).to.have.length(1);
      expect(seen[0]).to.be.instanceOf(AbortSignal);
      expect((seen[0] as AbortSignal).aborted).to.equal(false);
    });

    it("starts generator work on the next turn and drives it as inlineCallbacks", () => {
      const s = new Scheduler("s", { clock });
      const seen: unknown[] = [];
      const d = new Deferred<number>();
      s.schedule(
        "g",
        (function* () {
          seen.push("started");
          seen.push(yield d);
          seen.push(yield "plain");
        })(),
      );
      expect(seen).to.deep.equal([]);
      clock.advance(0);
      expect(seen).to.deep.equal(["started"]);
      d.callback(42);
      expect(seen).to.deep.equal(["started", 42, "plain"]);
    });

    it("drives a generator returned by function work", () => {
      const s = new Scheduler("s", { clock });
      const d = new Deferred<string>();
      const seen: unknown[] = [];
      s.schedule("g", function* () {
        seen.push(yield d);
      });
      clock.advance(0);
      expect(s.has("g")).to.equal(true);
      d.callback("x");
      expect(seen).to.deep.equal(["x"]);
      expect(s.has("g")).to.equal(false);
    });

    it("waits on a Promise returned by function work", async () => {
      const s = new Scheduler("s", { clock });
      let resolve!: (v: number) => void;
      s.schedule("p", () => new Promise<number>((r) => (resolve = r)));
      clock.advance(0);
      expect(s.has("p")).to.equal(true);
      resolve(1);
      await settle();
      expect(s.has("p")).to.equal(false);
    });

    it("throws TypeError at the call for work that is neither a function nor a generator", () => {
      const s = new Scheduler("s", { clock });
      for (const bad of [undefined, null, 1, "f", {}, Promise.resolve(1), new Deferred()]) {
        expect(() => s.schedule("x", bad as never)).to.throw(TypeError, /work must be a function or a generator/);
        expect(() => s.scheduleLater(1, "x", bad as never)).to.throw(TypeError);
        expect(() => s.scheduleAt(new Date(), "x", bad as never)).to.throw(TypeError);
        expect(() => createTask(bad as never, { clock })).to.throw(TypeError);
      }
      expect(s.has("x")).to.equal(false);
      expect(clock.getDelayedCalls()).to.have.length(0);
    });

    it("exposes its name", () => {
      expect(new Scheduler("reminders", { clock }).name).to.equal("reminders");
    });
  });

  describe("has()", () => {
    it("is true from the moment schedule returns, false after the work finishes", () => {
      const s = new Scheduler("s", { clock });
      s.schedule("a", () => "done");
      expect(s.has("a")).to.equal(true);
      clock.advance(0);
      expect(s.has("a")).to.equal(false);
    });

    it("stays true while the work waits, false once it fails", () => {
      const s = new Scheduler("s", { clock });
      const d = new Deferred<void>();
      s.schedule("a", () => d);
      clock.advance(0);
      expect(s.has("a")).to.equal(true);
      d.errback(new Boom());
      expect(s.has("a")).to.equal(false);
      expect(flushLoggedErrors(Boom)).to.have.length(1);
    });

    it("is false once the task is cancelled", () => {
      const s = new Scheduler("s", { clock });
      s.schedule("a", () => new Deferred());
      clock.advance(0);
      s.cancel("a");
      expect(s.has("a")).to.equal(false);
    });

    it("compares ids as Map keys (SameValueZero)", () => {
      const s = new Scheduler("s", { clock });
      const arr = [1];
      const obj = { id: 1 };
      s.schedule(1, () => undefined);
      s.schedule("1", () => undefined);
      s.schedule(NaN, () => undefined);
      s.schedule(arr, () => undefined);
      s.schedule(obj, () => undefined);
      expect(warnings()).to.have.length(0); // 1 and "1" are different ids
      expect(s.has(1)).to.equal(true);
      expect(s.has("1")).to.equal(true);
      expect(s.has(NaN)).to.equal(true);
      expect(s.has(-0)).to.equal(false);
      expect(s.has(arr)).to.equal(true);
      expect(s.has([1])).to.equal(false);
      expect(s.has(obj)).to.equal(true);
      expect(s.has({ id: 1 })).to.equal(false);
      s.schedule([1], () => undefined); // another array: another id
      expect(warnings()).to.have.length(0);
      s.schedule(arr, () => undefined); // the same array: a duplicate
      expect(warnings()).to.have.length(1);
      s.schedule(0, () => undefined);
      s.schedule(-0, () => undefined); // SameValueZero: -0 is 0
      expect(warnings()).to.have.length(2);
      clock.advance(0);
      expect(s.has(1) || s.has("1") || s.has(NaN) || s.has(arr) || s.has(obj)).to.equal(false);
    });
  });

  describe("duplicate ids", () => {
    it("logs a warning with the scheduler's namespace and never calls the new function", () => {
      const s = new Scheduler("dupes", { clock });
      const calls: string[] = [];
      s.schedule("a", () => calls.push("first"));
      s.schedule("a", () => calls.push("second"));
      const w = warnings();
      expect(w).to.have.length(1);
      expect(w[0].namespace).to.equal("dupes");
      expect(w[0].message).to.match(/"a"/);
      clock.runUntilIdle();
      expect(calls).to.deep.equal(["first"]);
    });

    it("closes a duplicate generator: its finally block runs and it never resumes", () => {
      const s = new Scheduler("dupes", { clock });
      const seen: string[] = [];
      const first = new Deferred<void>();
      s.schedule("a", () => first);
      function* work(): Generator<unknown, void, unknown> {
        try {
          seen.push("entered");
          yield undefined;
          seen.push("resumed");
        } finally {
          seen.push("finally");
        }
      }
      const primed = work();
      primed.next(); // suspended inside the try
      s.schedule("a", primed);
      expect(seen).to.deep.equal(["entered", "finally"]);
      const fresh = work();
      s.scheduleLater(1, "a", fresh);
      expect(warnings()).to.have.length(2);
      expect(fresh.next().done).to.equal(true); // closed before it ever started
      clock.advance(5);
      expect(seen).to.deep.equal(["entered", "finally"]);
      expect(s.has("a")).to.equal(true); // the first task is untouched
      first.callback();
      expect(s.has("a")).to.equal(false);
    });

    it("accepts the id again once the first task is done", () => {
      const s = new Scheduler("s", { clock });
      const calls: number[] = [];
      s.schedule("a", () => calls.push(1));
      clock.advance(0);
      s.schedule("a", () => calls.push(2));
      clock.advance(0);
      expect(calls).to.deep.equal([1, 2]);
      expect(warnings()).to.have.length(0);
    });
  });

  describe("errors", () => {
    it("logs a synchronous throw via err() with the scheduler's name as namespace, once", () => {
      const s = new Scheduler("mytasks", { clock });
      s.schedule("a", () => {
        throw new Boom("sync");
      });
      clock.advance(0);
      const logged = flushLoggedErrors(Boom);
      expect(logged).to.have.length(1);
      expect(logged[0].namespace).to.equal("mytasks");
      expect(logged[0].isError).to.equal(true);
      expect(logged[0].level).to.equal("error");
      expect((logged[0].failure?.value as Boom).mark).to.equal("sync");
      expect(logged[0].why).to.match(/"a"/);
      expect(s.has("a")).to.equal(false);
    });

    it("logs a rejected Promise and a generator's throw with the namespace", async () => {
      const s = new Scheduler("mytasks", { clock });
      const d = new Deferred<void>();
      s.schedule("p", () => Promise.reject(new Boom("promise")));
      s.schedule(
        "g",
        (function* () {
          yield d;
          throw new Boom("generator");
        })(),
      );
      clock.advance(0);
      d.callback();
      await settle();
      const logged = flushLoggedErrors(Boom);
      expect(logged.map((e) => (e.failure?.value as Boom).mark).sort()).to.deep.equal(["generator", "promise"]);
      for (const e of logged) {
        expect(e.namespace).to.equal("mytasks");
        expect(e.isError).to.equal(true);
      }
      expect(s.has("p") || s.has("g")).to.equal(false);
    });

    it("does not leave a logged failure to be reported again as an unhandled Deferred error", async () => {
      const s = new Scheduler("gc", { clock });
      const mark = `sched-${Date.now()}`;
      (() => {
        s.schedule("a", () => {
          throw new Boom(mark);
        });
        clock.advance(0);
      })();
      await collectGarbage();
      const logged = flushLoggedErrors(Boom).filter((e) => (e.failure?.value as Boom).mark === mark);
      expect(logged).to.have.length(1);
      expect(logged[0].namespace).to.equal("gc");
    });
  });

  describe("cancel()", () => {
    it("aborts the AbortSignal of running function work and does not log the cancellation", () => {
      const s = new Scheduler("s", { clock });
      let signal: AbortSignal | undefined;
      s.schedule("a", (sig) => {
        signal = sig;
        return new Deferred();
      });
      clock.advance(0);
      expect(signal?.aborted).to.equal(false);
      s.cancel("a");
      expect(signal?.aborted).to.equal(true);
      expect(signal?.reason).to.be.instanceOf(CancelledError);
      expect(s.has("a")).to.equal(false);
      expect(loggedErrors()).to.have.length(0);
    });

    it("cancels the Deferred returned by function work", () => {
      const s = new Scheduler("s", { clock });
      let cancelled = false;
      s.schedule("a", () => new Deferred(() => (cancelled = true)));
      clock.advance(0);
      s.cancel("a");
      expect(cancelled).to.equal(true);
      expect(loggedErrors()).to.have.length(0);
    });

    it("does not log an AbortError that the cancelled work fails with", () => {
      const s = new Scheduler("s", { clock });
      s.schedule("a", () => new Deferred((d) => d.errback(new DOMException("aborted", "AbortError"))));
      clock.advance(0);
      s.cancel("a");
      expect(loggedErrors()).to.have.length(0);
    });

    it("logs an AbortError from work that was not cancelled (it is an ordinary error then)", () => {
      const s = new Scheduler("s", { clock });
      s.schedule("a", () => {
        throw new DOMException("someone else's abort", "AbortError");
      });
      clock.advance(0);
      expect(flushLoggedErrors(DOMException)).to.have.length(1);
    });

    it("abandons a Promise returned by function work, without logging", async () => {
      const s = new Scheduler("s", { clock });
      s.schedule(
        "a",
        (signal) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason));
          }),
      );
      clock.advance(0);
      s.cancel("a");
      await settle();
      expect(s.has("a")).to.equal(false);
      expect(loggedErrors()).to.have.length(0);
    });

    it("cancels what generator work waits on: CancelledError is thrown into the generator", () => {
      const s = new Scheduler("s", { clock });
      const waitedOn = new Deferred<void>();
      const seen: unknown[] = [];
      s.schedule(
        "g",
        (function* () {
          try {
            yield waitedOn;
            seen.push("resumed");
          } catch (e) {
            seen.push(e);
            throw e;
          } finally {
            seen.push("finally");
          }
        })(),
      );
      clock.advance(0);
      s.cancel("g");
      expect(waitedOn.called).to.equal(true);
      expect(seen).to.have.length(2);
      expect(seen[0]).to.be.instanceOf(CancelledError);
      expect(seen[1]).to.equal("finally");
      expect(s.has("g")).to.equal(false);
      expect(loggedErrors()).to.have.length(0);
    });

    it("lets a generator that catches the cancellation go on; a later error is still logged", () => {
      const s = new Scheduler("s", { clock });
      const first = new Deferred<void>();
      const second = new Deferred<void>();
      s.schedule(
        "g",
        (function* () {
          try {
            yield first;
          } catch {
            yield second;
            throw new Boom("after cancel");
          }
        })(),
      );
      clock.advance(0);
      s.cancel("g");
      expect(s.has("g")).to.equal(false);
      expect(loggedErrors()).to.have.length(0);
      // The id is free again: a new task with it must survive the old one's end.
      s.schedule("g", () => new Deferred());
      clock.advance(0);
      second.callback();
      const logged = flushLoggedErrors(Boom);
      expect(logged).to.have.length(1);
      expect(logged[0].namespace).to.equal("s");
      expect(s.has("g")).to.equal(true);
    });

    it("before the task started: its delayed call is cancelled and the work never runs", () => {
      const s = new Scheduler("s", { clock });
      let called = false;
      s.scheduleLater(5, "f", () => (called = true));
      const seen: string[] = [];
      const gen = (function* () {
        try {
          seen.push("entered");
          yield undefined;
          seen.push("resumed");
        } finally {
          seen.push("finally");
        }
      })();
      gen.next();
      s.schedule("g", gen);
      const fresh = (function* () {
        seen.push("fresh ran");
        yield undefined;
      })();
      s.schedule("h", fresh);
      expect(clock.getDelayedCalls()).to.have.length(3);
      s.cancel("f");
      s.cancel("g");
      s.cancel("h");
      expect(clock.getDelayedCalls()).to.have.length(0);
      expect(seen).to.deep.equal(["entered", "finally"]);
      expect(fresh.next().done).to.equal(true);
      clock.advance(10);
      expect(called).to.equal(false);
      expect(seen).to.deep.equal(["entered", "finally"]);
      expect(loggedErrors()).to.have.length(0);
    });

    it("work that cancels its own task while it runs: what it returns is cancelled too", () => {
      const s = new Scheduler("s", { clock });
      let returned: Deferred<void> | undefined;
      let signal: AbortSignal | undefined;
      s.schedule("self", (sig) => {
        signal = sig;
        s.cancel("self");
        returned = new Deferred<void>();
        return returned;
      });
      clock.advance(0);
      expect(signal?.aborted).to.equal(true);
      expect(returned?.called).to.equal(true);
      expect(s.has("self")).to.equal(false);
      expect(loggedErrors()).to.have.length(0);
    });

    it("with an unknown id logs a warning (scheduler's namespace) and throws nothing", () => {
      const s = new Scheduler("named", { clock });
      expect(() => s.cancel("nope")).not.to.throw();
      s.schedule("a", () => undefined);
      clock.advance(0);
      expect(() => s.cancel("a")).not.to.throw(); // finished: unknown now
      const w = warnings();
      expect(w).to.have.length(2);
      expect(w[0].namespace).to.equal("named");
      expect(w[0].message).to.match(/"nope"/);
      expect(loggedErrors()).to.have.length(0);
    });

    it("cancelAll() cancels every task, started or not", () => {
      const s = new Scheduler("s", { clock });
      let signal: AbortSignal | undefined;
      const ran: string[] = [];
      s.schedule("running", (sig) => {
        signal = sig;
        return new Deferred();
      });
      clock.advance(0);
      s.schedule("soon", () => ran.push("soon"));
      s.scheduleLater(3, "later", () => ran.push("later"));
      s.cancelAll();
      expect(signal?.aborted).to.equal(true);
      expect(s.has("running") || s.has("soon") || s.has("later")).to.equal(false);
      clock.advance(10);
      expect(ran).to.deep.equal([]);
      expect(warnings()).to.have.length(0);
      expect(loggedErrors()).to.have.length(0);
    });
  });

  describe("scheduleAt() and scheduleLater()", () => {
    it("scheduleAt a past Date starts the work on the next turn", () => {
      const s = new Scheduler("s", { clock });
      let ran = false;
      s.scheduleAt(new Date(Date.now() - 60_000), "a", () => (ran = true));
      expect(s.has("a")).to.equal(true);
      expect(ran).to.equal(false);
      expect(clock.getDelayedCalls()[0].getTime()).to.equal(0);
      clock.advance(0);
      expect(ran).to.equal(true);
    });

    it("scheduleAt a future Date waits until then (delay from Date.now())", () => {
      const s = new Scheduler("s", { clock });
      let ran = false;
      s.scheduleAt(new Date(Date.now() + 5_000), "a", () => (ran = true));
      const due = clock.getDelayedCalls()[0].getTime();
      expect(due).to.be.within(4, 5);
      clock.advance(3.9);
      expect(ran).to.equal(false);
      expect(s.has("a")).to.equal(true);
      clock.advance(1.2);
      expect(ran).to.equal(true);
      expect(s.has("a")).to.equal(false);
    });

    it("scheduleAt rejects an invalid Date (RangeError) and a non-Date (TypeError)", () => {
      const s = new Scheduler("s", { clock });
      expect(() => s.scheduleAt(new Date("not a date"), "a", () => undefined)).to.throw(RangeError);
      expect(() => s.scheduleAt(Date.now() as never, "a", () => undefined)).to.throw(TypeError);
      expect(s.has("a")).to.equal(false);
      expect(clock.getDelayedCalls()).to.have.length(0);
    });

    it("scheduleLater waits `delay` seconds on the clock", () => {
      const s = new Scheduler("s", { clock });
      let ran = false;
      s.scheduleLater(3, "a", () => (ran = true));
      clock.advance(2.5);
      expect(ran).to.equal(false);
      expect(s.has("a")).to.equal(true);
      clock.advance(0.5);
      expect(ran).to.equal(true);
    });

    it("scheduleLater validates the delay as callLater does", () => {
      const s = new Scheduler("s", { clock });
      expect(() => s.scheduleLater(-1, "a", () => undefined)).to.throw(RangeError, /scheduleLater: delay/);
      expect(() => s.scheduleLater(NaN, "a", () => undefined)).to.throw(RangeError);
      expect(() => s.scheduleLater("1" as never, "a", () => undefined)).to.throw(TypeError);
      expect(() => s.scheduleLater(undefined as never, "a", () => undefined)).to.throw(TypeError);
      expect(s.has("a")).to.equal(false);
      expect(clock.getDelayedCalls()).to.have.length(0);
    });
  });

  describe("the default clock", () => {
    it("is the global reactor", () => {
      const before = reactor.getDelayedCalls().length;
      const s = new Scheduler("default");
      s.scheduleLater(1000, "a", () => undefined);
      expect(reactor.getDelayedCalls()).to.have.length(before + 1);
      s.cancel("a");
      expect(reactor.getDelayedCalls()).to.have.length(before);
      const d = createTask(() => undefined);
      d.addErrback(() => null);
      expect(reactor.getDelayedCalls()).to.have.length(before + 1);
      d.cancel();
      expect(reactor.getDelayedCalls()).to.have.length(before);
      expect(clock.getDelayedCalls()).to.have.length(0);
    });
  });
});

describe("createTask", () => {
  let clock: Clock;
  beforeEach(() => {
    clock = new Clock();
  });

  it("starts the work on the next turn and fires with its result", () => {
    const seen: unknown[] = [];
    const d = createTask(() => 7, { clock });
    d.addCallback((r) => seen.push(r));
    expect(seen).to.deep.equal([]);
    clock.advance(0);
    expect(seen).to.deep.equal([7]);
  });

  it("fires with a Promise's result and drives a generator", async () => {
    const p = createTask(async () => "async", { clock });
    const inner = new Deferred<number>();
    const g = createTask(
      (function* () {
        return ((yield inner) as number) + 1;
      })(),
      { clock },
    );
    clock.advance(0);
    inner.callback(1);
    expect(await p).to.equal("async");
    expect(await g).to.equal(2);
  });

  it("logs an exception once and fails the returned Deferred with it", async () => {
    const d = createTask(
      () => {
        throw new Boom("ct");
      },
      { clock },
    );
    clock.advance(0);
    const logged = flushLoggedErrors(Boom);
    expect(logged).to.have.length(1);
    expect(logged[0].isError).to.equal(true);
    expect((logged[0].failure?.value as Boom).mark).to.equal("ct");
    let caught: unknown;
    try {
      await d;
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(Boom);
    expect(flushLoggedErrors()).to.have.length(0); // awaiting it logged nothing more
  });

  it("logs a rejected Promise", async () => {
    const d = createTask(() => Promise.reject(new Boom("rejected")), { clock });
    clock.advance(0);
    await settle();
    expect(flushLoggedErrors(Boom)).to.have.length(1);
    expect(d.result).to.be.instanceOf(Failure);
    d.addErrback(() => null);
  });

  it("does not log suppressedExceptions, but still fails the Deferred with them", () => {
    const d = createTask(
      () => {
        throw new Expected("fine");
      },
      { clock, suppressedExceptions: [Boom, Expected] },
    );
    clock.advance(0);
    expect(loggedErrors()).to.have.length(0);
    const failures: Failure[] = [];
    d.addErrback((f) => {
      failures.push(f);
    });
    expect(failures).to.have.length(1);
    expect(failures[0].value).to.be.instanceOf(Expected);
  });

  it("still logs exceptions not in suppressedExceptions", () => {
    createTask(
      () => {
        throw new Boom("not suppressed");
      },
      { clock, suppressedExceptions: [Expected] },
    );
    clock.advance(0);
    expect(flushLoggedErrors(Boom)).to.have.length(1);
  });

  it("does not report a logged failure again as an unhandled Deferred error", async () => {
    const mark = `ct-${Date.now()}`;
    (() => {
      createTask(
        () => {
          throw new Boom(mark);
        },
        { clock },
      );
      clock.advance(0);
    })();
    await collectGarbage();
    const logged = flushLoggedErrors(Boom).filter((e) => (e.failure?.value as Boom).mark === mark);
    expect(logged).to.have.length(1);
    expect(logged[0].why).not.to.match(/Unhandled error in Deferred/);
  });

  it("cancelling before it starts: the work never runs, CancelledError, nothing logged", () => {
    let ran = false;
    const d = createTask(() => (ran = true), { clock });
    d.cancel();
    clock.advance(1);
    expect(ran).to.equal(false);
    expect(clock.getDelayedCalls()).to.have.length(0);
    expect((d.result as Failure).value).to.be.instanceOf(CancelledError);
    expect(loggedErrors()).to.have.length(0);
  });

  it("cancelling while it runs aborts the signal; nothing logged", () => {
    let signal: AbortSignal | undefined;
    const d = createTask(
      (sig) => {
        signal = sig;
        return new Deferred();
      },
      { clock },
    );
    clock.advance(0);
    d.cancel();
    expect(signal?.aborted).to.equal(true);
    expect((d.result as Failure).value).to.be.instanceOf(CancelledError);
    expect(loggedErrors()).to.have.length(0);
  });
});
