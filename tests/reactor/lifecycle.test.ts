import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Deferred } from "../../defer";
import { ReactorAlreadyRunning, ReactorNotRestartable, ReactorNotRunning, reactor, Reactor } from "../../reactor";
import { newReactor, runReactor } from "../helpers/reactor";
import { flushLoggedErrors } from "../setup";

describe("Reactor: life cycle (run, stop, crash)", () => {
  it("stop() before run() throws ReactorNotRunning", () => {
    expect(() => newReactor().stop()).to.throw(ReactorNotRunning);
  });

  it("stop() twice, or after the stop, throws ReactorNotRunning", async () => {
    const r = newReactor();
    const errors: unknown[] = [];
    r.callWhenRunning(() => {
      r.stop();
      try {
        r.stop();
      } catch (e) {
        errors.push(e);
      }
    });
    await runReactor(r);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(ReactorNotRunning);
    expect(() => r.stop()).to.throw(ReactorNotRunning);
  });

  it("run() resolves after the stop; running is false afterwards", async () => {
    const r = newReactor();
    expect(r.running).to.equal(false);
    let wasRunning = false;
    r.callWhenRunning(() => {
      wasRunning = r.running;
      r.stop();
    });
    await runReactor(r);
    expect(wasRunning).to.equal(true);
    expect(r.running).to.equal(false);
  });

  it("run() while running throws ReactorAlreadyRunning, synchronously", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.callWhenRunning(() => {
      expect(() => r.run()).to.throw(ReactorAlreadyRunning);
      events.push("tested");
    });
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(events).to.deep.equal(["tested"]);
  });

  it("run() after a stop throws ReactorNotRestartable (also from an after-shutdown trigger)", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.callWhenRunning(() => r.stop());
    r.addSystemEventTrigger("after", "shutdown", () => {
      expect(() => r.run()).to.throw(ReactorNotRestartable);
      events.push("tested");
    });
    await runReactor(r);
    expect(events).to.deep.equal(["tested"]);
    expect(() => r.run()).to.throw(ReactorNotRestartable);
  });

  it("callWhenRunning calls run in order, after startup; once running, at once", async () => {
    const r = newReactor();
    const order: string[] = [];
    r.callWhenRunning(() => order.push("first"));
    r.callWhenRunning((x: string) => order.push(x), "second");
    expect(order).to.deep.equal([]);
    r.callWhenRunning(() => {
      r.callWhenRunning(() => order.push("immediately"));
      order.push("after immediately");
      r.stop();
    });
    await runReactor(r);
    expect(order).to.deep.equal(["first", "second", "immediately", "after immediately"]);
  });

  it("running is false in before-startup and true in during/after-startup triggers", async () => {
    const r = newReactor();
    const state: Record<string, boolean> = {};
    r.addSystemEventTrigger("before", "startup", () => (state.before = r.running));
    r.addSystemEventTrigger("during", "startup", () => (state.during = r.running));
    r.addSystemEventTrigger("after", "startup", () => (state.after = r.running));
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(state).to.deep.equal({ before: false, during: true, after: true });
  });

  it("stop() fires the three shutdown phases before run() resolves", async () => {
    const r = newReactor();
    const events: string[] = [];
    for (const phase of ["before", "during", "after"] as const) {
      r.addSystemEventTrigger(phase, "shutdown", () => events.push(phase));
    }
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(events).to.deep.equal(["before", "during", "after"]);
  });

  it("shutdown triggers do not run synchronously from stop()", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("before", "shutdown", () => events.push("before shutdown"));
    r.callWhenRunning(() => {
      r.stop();
      events.push("stopped");
    });
    await runReactor(r);
    expect(events).to.deep.equal(["stopped", "before shutdown"]);
  });

  it("stop() from a startup trigger works", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("during", "startup", () => r.stop());
    r.addSystemEventTrigger("after", "shutdown", () => events.push("shut down"));
    await runReactor(r);
    expect(events).to.deep.equal(["shut down"]);
  });

  it("a before-startup trigger's Deferred holds back startup; run() waits for stop()", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("before", "startup", () => {
      events.push("trigger");
      const d = new Deferred<null>();
      d.addCallback(() => {
        events.push("callback");
        r.stop();
        return null;
      });
      r.callLater(0, () => d.callback(null));
      return d;
    });
    await runReactor(r);
    expect(events).to.deep.equal(["trigger", "callback"]);
  });

  it("a startup held back past stop() does not turn the stopped reactor (or its signal handlers) back on", async () => {
    const r = new Reactor({ installSignalHandlers: true });
    const before = process.listenerCount("SIGINT");
    const pending = new Deferred<null>();
    r.addSystemEventTrigger("before", "startup", () => pending);
    const done = r.run();
    r.stop();
    await done;
    pending.callback(null); // startup's "during" phase would run now
    expect(r.running).to.equal(false);
    expect(process.listenerCount("SIGINT")).to.equal(before);
  });

  it("delayed calls keep running while a before-shutdown Deferred is pending", async () => {
    const r = newReactor();
    const events: string[] = [];
    const pending = new Deferred<null>();
    r.addSystemEventTrigger("before", "shutdown", () => pending);
    r.addSystemEventTrigger("during", "shutdown", () => events.push("during"));
    r.callWhenRunning(() => r.stop());
    r.callLater(0.005, () => {
      events.push("delayed call ran");
      pending.callback(null);
    });
    await runReactor(r);
    expect(events).to.deep.equal(["delayed call ran", "during"]);
  });

  it("a before-shutdown Promise holds shutdown back; a rejection is logged and shutdown goes on", async () => {
    class Rejected extends Error {}
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger(
      "before",
      "shutdown",
      () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            events.push("promise resolved");
            resolve();
          }, 5),
        ),
    );
    r.addSystemEventTrigger("before", "shutdown", () => Promise.reject(new Rejected("nope")));
    r.addSystemEventTrigger("after", "shutdown", () => events.push("after"));
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(events).to.deep.equal(["promise resolved", "after"]);
    expect(flushLoggedErrors(Rejected)).to.have.length(1);
  });

  it("calls still pending after the stop stay in getDelayedCalls()", async () => {
    const r = newReactor();
    const later = r.callLater(100, () => undefined);
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(r.getDelayedCalls()).to.deep.equal([later]);
    expect(later.active()).to.equal(true);
  });

  it("crash() stops without shutdown triggers, after the current pass", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("before", "shutdown", () => events.push("shutdown trigger"));
    r.callLater(0, () => {
      r.crash();
      events.push("crashed");
    });
    r.callLater(0, () => events.push("same pass"));
    r.callLater(0.05, () => events.push("a later pass")); // well after the crashing pass
    await runReactor(r);
    expect(r.running).to.equal(false);
    expect(events).to.deep.equal(["crashed", "same pass"]);
  });

  it("after crash() the reactor can be run again", async () => {
    const r = newReactor();
    const events: unknown[] = [];
    r.callWhenRunning(() => {
      events.push("crash");
      r.crash();
    });
    await runReactor(r);
    r.callWhenRunning(() => {
      events.push(["stop", r.running]);
      r.stop();
    });
    await runReactor(r);
    expect(events).to.deep.equal(["crash", ["stop", true]]);
  });

  it("crash() after stop() ends the run, and the reactor stays not restartable", async () => {
    const r = newReactor();
    const events: string[] = [];
    r.addSystemEventTrigger("during", "shutdown", () => events.push("during shutdown"));
    r.callWhenRunning(() => {
      r.stop();
      r.crash();
    });
    await runReactor(r);
    expect(events).to.deep.equal([]); // the crash came first: no shutdown event
    expect(r.running).to.equal(false);
    expect(() => r.run()).to.throw(ReactorNotRestartable);
    expect(() => r.stop()).to.throw(ReactorNotRunning);
  });

  it("toString() names the phase: idle, starting, running, ending, stopped", async () => {
    const r = newReactor();
    const seen: string[] = [String(r)];
    r.addSystemEventTrigger("before", "startup", () => seen.push(String(r)));
    r.callWhenRunning(() => {
      seen.push(String(r));
      r.stop();
    });
    r.addSystemEventTrigger("after", "shutdown", () => seen.push(String(r)));
    await runReactor(r);
    seen.push(String(r));
    expect(seen.map((x) => /<Reactor (\w+)/.exec(x)?.[1])).to.deep.equal(["idle", "starting", "running", "ending", "stopped"]);
  });

  it("the process-wide reactor is a Reactor, not running until run()", () => {
    expect(reactor).to.be.instanceOf(Reactor);
    // Here tests/setup.ts runs it for the whole test run (as trial does): look from a fresh process.
    const program = `
      const { reactor, Reactor } = require("./reactor");
      console.log(JSON.stringify({ reactor: reactor instanceof Reactor, running: reactor.running }));
    `;
    const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", program], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
    });
    expect(child.stderr).to.equal("");
    expect(JSON.parse(child.stdout)).to.deep.equal({ reactor: true, running: false });
  });
});

describe("Reactor: methods passed as values", () => {
  it("every public method works detached from its reactor (reactor.callLater(t, reactor.stop))", async () => {
    const r = newReactor();
    const { seconds, callLater, callSoon, callAt, callFromThread, getDelayedCalls, stop, callWhenRunning } = r;
    const { addSystemEventTrigger, removeSystemEventTrigger, fireSystemEvent, crash, run } = r;
    const events: string[] = [];
    expect(seconds()).to.be.a("number");
    const id = addSystemEventTrigger("during", "custom", () => events.push("custom"));
    fireSystemEvent("custom");
    removeSystemEventTrigger(addSystemEventTrigger("during", "custom", () => events.push("removed")));
    fireSystemEvent("custom");
    expect(id).to.not.equal(undefined);
    callWhenRunning(() => events.push("running"));
    callSoon(() => events.push("soon"));
    callAt(seconds(), () => events.push("at"));
    callFromThread(() => events.push("thread"));
    expect(getDelayedCalls()).to.have.length(2);
    callLater(0.01, stop); // the idiom itself
    await run();
    expect(events).to.deep.equal(["custom", "running", "thread", "soon", "at"]);
    expect(() => crash()).to.not.throw();
  });
});
