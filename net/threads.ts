/**
 * `deferToThread` and `deferToThreadPool`, as `twisted.internet.threads`, and the reactor's
 * thread pool (`reactor.getThreadPool()`, `suggestThreadPoolSize`).
 *
 * JavaScript cannot send a closure to another thread, so the work is named by module (an
 * absolute path or a package name; CommonJS, ES module or TypeScript) and export: the export is
 * called in a worker thread with the arguments (structured-cloned), and its result (or the
 * Promise's) comes back through the Deferred.
 * @module
 */
import { Deferred } from "../defer/deferred";
import { Reactor } from "../reactor/reactor";
import { installReactorMethod } from "./reactor-method";
import { reactor as globalReactor } from "../reactor";
import { describeValue } from "../core/validate";
import { err } from "../log";
import { _registerForShutdown, type IShutdownResource } from "./io-shutdown";
import { ThreadPool } from "./thread-pool";

/** The reactor's thread pool: at most this many threads (Twisted's default). */
const REACTOR_POOL_MAX = 10;

/** The thread-pool methods the reactor gains (Twisted's IReactorThreads). */
export interface IReactorThreads {
  /**
   * The reactor's thread pool, created and started on first use (0 to 10 threads); stopped by
   * `reactor.stop()` (its running calls finish first).
   */
  getThreadPool(): ThreadPool;
  /** Sets the most threads of the reactor's pool. @throws RangeError for a size below 1. */
  suggestThreadPoolSize(size: number): void;
  /**
   * Runs `module`'s export `exportName` with `args` in a thread of the reactor's pool, ignoring
   * the result (a throw is logged), as Twisted's `reactor.callInThread(f, *args)`.
   */
  callInThread(module: string, exportName: string, ...args: unknown[]): void;
  /** The reactor's pool once `getThreadPool()` made it, else null (Twisted's `reactor.threadpool`). */
  readonly threadpool: ThreadPool | null;
}

/**
 * Runs `module`'s export `exportName` with `args` in a thread of `pool`; the Deferred fires with
 * its result (awaited when it is a Promise), or fails with what it threw: a Failure whose value
 * keeps the error's name, message and stack. Cancelling the Deferred removes a call still queued;
 * a call already running runs to its end and its result is dropped.
 * @throws TypeError for a module or exportName that is not a non-empty string, or a relative path.
 */
export function deferToThreadPool<R = unknown>(
  reactor: Reactor,
  pool: ThreadPool,
  module: string,
  exportName: string,
  ...args: unknown[]
): Deferred<R> {
  if (!(pool instanceof ThreadPool)) throw new TypeError(`deferToThreadPool: pool must be a ThreadPool, got ${describeValue(pool)}`);
  void reactor; // Twisted's signature; results are delivered as Node reports them, running or not
  let unqueue: (() => boolean) | null = null;
  const d = new Deferred<R>(() => {
    unqueue?.();
  });
  unqueue = pool.callInThreadWithCallback(
    (success, result) => {
      if (d.called) return; // cancelled while running: the result is dropped
      if (success) d.callback(result as R);
      else d.errback(result);
    },
    module,
    exportName,
    ...args,
  );
  return d;
}

/**
 * Runs `module`'s export `exportName` with `args` in a thread of the global reactor's pool: see
 * {@link deferToThreadPool}.
 *
 * @example
 * ```ts
 * // hash.ts: export function sha256(data: Uint8Array): string { ... }
 * const digest = await deferToThread<string>(require.resolve("./hash"), "sha256", data);
 * ```
 */
export function deferToThread<R = unknown>(module: string, exportName: string, ...args: unknown[]): Deferred<R> {
  return deferToThreadPool<R>(globalReactor, globalReactor.getThreadPool(), module, exportName, ...args);
}

/** The reactor's pool, as the shutdown registry closes it. */
class ReactorPool implements IShutdownResource {
  constructor(
    readonly reactor: Reactor,
    readonly pool: ThreadPool,
  ) {}
  closeForShutdown(): Deferred<void> {
    pools.delete(this.reactor);
    return this.pool.stop();
  }
}

const pools = new WeakMap<Reactor, ReactorPool>();

declare module "../reactor/reactor" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds the methods
  interface Reactor extends IReactorThreads {}
}

installReactorMethod("getThreadPool", function getThreadPool(this: Reactor): ThreadPool {
  let entry = pools.get(this);
  if (entry === undefined) {
    entry = new ReactorPool(this, new ThreadPool({ minThreads: 0, maxThreads: REACTOR_POOL_MAX, name: "reactor" }));
    pools.set(this, entry);
    _registerForShutdown(this, entry);
    entry.pool.start();
  } else if (!entry.pool.started) {
    // Stopped by hand (`getThreadPool().stop()`): the next use starts it again.
    entry.pool.start();
  }
  return entry.pool;
});

installReactorMethod("callInThread", function callInThread(this: Reactor, module: string, exportName: string, ...args: unknown[]): void {
  this.getThreadPool().callInThreadWithCallback(
    (success, result) => {
      if (!success) err(result, `Unhandled error in the thread call ${exportName}:`);
    },
    module,
    exportName,
    ...args,
  );
});

Object.defineProperty(Reactor.prototype, "threadpool", {
  configurable: true,
  enumerable: false,
  get(this: Reactor): ThreadPool | null {
    return pools.get(this)?.pool ?? null;
  },
});

installReactorMethod("suggestThreadPoolSize", function suggestThreadPoolSize(this: Reactor, size: number): void {
  if (typeof size !== "number") throw new TypeError(`suggestThreadPoolSize: size must be a number, got ${describeValue(size)}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`suggestThreadPoolSize: size must be an integer >= 1, got ${describeValue(size)}`);
  this.getThreadPool().adjustPoolsize(0, size);
});
