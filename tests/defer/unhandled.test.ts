import { expect } from "chai";
import { Deferred, Failure, fail, setDebugging } from "../../defer";
import type { LogEvent } from "../../log";
import { collectGarbage } from "../helpers/gc";
import { flushLoggedErrors } from "../setup";

class Marked extends Error {
  constructor(readonly mark: string) {
    super(`marked ${mark}`);
  }
}

/** The GC reports of failures carrying `mark`, taken from the captured log. */
function reportsOf(mark: string): LogEvent[] {
  return flushLoggedErrors(Marked).filter((e) => (e.failure?.value as Marked).mark === mark);
}

let counter = 0;
function freshMark(): string {
  counter += 1;
  return `m${counter}-${Date.now()}`;
}

// Each scenario builds its Deferreds in a function of its own, so nothing on the test's stack
// keeps them alive when the collector runs.
function abandonFailed(mark: string): void {
  const d = new Deferred<number>();
  d.errback(new Marked(mark));
}

describe("Unhandled errors in Deferreds", () => {
  afterEach(() => setDebugging(false));

  it("are reported through log.err when the Deferred is collected", async () => {
    const mark = freshMark();
    abandonFailed(mark);
    await collectGarbage();
    const reports = reportsOf(mark);
    expect(reports).to.have.length(1);
    const e = reports[0];
    expect(e.level).to.equal("error");
    expect(e.isError).to.equal(true);
    expect(e.why).to.match(/^Unhandled error in Deferred:/);
    expect(e.failure).to.be.instanceOf(Failure);
    expect(e.failure?.getTraceback()).to.match(/marked/);
    expect(e.failure?.getTraceback()).to.match(/abandonFailed/);
  });

  it("are not reported when an errback handled the failure", async () => {
    const mark = freshMark();
    (() => {
      const d = new Deferred<number>();
      d.addErrback(() => "handled");
      d.errback(new Marked(mark));
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(0);
  });

  it("are reported when a callback fails and nothing handles it", async () => {
    const mark = freshMark();
    (() => {
      const d = new Deferred<number>();
      d.addCallback(() => {
        throw new Marked(mark);
      });
      d.callback(1);
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(1);
  });

  it("are not reported for a failure passed on by chaining (it is the outer's now)", async () => {
    const mark = freshMark();
    (() => {
      const inner = fail(new Marked(mark));
      const outer = new Deferred<number>();
      outer.addCallback(() => inner);
      outer.addErrback(() => null);
      outer.callback(1);
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(0);
  });

  it("a chained failure left unhandled is reported once, by the outer Deferred", async () => {
    const mark = freshMark();
    (() => {
      const inner = new Deferred<number>();
      const outer = new Deferred<number>();
      outer.addCallback(() => inner);
      outer.callback(1);
      inner.errback(new Marked(mark));
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(1);
  });

  it("are reported for a Deferred in a reference cycle (it refers to itself)", async () => {
    const mark = freshMark();
    (() => {
      const d = new Deferred<number>() as Deferred<number> & { self?: unknown };
      d.self = d;
      d.addCallback(() => {
        throw new Marked(mark);
      });
      d.callback(1);
    })();
    const reports: LogEvent[] = [];
    await collectGarbage(() => {
      reports.push(...reportsOf(mark));
      return reports.length > 0;
    });
    expect(reports).to.have.length(1);
  });

  it("a failure cleared by an errback that chains to another Deferred is not reported", async () => {
    const mark = freshMark();
    (() => {
      const bad = fail(new Marked(mark));
      const good = new Deferred<null>();
      bad.addErrback(() => good);
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(0);
  });

  it("are not reported when await observed the failure", async () => {
    const mark = freshMark();
    await (async () => {
      const d = fail(new Marked(mark));
      try {
        await d;
      } catch (e) {
        expect(e).to.be.instanceOf(Marked);
      }
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(0);
  });

  it("are still reported after then() without a rejection handler", async () => {
    const mark = freshMark();
    (() => {
      const d = fail(new Marked(mark));
      // The returned Promise rejects; handle that Promise so Node does not complain.
      d.then((v) => v).catch(() => undefined);
    })();
    await collectGarbage();
    expect(reportsOf(mark)).to.have.length(1);
  });

  it("are not reported for a Deferred that never fired", async () => {
    const before = flushLoggedErrors().length;
    (() => {
      new Deferred<number>().addCallback(() => {
        throw new Error("never runs");
      });
    })();
    await collectGarbage();
    expect(flushLoggedErrors().length - before).to.be.at.most(0);
  });

  it("with debugging on, the report carries the creator and invoker stacks", async () => {
    const mark = freshMark();
    setDebugging(true);
    abandonFailed(mark);
    setDebugging(false);
    await collectGarbage();
    const reports = reportsOf(mark);
    expect(reports).to.have.length(1);
    expect(reports[0].why).to.match(/Deferred was created/);
    expect(reports[0].why).to.match(/First Invoker was/);
  });

  it("keeping the failure does not keep the Deferred alive (even if the stack names it)", async () => {
    const mark = freshMark();
    const ref = (() => {
      const d = new Deferred<number>();
      d.addCallback(function (this: unknown) {
        // A failure thrown from code whose frames reference the Deferred.
        throw new Marked(mark);
      });
      d.callback(1);
      return new WeakRef(d);
    })();
    await collectGarbage(() => ref.deref() === undefined);
    expect(ref.deref()).to.equal(undefined);
    expect(reportsOf(mark)).to.have.length(1);
  });
});
