// Ported from Twisted 22.4: twisted/test/test_threads.py and test_threadpool.py, for what maps to
// twisted-ts's design (work named by module and export, run in worker threads).
import * as path from "node:path";
import { expect } from "chai";
import { Deferred, type Failure } from "../../../defer";
import { reactor } from "../../../reactor";
import { deferToThread, deferToThreadPool, ThreadPool } from "../../../net";
import { flushLoggedErrors } from "../../setup";

const WORK = path.join(__dirname, "../../fixtures/threads/twisted-ports.cjs");

function failureOf(d: Deferred<unknown>): Promise<Failure> {
  return new Promise((resolve, reject) => {
    d.addCallbacks((r) => reject(new Error(`succeeded with ${String(r)}`)), resolve);
  });
}

describe("twisted ports: test_threadpool.ThreadPoolTests", function () {
  this.timeout(20000);

  it("test_attributes (positional, as Twisted, and options)", () => {
    const pool = new ThreadPool(12, 22);
    expect(pool.min).to.equal(12);
    expect(pool.max).to.equal(22);
    const named = new ThreadPool(0, 3, "named");
    expect(named.name).to.equal("named");
    const defaults = new ThreadPool();
    expect([defaults.min, defaults.max]).to.deep.equal([5, 20]);
    const opts = new ThreadPool({ minThreads: 1, maxThreads: 2 });
    expect([opts.min, opts.max]).to.deep.equal([1, 2]);
  });

  it("test_start: min threads at start, none before", async () => {
    const pool = new ThreadPool(0, 5);
    pool.start();
    expect(pool.threads).to.have.length(0);
    await pool.stop();
    const pool2 = new ThreadPool(3, 10);
    expect(pool2.threads).to.have.length(0);
    pool2.start();
    try {
      expect(pool2.threads).to.have.length(3);
    } finally {
      await pool2.stop();
    }
  });

  it("test_adjustingWhenPoolStopped", async () => {
    const pool = new ThreadPool(0, 5);
    pool.start();
    await pool.stop();
    pool.adjustPoolsize(2);
    expect(pool.threads).to.have.length(0);
    expect(pool.min).to.equal(2);
  });

  it("test_callInThreadWithCallback / test_callInThreadException / test_persistence", async () => {
    const pool = new ThreadPool(0, 1);
    pool.start();
    try {
      const results: [boolean, unknown][] = [];
      const done = new Deferred<void>();
      pool.callInThreadWithCallback((ok, r) => results.push([ok, r]), WORK, "add", 1, 2);
      pool.callInThreadWithCallback(
        (ok, r) => {
          results.push([ok, r]);
          done.callback(undefined);
        },
        WORK,
        "divide",
        1,
        0,
      );
      await done;
      expect(results[0]).to.deep.equal([true, 3]);
      expect(results[1][0]).to.equal(false);
      expect(results[1][1]).to.be.instanceOf(RangeError);
    } finally {
      await pool.stop();
    }
  });

  it("test_workBeforeStarting: queued work runs once started", async () => {
    const pool = new ThreadPool(0, 2);
    const got = new Deferred<unknown>();
    pool.callInThreadWithCallback((_ok, r) => got.callback(r), WORK, "add", 2, 3);
    expect(pool.pending).to.equal(1);
    pool.start();
    try {
      expect(await got).to.equal(5);
    } finally {
      await pool.stop();
    }
  });
});

describe("twisted ports: test_threads", function () {
  this.timeout(20000);
  after(async () => {
    await reactor.threadpool?.stop();
  });

  it("ReactorThreadsTests.test_suggestThreadPoolSize", () => {
    reactor.suggestThreadPoolSize(34);
    expect(reactor.threadpool!.max).to.equal(34);
    reactor.suggestThreadPoolSize(4);
    expect(reactor.threadpool!.max).to.equal(4);
    expect(reactor.getThreadPool()).to.equal(reactor.threadpool);
    reactor.suggestThreadPoolSize(10);
  });

  it("ReactorThreadsTests.test_callInThread: a failing call is logged", async () => {
    reactor.callInThread(WORK, "divide", 1, 0);
    expect(await deferToThread(WORK, "add", 1, 1)).to.equal(2);
    let logged: unknown[] = [];
    for (let i = 0; i < 200 && logged.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      logged = flushLoggedErrors(RangeError);
    }
    expect(logged).to.have.length(1);
  });

  it("DeferredResultTests.test_deferredResult", async () => {
    expect(await deferToThread<number>(WORK, "add", 3, 4)).to.equal(7);
  });

  it("DeferredResultTests.test_deferredFailure", async () => {
    const f = await failureOf(deferToThread(WORK, "divide", 1, 0));
    expect(f.check(RangeError)).to.equal(RangeError);
    expect(f.getErrorMessage()).to.equal("division by zero");
  });

  it("DeferredResultTests.test_deferredFailureAfterSuccess", async () => {
    await deferToThread(WORK, "add", 1, 2);
    const f = await failureOf(deferToThread(WORK, "divide", 1, 0));
    f.trap(RangeError);
  });

  describe("DeferToThreadPoolTests", () => {
    let tp: ThreadPool;
    beforeEach(() => {
      tp = new ThreadPool(0, 8);
      tp.start();
    });
    afterEach(() => tp.stop());

    it("test_deferredResult", async () => {
      expect(await deferToThreadPool(reactor, tp, WORK, "add", 3, 4)).to.equal(7);
    });

    it("test_deferredFailure", async () => {
      const f = await failureOf(deferToThreadPool(reactor, tp, WORK, "divide", 1, 0));
      f.trap(RangeError);
    });
  });
});
