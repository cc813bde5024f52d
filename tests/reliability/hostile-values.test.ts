/**
 * Issue 13, item 3: values whose `then` getter throws, and Proxies whose traps throw, returned
 * or thrown by user code at every entry point. Each becomes a failed Deferred or a logged
 * Failure; nothing stays stuck and logging never throws.
 */
import { expect } from "chai";
import {
  Deferred,
  DeferredLock,
  DeferredSemaphore,
  Failure,
  ensureDeferred,
  inlineCallbacks,
  maybeDeferred,
} from "../../defer";
import { Logger, err } from "../../log";
import { Clock, Cooperator, LoopingCall, Scheduler, createTask, react } from "../../task";
import { newReactor } from "../helpers/reactor";
import { failureOf } from "../helpers/deferred";
import { flushLoggedErrors } from "../setup";

class ThenError extends Error {}
class TrapError extends Error {}

/** An object whose `then` getter throws. */
function throwingThenable(): object {
  return Object.defineProperty({}, "then", {
    get() {
      throw new ThenError("then getter");
    },
  });
}

/** A Proxy every one of whose traps throws (getPrototypeOf included: `instanceof` throws). */
function hostileProxy(): object {
  const trap = (): never => {
    throw new TrapError("trap");
  };
  return new Proxy(
    {},
    { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, set: trap },
  );
}

describe("hostile values (issue 13 item 3)", () => {
  describe("a value whose `then` getter throws", () => {
    it("returned from a callback: the chain goes on with the getter's error as a Failure", () => {
      const d = new Deferred<number>();
      d.addCallback(() => throwingThenable());
      d.callback(1);
      failureOf(d, ThenError);
    });

    it("maybeDeferred never throws: a failed Deferred", () => {
      const d = maybeDeferred(() => throwingThenable());
      failureOf(d, ThenError);
    });

    it("ensureDeferred and Deferred.fromPromise: a failed Deferred", () => {
      failureOf(ensureDeferred(throwingThenable() as PromiseLike<unknown>), ThenError);
      failureOf(Deferred.fromPromise(throwingThenable() as PromiseLike<unknown>), ThenError);
    });

    it("yielded or returned in inlineCallbacks: thrown into the generator / fails its Deferred", () => {
      const caught: unknown[] = [];
      const g = inlineCallbacks(function* () {
        try {
          yield throwingThenable();
        } catch (e) {
          caught.push(e);
        }
        return throwingThenable();
      });
      const d = g();
      expect(caught).to.have.length(1);
      expect(caught[0]).to.be.instanceOf(ThenError);
      failureOf(d, ThenError);
    });

    it("LoopingCall: the loop stops, running is false and start()'s Deferred fails", () => {
      const clock = new Clock();
      const lc = new LoopingCall(() => throwingThenable());
      lc.clock = clock;
      const d = lc.start(1);
      expect(lc.running).to.equal(false);
      failureOf(d, ThenError);
    });

    it("DeferredLock.run / DeferredSemaphore.run release the token; later callers get it", () => {
      for (const prim of [new DeferredLock(), new DeferredSemaphore(1)]) {
        failureOf(prim.run(() => throwingThenable()), ThenError);
        let ran = false;
        prim.run(() => (ran = true));
        expect(ran, prim.constructor.name).to.equal(true);
      }
    });

    it("createTask's Deferred fails, and the error is logged once", () => {
      const clock = new Clock();
      const d = createTask(() => throwingThenable(), { clock });
      clock.advance(0);
      failureOf(d, ThenError);
      expect(flushLoggedErrors(ThenError)).to.have.length(1);
    });

    it("Scheduler: the task is forgotten (has() false) and the error logged", () => {
      const clock = new Clock();
      const s = new Scheduler("hostile", { clock });
      s.schedule("t", () => throwingThenable());
      clock.advance(0);
      expect(s.has("t")).to.equal(false);
      expect(flushLoggedErrors(ThenError)).to.have.length(1);
    });

    it("a Cooperator step giving it: the task fails", () => {
      const clock = new Clock();
      const c = new Cooperator({ scheduler: (x) => clock.callLater(0, x) });
      const d = c.coiterate([throwingThenable()]);
      clock.runUntilIdle();
      failureOf(d, ThenError);
    });

    it("react: main returning it does not throw; the program ends with code 1", async () => {
      const exits: number[] = [];
      const code = await react(() => throwingThenable(), [], { reactor: newReactor(), exit: (c) => exits.push(c) });
      expect(code).to.equal(1);
      expect(flushLoggedErrors(ThenError)).to.have.length(1);
    });
  });

  describe("a Proxy whose traps throw", () => {
    it("new Failure(proxy) keeps it as the value; its methods never throw", () => {
      const p = hostileProxy();
      const f = new Failure(p);
      expect(f.value === p).to.equal(true);
      expect(f.type).to.equal(undefined);
      expect(f.getErrorMessage()).to.be.a("string");
      expect(f.getTraceback()).to.be.a("string");
      expect(String(f)).to.be.a("string");
      expect(f.check(Error, "Error")).to.equal(null);
      expect(Failure.isFailure(p)).to.equal(false);
    });

    it("thrown from a callback: later callbacks see a Failure, not a success", () => {
      const p = hostileProxy();
      const d = new Deferred<number>();
      const seen: unknown[] = [];
      d.addCallback(() => {
        throw p;
      });
      d.addCallbacks(
        () => seen.push("success"),
        (f: Failure) => seen.push(f.value),
      );
      d.callback(1);
      expect(seen.length === 1 && seen[0] === p).to.equal(true);
    });

    it("errback(proxy) and callback(proxy) do not throw", () => {
      const d1 = new Deferred();
      d1.errback(hostileProxy());
      expect(Failure.isFailure(d1.result)).to.equal(true);
      d1.addErrback(() => null);
      const d2 = new Deferred();
      d2.callback(hostileProxy());
      d2.addCallback(() => null);
    });

    it("err(proxy) logs an event; Logger.failure(m, proxy) neither throws nor drops it", () => {
      const p = hostileProxy();
      err(p);
      new Logger("hostile").failure("m", p);
      const events = flushLoggedErrors();
      expect(events).to.have.length(2);
      for (const e of events) expect(e.failure?.value === p).to.equal(true);
    });

    it("a delayed call throwing it is logged by the reactor", async () => {
      const r = newReactor();
      const p = hostileProxy();
      r.callLater(0, () => {
        throw p;
      });
      r.callLater(0.01, () => r.stop());
      await r.run();
      const events = flushLoggedErrors();
      expect(events.some((e) => e.failure?.value === p)).to.equal(true);
    });

    it("yielded from inlineCallbacks: given back as a value", () => {
      const p = hostileProxy();
      let got: unknown;
      const d = inlineCallbacks(function* () {
        got = yield p;
        return 1;
      })();
      // Reading `then` on it throws: thrown into the generator as the error.
      expect(got === undefined || got === p).to.equal(true);
      d.addErrback(() => null);
    });

    it("cancel() of a Deferred whose result is a Proxy does not throw", () => {
      const d = new Deferred();
      d.callback(hostileProxy());
      d.cancel();
      d.addBoth(() => null);
    });
  });
});
