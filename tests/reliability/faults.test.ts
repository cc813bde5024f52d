/**
 * Faults: an exception in every kind of user code is reported exactly once (through log.err, or
 * handed back through the Deferred the caller holds) and stops nothing else.
 */
import { expect } from "chai";
import { Deferred, type Failure } from "../../defer";
import { addObserver, err, removeObserver, type LogEvent } from "../../log";
import { Clock, Cooperator, LoopingCall, Scheduler, createTask } from "../../task";
import { newReactor, runReactor } from "../helpers/reactor";
import { flushLoggedErrors, loggedErrors } from "../setup";

class Fault extends Error {}

/** The logged events carrying a Fault (taken out of the captured log). */
function faultsLogged(): LogEvent[] {
  return flushLoggedErrors(Fault);
}

describe("faults in user code", () => {
  it("a delayed call: reported once, the other calls and later passes run", async () => {
    const r = newReactor();
    const ran: string[] = [];
    r.callLater(0, () => ran.push("before"));
    r.callLater(0, () => {
      throw new Fault("delayed call");
    });
    r.callLater(0, () => ran.push("after"));
    r.callLater(0.002, () => {
      ran.push("later pass");
      r.stop();
    });
    await runReactor(r);
    expect(ran).to.deep.equal(["before", "after", "later pass"]);
    expect(faultsLogged()).to.have.length(1);
  });

  it("a system event trigger: reported once, the other triggers and the shutdown complete", async () => {
    const r = newReactor();
    const ran: string[] = [];
    r.addSystemEventTrigger("before", "shutdown", () => {
      throw new Fault("trigger");
    });
    r.addSystemEventTrigger("during", "shutdown", () => ran.push("during"));
    r.addSystemEventTrigger("after", "shutdown", () => ran.push("after"));
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(ran).to.deep.equal(["during", "after"]);
    expect(faultsLogged()).to.have.length(1);
  });

  it("a LoopingCall function: handed back once through start()'s Deferred, nothing logged, other loops go on", () => {
    const clock = new Clock();
    let otherRuns = 0;
    const other = new LoopingCall(() => otherRuns++);
    other.clock = clock;
    other.start(1);
    const bad = new LoopingCall(() => {
      throw new Fault("looping call");
    });
    bad.clock = clock;
    const failures: Failure[] = [];
    bad.start(1).addErrback((f) => {
      failures.push(f);
    });
    clock.pump([1, 1, 1]);
    expect(failures).to.have.length(1);
    expect(bad.running).to.equal(false);
    expect(otherRuns).to.equal(4);
    expect(loggedErrors()).to.have.length(0);
    other.stop();
  });

  it("a Cooperator iterator: its task fails once; the other tasks finish", () => {
    const work: Array<() => void> = [];
    const c = new Cooperator({
      scheduler: (x) => {
        work.push(x);
        return { cancel() {}, active: () => true, getTime: () => 0, delay() {}, reset() {}, called: false, cancelled: false };
      },
    });
    const bad = c.cooperate(
      (function* () {
        yield 1;
        throw new Fault("iterator");
      })(),
    );
    const good = c.cooperate([1, 2, 3, 4].values());
    const failures: Failure[] = [];
    bad.whenDone().addErrback((f) => {
      failures.push(f);
    });
    let goodDone = false;
    good.whenDone().addCallback(() => {
      goodDone = true;
    });
    while (work.length > 0) (work.shift() as () => void)();
    expect(failures).to.have.length(1);
    expect(failures[0].value).to.be.instanceOf(Fault);
    expect(goodDone).to.equal(true);
    expect(loggedErrors()).to.have.length(0);
  });

  it("Scheduler work: logged once with the scheduler's namespace; other tasks run", () => {
    const clock = new Clock();
    const s = new Scheduler("faulty", { clock });
    const ran: string[] = [];
    s.schedule("bad", () => {
      throw new Fault("scheduler work");
    });
    s.schedule("good", () => ran.push("good"));
    clock.advance(0);
    expect(ran).to.deep.equal(["good"]);
    const logged = faultsLogged();
    expect(logged).to.have.length(1);
    expect(logged[0].namespace).to.equal("faulty");
    expect(s.has("bad")).to.equal(false);
  });

  it("createTask work: logged once and handed back once", () => {
    const clock = new Clock();
    const d = createTask(
      () => {
        throw new Fault("task");
      },
      { clock },
    );
    const failures: Failure[] = [];
    d.addErrback((f) => {
      failures.push(f);
    });
    clock.advance(0);
    expect(failures).to.have.length(1);
    expect(faultsLogged()).to.have.length(1);
  });

  it("a log observer: reported once, to the other observers; logging and the caller go on", () => {
    const seen: LogEvent[] = [];
    const bad = (): void => {
      throw new Fault("observer");
    };
    const good = (e: LogEvent): void => {
      seen.push(e);
    };
    addObserver(bad);
    addObserver(good);
    try {
      expect(() => err(new Error("an ordinary error"), "why")).not.to.throw();
    } finally {
      removeObserver(bad);
      removeObserver(good);
    }
    expect(seen.map((e) => e.failure?.value instanceof Fault)).to.deep.equal([false, true]);
    flushLoggedErrors(); // the ordinary error, and the observer's failure seen by the capture
  });

  it("a canceller: reported once, and the Deferred still fails with CancelledError", () => {
    const d = new Deferred<number>(() => {
      throw new Fault("canceller");
    });
    let failed: Failure | undefined;
    d.addErrback((f) => {
      failed = f;
    });
    d.cancel();
    expect(failed?.type?.name).to.equal("CancelledError");
    expect(faultsLogged()).to.have.length(1);
  });

  it("a Deferred callback: the failure goes down the errback chain once, nothing is logged", () => {
    const d = new Deferred<number>();
    const failures: Failure[] = [];
    d.addCallback(() => {
      throw new Fault("callback");
    }).addErrback((f) => {
      failures.push(f);
    });
    d.callback(1);
    expect(failures).to.have.length(1);
    expect(loggedErrors()).to.have.length(0);
  });
});
