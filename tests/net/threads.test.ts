import * as os from "node:os";
import * as path from "node:path";
import { threadId } from "node:worker_threads";
import { expect } from "chai";
import { CancelledError, Deferred, type Failure } from "../../defer";
import { reactor as globalReactor, type Reactor } from "../../reactor";
import { ThreadPool, transferToThread } from "../../net/thread-pool";
import { deferToThread, deferToThreadPool } from "../../net/threads";
import { newReactor, runReactor } from "../helpers/reactor";

const WORK = path.join(__dirname, "../fixtures/threads/work.ts");
const WORK_CJS = path.join(__dirname, "../fixtures/threads/work.cjs");
const WORK_MJS = path.join(__dirname, "../fixtures/threads/work.mjs");

function failureOf(d: Deferred<unknown>): Promise<Failure> {
  return new Promise((resolve, reject) => { d.addCallbacks((r) => reject(new Error(`succeeded with ${String(r)}`)), resolve); });
}

describe("net/threads: ThreadPool and deferToThreadPool", function () {
  this.timeout(20000);
  let reactor: Reactor;
  let pool: ThreadPool;
  // One pool for these tests: starting a thread loads ts-node in it (about a second).
  before(() => {
    reactor = newReactor();
    pool = new ThreadPool({ minThreads: 2, maxThreads: 2, name: "test" });
    pool.start();
  });
  after(async () => {
    await pool.stop();
  });

  it("runs an export of a TypeScript module in another thread and fires with its result", async () => {
    expect(await deferToThreadPool<number>(reactor, pool, WORK, "add", 2, 3)).to.equal(5);
    const tid = await deferToThreadPool<number>(reactor, pool, WORK, "whichThread");
    expect(tid).to.not.equal(threadId);
  });

  it("waits for a Promise the export returns", async () => {
    expect(await deferToThreadPool(reactor, pool, WORK, "later", "done", 10)).to.equal("done");
  });

  it("CommonJS and ES modules work too", async () => {
    expect(await deferToThreadPool(reactor, pool, WORK_CJS, "greet", "thread")).to.equal("hello, thread");
    expect(await deferToThreadPool(reactor, pool, WORK_MJS, "triple", 7)).to.equal(21);
  });

  it("a package or built-in module can be named instead of a path", async () => {
    expect(await deferToThreadPool(reactor, pool, "node:os", "hostname")).to.equal(os.hostname());
    expect(await deferToThreadPool(reactor, pool, "node:path", "join", "a", "b")).to.equal(path.join("a", "b"));
  });

  it("a throw becomes a Failure keeping the error's name, message and stack", async () => {
    const f = await failureOf(deferToThreadPool(reactor, pool, WORK, "fail", "it broke"));
    const e = f.value as Error;
    expect(e).to.be.instanceOf(Error);
    expect(e.name).to.equal("CustomError");
    expect(e.message).to.equal("it broke");
    expect(e.stack).to.contain("work.ts");
    const t = await failureOf(deferToThreadPool(reactor, pool, WORK, "failType"));
    expect(t.check(TypeError)).to.equal(TypeError);
    const s = await failureOf(deferToThreadPool(reactor, pool, WORK, "throwString"));
    expect(s.value).to.equal("a plain string");
  });

  it("a missing export or module is a Failure, not an uncaught error", async () => {
    const f = await failureOf(deferToThreadPool(reactor, pool, WORK, "noSuchExport"));
    expect(f.getErrorMessage()).to.contain("noSuchExport");
    const g = await failureOf(deferToThreadPool(reactor, pool, "/nonexistent/module.js", "f"));
    expect((g.value as Error & { code?: string }).code).to.equal("MODULE_NOT_FOUND");
  });

  it("a result that cannot be cloned is a Failure", async () => {
    const f = await failureOf(deferToThreadPool(reactor, pool, WORK, "notCloneable"));
    expect(f.value).to.be.instanceOf(TypeError);
    expect((f.value as Error).message).to.match(/notCloneable returned a function/);
    const g = await failureOf(deferToThreadPool(reactor, pool, WORK, "promiseOfFunction"));
    expect((g.value as Error).message).to.match(/promiseOfFunction returned a function/);
  });

  it("a rejected Promise is a Failure keeping the error's name and message", async () => {
    const f = await failureOf(deferToThreadPool(reactor, pool, WORK, "rejectLater", 5));
    expect(f.value).to.be.instanceOf(RangeError);
    expect((f.value as Error).message).to.equal("rejected in a thread");
  });

  it("transferToThread moves an argument's memory to the thread (left empty here); others are copied", async () => {
    const moved = Buffer.alloc(1 << 16, 1);
    const copied = Buffer.alloc(1 << 16, 2);
    const buffer = new Uint8Array(1000).fill(3).buffer;
    const d = deferToThreadPool<[number, number]>(reactor, pool, WORK, "sumBytes", transferToThread(moved));
    const e = deferToThreadPool<[number, number]>(reactor, pool, WORK, "sumBytes", copied);
    expect(await d).to.deep.equal([1 << 16, 1 << 16]);
    expect(await e).to.deep.equal([1 << 16, 2 << 16]);
    expect(moved.byteLength).to.equal(0);
    expect(copied.byteLength).to.equal(1 << 16);
    expect(await deferToThreadPool(reactor, pool, WORK, "sumBytes", transferToThread(buffer))).to.deep.equal([1000, 3000]);
    expect(buffer.byteLength).to.equal(0);
  });

  it("transferToThread: the same memory twice is moved once; a cancelled queued call keeps it", async () => {
    const data = new Uint8Array(64).fill(1);
    const view = new DataView(data.buffer);
    expect(await deferToThreadPool(reactor, pool, WORK, "sumBytes", transferToThread(data), transferToThread(view))).to.deep.equal([64, 64]);
    const busy = [deferToThreadPool(reactor, pool, WORK, "block", 100), deferToThreadPool(reactor, pool, WORK, "block", 100)];
    const kept = Buffer.alloc(32, 1);
    const queued = deferToThreadPool(reactor, pool, WORK, "sumBytes", transferToThread(kept));
    queued.addErrback(() => null);
    queued.cancel();
    await Promise.all(busy);
    expect(kept.byteLength).to.equal(32);
  });

  it("transferToThread refuses what it cannot move, at the call", () => {
    expect(() => transferToThread(Buffer.from("small: shares Node's pool"))).to.throw(TypeError, /Buffer\.from/);
    expect(() => transferToThread(new Uint8Array(new ArrayBuffer(8), 4))).to.throw(TypeError, /covers 4 of .* 8 bytes/);
    expect(() => transferToThread(new Uint8Array(new SharedArrayBuffer(8)))).to.throw(TypeError, /already shared/);
    expect(() => transferToThread("text" as unknown as ArrayBuffer)).to.throw(TypeError, /ArrayBuffer/);
  });

  it("bad input throws at the call", () => {
    expect(() => deferToThreadPool(reactor, pool, "./work", "f")).to.throw(TypeError, /relative/);
    expect(() => deferToThreadPool(reactor, pool, "", "f")).to.throw(TypeError, /module/);
    expect(() => deferToThreadPool(reactor, pool, WORK, 3 as unknown as string)).to.throw(TypeError, /exportName/);
    expect(() => deferToThreadPool(reactor, {} as ThreadPool, WORK, "add")).to.throw(TypeError, /pool/);
    expect(() => new ThreadPool({ minThreads: -1 })).to.throw(RangeError, /minThreads/);
    expect(() => new ThreadPool({ minThreads: 3, maxThreads: 2 })).to.throw(RangeError, /maxThreads/);
  });

  it("at most max calls run at once; the rest queue in order", async () => {
    const ds = [1, 2, 3, 4].map((i) => deferToThreadPool<number>(reactor, pool, WORK, "block", 50 + i));
    await new Promise((r) => setTimeout(r, 10));
    expect(pool.working).to.be.at.most(2);
    expect(pool.working + pool.pending).to.equal(4);
    expect(await Promise.all(ds)).to.deep.equal([51, 52, 53, 54]);
    expect(pool.working).to.equal(0);
  });

  it("cancelling a queued call removes it from the queue", async () => {
    const running = [deferToThreadPool(reactor, pool, WORK, "block", 100), deferToThreadPool(reactor, pool, WORK, "block", 100)];
    const queued = deferToThreadPool(reactor, pool, WORK, "add", 1, 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(pool.pending).to.equal(1);
    queued.cancel();
    expect(pool.pending).to.equal(0);
    expect((await failureOf(queued)).check(CancelledError)).to.equal(CancelledError);
    await Promise.all(running);
  });

  it("cancelling a running call fails it at once; the call runs to its end", async () => {
    const d = deferToThreadPool(reactor, pool, WORK, "block", 50);
    await new Promise((r) => setTimeout(r, 10));
    d.cancel();
    expect((await failureOf(d)).check(CancelledError)).to.equal(CancelledError);
    expect(pool.working).to.equal(1);
    while (pool.working > 0) await new Promise((r) => setTimeout(r, 10));
  });

  it("calls wait until start(); stop() drops the queued ones and waits for the running ones", async () => {
    const idle = new ThreadPool({ minThreads: 0, maxThreads: 1 });
    const d = deferToThreadPool<number>(reactor, idle, WORK, "add", 1, 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(d.called).to.equal(false);
    expect(idle.pending).to.equal(1);
    idle.start();
    expect(await d).to.equal(3);
    const running = deferToThreadPool<number>(reactor, idle, WORK, "block", 50);
    const dropped = deferToThreadPool<number>(reactor, idle, WORK, "add", 1, 2);
    await idle.stop();
    expect(running.called).to.equal(true);
    expect(await running).to.equal(50);
    expect((await failureOf(dropped)).getErrorMessage()).to.contain("stopped");
    expect(idle.joined).to.equal(true);
  });

  it("adjustPoolsize changes how many run at once", async () => {
    pool.adjustPoolsize(2, 4);
    expect(pool.max).to.equal(4);
    const ds = [1, 2, 3, 4].map(() => deferToThreadPool(reactor, pool, WORK, "block", 60));
    await new Promise((r) => setTimeout(r, 10));
    expect(pool.working).to.equal(4);
    await Promise.all(ds);
    pool.adjustPoolsize(2, 2);
  });

  it("methods work when passed as values", async () => {
    const p = new ThreadPool({ minThreads: 0, maxThreads: 1 });
    const { start, stop, callInThreadWithCallback } = p;
    start();
    const result = await new Promise((resolve) => callInThreadWithCallback((ok, r) => resolve([ok, r]), WORK, "add", 4, 4));
    expect(result).to.deep.equal([true, 8]);
    await stop();
  });
});

describe("net/threads: the reactor's pool and deferToThread", function () {
  this.timeout(20000);
  // The global reactor's pool, which deferToThread starts, is not left running for later tests.
  after(async () => {
    await globalReactor.getThreadPool().stop();
  });

  it("getThreadPool starts a pool of at most 10 threads on first use; suggestThreadPoolSize changes it", async () => {
    const reactor = newReactor();
    const pool = reactor.getThreadPool();
    expect(reactor.getThreadPool()).to.equal(pool);
    expect(pool.max).to.equal(10);
    expect(pool.started).to.equal(true);
    reactor.suggestThreadPoolSize(3);
    expect(pool.max).to.equal(3);
    expect(() => reactor.suggestThreadPoolSize(0)).to.throw(RangeError, /size/);
    reactor.callLater(0, () => reactor.stop());
    await runReactor(reactor);
    expect(pool.joined).to.equal(true);
  });

  it("reactor.stop() stops the pool after the running calls finish, before run() resolves", async () => {
    const reactor = newReactor();
    const pool = reactor.getThreadPool();
    const d = deferToThreadPool<number>(reactor, pool, WORK, "block", 50);
    reactor.callLater(0.01, () => reactor.stop());
    await runReactor(reactor);
    expect(d.called).to.equal(true);
    expect(pool.joined).to.equal(true);
    expect(pool.working).to.equal(0);
  });

  it("deferToThread uses the global reactor's pool", async () => {
    expect(await deferToThread<string>(WORK, "sha256", new Uint8Array([1, 2, 3]))).to.have.length(64);
    expect(globalReactor.getThreadPool().working).to.equal(0);
  });

  it("a pool stopped by hand starts again on the next use", async () => {
    const reactor = newReactor();
    const pool = reactor.getThreadPool();
    await pool.stop();
    expect(pool.started).to.equal(false);
    expect(reactor.getThreadPool()).to.equal(pool);
    expect(pool.started).to.equal(true);
    expect(await deferToThreadPool(reactor, pool, WORK, "add", 1, 1)).to.equal(2);
    await pool.stop();
  });
});
