import { expect } from "chai";
import { CancelledError, Deferred, Failure, NotACoroutineError, fail, succeed } from "../../defer";
import { failureOf } from "../helpers/deferred";

class GenericError extends Error {}

/** Lets pending Promise jobs (microtasks) run. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("Deferred and Promises", () => {
  describe("await / then / asPromise", () => {
    it("await gives the result", async () => {
      expect(await succeed(42)).to.equal(42);
    });

    it("await of a failed Deferred throws the Failure's value", async () => {
      const e = new GenericError("nope");
      let caught: unknown;
      try {
        await fail(e);
      } catch (x) {
        caught = x;
      }
      expect(caught).to.equal(e);
    });

    it("await waits for a Deferred fired later", async () => {
      const d = new Deferred<string>();
      setImmediate(() => d.callback("later"));
      expect(await d).to.equal("later");
    });

    it("observes the result where the chain stands and passes it on unchanged", async () => {
      const d = new Deferred<number>();
      d.addCallback((n) => n + 1);
      const p = d.then((v) => v * 100);
      d.addCallback((n) => n + 1);
      d.callback(1);
      expect(await p).to.equal(200);
      expect(d.result).to.equal(3);
    });

    it("then() rejection handlers get the Failure's value and the Failure stays the result", async () => {
      const e = new GenericError("x");
      const d = fail(e);
      const reason = await d.then(
        () => "no",
        (r) => r,
      );
      expect(reason).to.equal(e);
      expect(d.result).to.be.instanceOf(Failure);
      d.addErrback(() => null); // handled here, for tidiness
    });

    it("asPromise resolves with the result and rejects with the value", async () => {
      expect(await succeed("ok").asPromise()).to.equal("ok");
      const e = new GenericError("bad");
      let caught: unknown;
      await fail(e)
        .asPromise()
        .catch((x: unknown) => {
          caught = x;
        });
      expect(caught).to.equal(e);
    });

    it("a Deferred works with Promise.all and Promise.resolve (it is a thenable)", async () => {
      const a = succeed(1);
      const b = new Deferred<number>();
      setImmediate(() => b.callback(2));
      expect(await Promise.all([a, b])).to.deep.equal([1, 2]);
      expect(await Promise.resolve(succeed("x"))).to.equal("x");
    });
  });

  describe("a callback returning a Promise", () => {
    it("pauses the chain until the Promise resolves", async () => {
      const seen: unknown[] = [];
      const d = new Deferred<number>();
      d.addCallback((n) => Promise.resolve(n + 1)).addCallback((n) => seen.push(n));
      d.callback(1);
      expect(seen).to.deep.equal([]);
      expect(d.paused).to.equal(1);
      await tick();
      expect(seen).to.deep.equal([2]);
    });

    it("a rejection continues as a Failure", async () => {
      const e = new GenericError("rejected");
      let seen: Failure | undefined;
      const d = new Deferred<number>();
      d.addCallback(() => Promise.reject(e)).addErrback((f) => {
        seen = f;
      });
      d.callback(1);
      await tick();
      expect(seen?.value).to.equal(e);
    });

    it("works with any thenable, not only native Promises", async () => {
      const thenable = {
        then(onOk: (v: string) => void): void {
          setImmediate(() => onOk("from thenable"));
        },
      };
      const d = new Deferred<number>();
      let seen: unknown;
      d.addCallback(() => thenable as PromiseLike<string>).addCallback((v) => {
        seen = v;
      });
      d.callback(1);
      await tick();
      await tick();
      expect(seen).to.equal("from thenable");
    });

    it("a thenable whose then() throws fails the chain", () => {
      const bad = {
        then(): void {
          throw new GenericError("then threw");
        },
      };
      const d = new Deferred<number>();
      let seen: Failure | undefined;
      d.addCallback(() => bad as unknown as PromiseLike<number>).addErrback((f) => {
        seen = f;
      });
      d.callback(1);
      expect(seen?.getErrorMessage()).to.equal("then threw");
    });

    it("cancel() abandons the Promise: CancelledError at once, the later settlement ignored", async () => {
      let resolveIt: (v: number) => void = () => undefined;
      const p = new Promise<number>((r) => (resolveIt = r));
      const seen: unknown[] = [];
      const d = new Deferred<number>();
      d.addCallback(() => p).addCallbacks(
        (v) => seen.push(v),
        (f) => seen.push(f.type),
      );
      d.callback(1);
      d.cancel();
      expect(seen).to.deep.equal([CancelledError]);
      resolveIt(5);
      await tick();
      expect(seen).to.deep.equal([CancelledError]);
    });
  });

  describe("Deferred.fromPromise", () => {
    it("fires with the resolved value", async () => {
      const d = Deferred.fromPromise(Promise.resolve("v"));
      expect(d.called).to.equal(false);
      await tick();
      expect(d.result).to.equal("v");
    });

    it("fails with the rejection", async () => {
      const e = new GenericError("r");
      const d = Deferred.fromPromise(Promise.reject(e));
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
      });
      await tick();
      expect(seen?.value).to.equal(e);
    });

    it("cancel() fails it with CancelledError at once and ignores the settlement", async () => {
      let rejectIt: (e: unknown) => void = () => undefined;
      const p = new Promise<number>((_, rej) => (rejectIt = rej));
      const d = Deferred.fromPromise(p);
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
      });
      d.cancel();
      expect(seen?.type).to.equal(CancelledError);
      rejectIt(new GenericError("late")); // no unhandled rejection, no AlreadyCalledError
      await tick();
      expect(seen?.type).to.equal(CancelledError);
    });

    it("rejects a non-thenable with a TypeError", () => {
      expect(() => Deferred.fromPromise(5 as never)).to.throw(TypeError);
    });
  });

  describe("Deferred.fromAsync", () => {
    it("calls f at once with an AbortSignal and fires with its Promise's value", async () => {
      let signal: AbortSignal | undefined;
      const d = Deferred.fromAsync(async (s) => {
        signal = s;
        return "done";
      });
      expect(signal).to.be.instanceOf(AbortSignal);
      expect(signal?.aborted).to.equal(false);
      expect(await d).to.equal("done");
    });

    it("cancel() aborts the signal and fails at once with CancelledError", async () => {
      let signal: AbortSignal | undefined;
      const d = Deferred.fromAsync(
        (s) =>
          new Promise<string>((resolve) => {
            signal = s;
            setImmediate(() => resolve("too late"));
          }),
      );
      let seen: Failure | undefined;
      d.addErrback((f) => {
        seen = f;
      });
      d.cancel();
      expect(signal?.aborted).to.equal(true);
      expect(seen?.type).to.equal(CancelledError);
      await tick();
      expect(seen?.type).to.equal(CancelledError);
    });

    it("f returning a Deferred: its result comes through; cancel() aborts the signal and cancels it", () => {
      let signal: AbortSignal | undefined;
      let innerCancelled = false;
      const inner = new Deferred<string>(() => {
        innerCancelled = true;
      });
      const d = Deferred.fromAsync((s) => {
        signal = s;
        return inner;
      });
      d.cancel();
      expect(signal?.aborted).to.equal(true);
      expect(innerCancelled).to.equal(true);
      expect(failureOf(d).type).to.equal(CancelledError);

      const ok = new Deferred<string>();
      const d2 = Deferred.fromAsync(() => ok);
      ok.callback("through");
      expect(d2.result).to.equal("through");
    });

    it("a synchronous throw fails the Deferred; a plain value fires it", () => {
      const e = new GenericError("sync");
      const bad = Deferred.fromAsync(() => {
        throw e;
      });
      let seen: Failure | undefined;
      bad.addErrback((f) => {
        seen = f;
      });
      expect(seen?.value).to.equal(e);
      const plain = Deferred.fromAsync(() => 7);
      expect(plain.result).to.equal(7);
    });
  });

  describe("Deferred.fromCoroutine", () => {
    it("returns a Deferred as it is", () => {
      const d = new Deferred();
      expect(Deferred.fromCoroutine(d)).to.equal(d);
    });

    it("adapts a Promise", async () => {
      expect(await Deferred.fromCoroutine(Promise.resolve(3))).to.equal(3);
    });

    it("drives a generator as inlineCallbacks does", () => {
      function* gen(): Generator<unknown, number, unknown> {
        const a = (yield succeed(1)) as number;
        return a + 1;
      }
      expect(Deferred.fromCoroutine(gen()).result).to.equal(2);
    });

    it("rejects anything else with NotACoroutineError", () => {
      expect(() => Deferred.fromCoroutine(5 as never)).to.throw(NotACoroutineError);
      expect(() => Deferred.fromCoroutine((() => 1) as never)).to.throw(NotACoroutineError);
    });
  });
});
