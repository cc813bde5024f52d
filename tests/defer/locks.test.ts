import { expect } from "chai";
import { CancelledError, Deferred, DeferredLock, DeferredSemaphore, Failure } from "../../defer";
import { failureOf } from "../helpers/deferred";

/** The Deferred's current result, which must be a Failure of `type`; it is consumed. */

describe("DeferredLock", () => {
  it("acquire() on a free lock locks it and fires at once with the lock", () => {
    const lock = new DeferredLock();
    expect(lock.locked).to.equal(false);
    const got: DeferredLock[] = [];
    lock.acquire().addCallback((l) => got.push(l));
    expect(lock.locked).to.equal(true);
    expect(got).to.deep.equal([lock]);
  });

  it("acquire() on a held lock waits; release() hands the lock to the next waiter in order", () => {
    const lock = new DeferredLock();
    const order: string[] = [];
    lock.acquire().addCallback(() => order.push("first"));
    lock.acquire().addCallback(() => order.push("second"));
    lock.acquire().addCallback(() => order.push("third"));
    expect(order).to.deep.equal(["first"]);
    expect(lock.waiting).to.have.length(2);
    lock.release();
    expect(order).to.deep.equal(["first", "second"]);
    expect(lock.locked).to.equal(true);
    lock.release();
    expect(order).to.deep.equal(["first", "second", "third"]);
    expect(lock.locked).to.equal(true);
    lock.release();
    expect(lock.locked).to.equal(false);
    expect(lock.waiting).to.have.length(0);
  });

  it("release() of an unlocked lock throws an Error", () => {
    const lock = new DeferredLock();
    expect(() => lock.release()).to.throw(Error, /unlocked/);
    lock.acquire();
    lock.release();
    expect(() => lock.release()).to.throw(Error, /unlocked/);
    expect(lock.locked).to.equal(false);
  });

  it("run() without a function throws TypeError at the call", () => {
    const lock = new DeferredLock();
    expect(() => (lock as any).run()).to.throw(TypeError);
    expect(lock.locked).to.equal(false);
  });

  it("run() calls f with its arguments and holds the lock until f's Deferred fires", () => {
    const lock = new DeferredLock();
    const control = new Deferred<string>();
    const seen: unknown[] = [];
    const resultDeferred = lock.run(
      (a: number, b: string) => {
        seen.push(a, b);
        return control;
      },
      1,
      "x",
    );
    expect(seen).to.deep.equal([1, "x"]);
    expect(lock.locked).to.equal(true);
    const results: string[] = [];
    resultDeferred.addCallback((r) => results.push(r));
    let nextGotIt = false;
    lock.acquire().addCallback(() => {
      nextGotIt = true;
    });
    expect(nextGotIt).to.equal(false);
    control.callback("done");
    expect(results).to.deep.equal(["done"]);
    // Released by run(), then taken by the waiting acquire().
    expect(nextGotIt).to.equal(true);
    expect(lock.locked).to.equal(true);
  });

  it("run() waits for the lock before calling f", () => {
    const lock = new DeferredLock();
    lock.acquire();
    let called = false;
    const d = lock.run(() => {
      called = true;
      return 5;
    });
    expect(called).to.equal(false);
    lock.release();
    expect(called).to.equal(true);
    expect(lock.locked).to.equal(false);
    expect(d.result).to.equal(5);
  });

  it("run() releases the lock when f throws, and fails with the error", () => {
    const lock = new DeferredLock();
    const error = new RangeError("boom");
    const d = lock.run(() => {
      throw error;
    });
    expect(lock.locked).to.equal(false);
    expect(failureOf(d, RangeError).value).to.equal(error);
  });

  it("run() releases the lock when f's Deferred fails", () => {
    const lock = new DeferredLock();
    const control = new Deferred<never>();
    const d = lock.run(() => control);
    expect(lock.locked).to.equal(true);
    control.errback(new RangeError("later"));
    expect(lock.locked).to.equal(false);
    failureOf(d, RangeError);
  });

  it("run() supports f returning a Promise and releases once it settles", async () => {
    const lock = new DeferredLock();
    let resolve!: (v: string) => void;
    const p = new Promise<string>((r) => (resolve = r));
    const d = lock.run(() => p);
    expect(lock.locked).to.equal(true);
    resolve("from promise");
    expect(await d).to.equal("from promise");
    expect(lock.locked).to.equal(false);
  });

  it("run() releases the lock when f's Promise rejects", async () => {
    const lock = new DeferredLock();
    const d = lock.run(() => Promise.reject(new RangeError("rejected")));
    let caught: unknown;
    try {
      await d;
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(RangeError);
    expect(lock.locked).to.equal(false);
  });

  it("cancelling a waiting acquire() fails it with CancelledError and removes it from the queue", () => {
    const lock = new DeferredLock();
    lock.acquire();
    const d = lock.acquire();
    expect(lock.waiting).to.deep.equal([d]);
    d.cancel();
    failureOf(d, CancelledError);
    expect(lock.waiting).to.deep.equal([]);
    lock.release();
    expect(lock.locked).to.equal(false);
  });

  it("cancelling an acquire() that already has the lock does nothing", () => {
    const lock = new DeferredLock();
    const d = lock.acquire();
    const errors: Failure[] = [];
    d.addErrback((f) => {
      errors.push(f);
    });
    d.cancel();
    expect(errors).to.deep.equal([]);
    expect(lock.locked).to.equal(true);
  });

  it("cancelling a run() still waiting for the lock never calls f", () => {
    const lock = new DeferredLock();
    lock.acquire();
    let called = false;
    const d = lock.run(() => {
      called = true;
    });
    d.cancel();
    failureOf(d, CancelledError);
    lock.release();
    expect(called).to.equal(false);
    expect(lock.locked).to.equal(false);
  });
});

describe("DeferredSemaphore", () => {
  it("needs an integer number of tokens of at least 1 (RangeError)", () => {
    expect(() => new DeferredSemaphore(0)).to.throw(RangeError);
    expect(() => new DeferredSemaphore(-1)).to.throw(RangeError);
    expect(() => new DeferredSemaphore(1.5)).to.throw(RangeError);
    expect(() => new DeferredSemaphore(Number.NaN)).to.throw(RangeError);
    expect(() => new DeferredSemaphore(Infinity)).to.throw(RangeError);
    expect(new DeferredSemaphore(1).limit).to.equal(1);
  });

  it("starts with tokens and limit equal to the count given", () => {
    const sem = new DeferredSemaphore(3);
    expect(sem.tokens).to.equal(3);
    expect(sem.limit).to.equal(3);
  });

  it("gives out `limit` tokens at once, then makes acquirers wait until a release", () => {
    const N = 13;
    const sem = new DeferredSemaphore(N);
    let counter = 0;
    for (let i = 1; i <= N; i++) {
      sem.acquire().addCallback(() => counter++);
      expect(counter).to.equal(i);
    }
    expect(sem.tokens).to.equal(0);
    sem.acquire().addCallback(() => counter++);
    expect(counter).to.equal(N);
    sem.release();
    expect(counter).to.equal(N + 1);
    expect(sem.tokens).to.equal(0); // the released token went to the waiter
    for (let i = 1; i <= N; i++) {
      sem.release();
      expect(counter).to.equal(N + 1);
      expect(sem.tokens).to.equal(i);
    }
  });

  it("release() beyond the limit throws an Error", () => {
    const sem = new DeferredSemaphore(2);
    expect(() => sem.release()).to.throw(Error, /more times than it was acquired/);
    sem.acquire();
    sem.release();
    expect(() => sem.release()).to.throw(Error, /more times than it was acquired/);
    expect(sem.tokens).to.equal(2);
  });

  it("run() calls f with its arguments and holds a token until f's Deferred fires", () => {
    const sem = new DeferredSemaphore(13);
    const control = new Deferred<null>();
    let helperArg: unknown;
    const unique = {};
    const results: unknown[] = [];
    const d = sem.run((arg: object) => {
      helperArg = arg;
      return control;
    }, unique);
    d.addCallback((r) => results.push(r));
    expect(helperArg).to.equal(unique);
    expect(results).to.deep.equal([]);
    expect(sem.tokens).to.equal(12);
    control.callback(null);
    expect(results).to.deep.equal([null]);
    expect(sem.tokens).to.equal(13);
  });

  it("run() keeps at most `limit` calls in progress", () => {
    const sem = new DeferredSemaphore(2);
    const controls = [new Deferred<number>(), new Deferred<number>(), new Deferred<number>()];
    const started: number[] = [];
    const results = controls.map((c, i) =>
      sem.run(() => {
        started.push(i);
        return c;
      }),
    );
    expect(started).to.deep.equal([0, 1]);
    controls[1].callback(1);
    expect(started).to.deep.equal([0, 1, 2]);
    controls[0].callback(0);
    controls[2].callback(2);
    expect(results.map((d) => d.result)).to.deep.equal([0, 1, 2]);
    expect(sem.tokens).to.equal(2);
  });

  it("run() supports f returning a Promise", async () => {
    const sem = new DeferredSemaphore(1);
    const d = sem.run(async (n: number) => n * 2, 21);
    expect(sem.tokens).to.equal(0);
    expect(await d).to.equal(42);
    expect(sem.tokens).to.equal(1);
  });

  it("run() releases its token when f throws", () => {
    const sem = new DeferredSemaphore(1);
    const d = sem.run(() => {
      throw new RangeError("boom");
    });
    expect(sem.tokens).to.equal(1);
    failureOf(d, RangeError);
  });

  it("cancelling a waiting acquire() fails it with CancelledError and removes it from the queue", () => {
    const sem = new DeferredSemaphore(1);
    sem.acquire();
    const d = sem.acquire();
    const outcome: boolean[] = [];
    d.addCallbacks(
      () => outcome.push(false),
      (f) => outcome.push(f.check(CancelledError) === CancelledError),
    );
    d.cancel();
    expect(outcome).to.deep.equal([true]);
    expect(sem.waiting).to.deep.equal([]);
    sem.release();
    expect(sem.tokens).to.equal(1);
  });

  it("cancelling an acquire() that already has a token does nothing", () => {
    const sem = new DeferredSemaphore(1);
    const d = sem.acquire();
    const errors: Failure[] = [];
    d.addErrback((f) => {
      errors.push(f);
    });
    d.cancel();
    expect(errors).to.deep.equal([]);
    expect(sem.tokens).to.equal(0);
  });
});
