/**
 * `ThreadPool`, as `twisted.python.threadpool.ThreadPool`, on worker threads managed by piscina.
 *
 * A closure cannot cross threads, so a call names its work by module and export. The pool keeps
 * its own FIFO queue and hands piscina at most `max` calls at a time, so a queued call can be
 * removed (cancelled) while a running one always runs to its end. Until `start()`, calls wait
 * in the queue (as Twisted's). Idle threads do not keep Node alive.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type Piscina from "piscina";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import type { ThreadCall, ThreadOutcome } from "./thread-worker";

/** Options of {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** Threads started by `start()` and kept while idle (default 5, as Twisted). */
  minThreads?: number;
  /** The most threads, and so the most calls running at once (default 20, as Twisted). */
  maxThreads?: number;
  /** A name for the pool, in its threads' names (default "ThreadPool"). */
  name?: string;
}

/** What `callInThreadWithCallback` reports: success and the result (or the Error thrown). */
export type ThreadResultCallback = (success: boolean, result: unknown) => void;

interface Job {
  call: ThreadCall;
  onResult: ThreadResultCallback;
  cancelled: boolean;
  /** The memory of the arguments marked by transferToThread: moved to the thread, not copied. */
  transferList: ArrayBuffer[] | undefined;
}

/** Values marked by {@link transferToThread}, until a call takes them. */
const marked = new WeakSet<object>();

/**
 * Marks `value` (an ArrayBuffer, or a Buffer / typed array / DataView covering the whole of its
 * ArrayBuffer) so that, passed as an argument of `deferToThread`, `deferToThreadPool` or a
 * pool's `callInThread*`, its memory is moved to the thread instead of copied: from the call on
 * it belongs to the thread, and here it is left empty (length 0) once the call starts. Arguments
 * are otherwise copied (structured clone), which for large buffers can cost more than the work.
 * Only arguments themselves are looked at, not values nested in them.
 * @returns `value`, for use in place.
 * @throws TypeError for anything else, for a view of part of its ArrayBuffer (a small Buffer
 *   shares Node's pool: copy it with `Buffer.from(b)`), and for shared memory (already shared:
 *   pass it as it is).
 * @example
 * ```ts
 * const digest = await deferToThread<string>(require.resolve("./hash"), "sha256", transferToThread(data));
 * // data.length is now 0
 * ```
 */
export function transferToThread<T extends ArrayBuffer | ArrayBufferView>(value: T): T {
  const memory = memoryOf(value);
  if (!(memory instanceof ArrayBuffer)) {
    const what = memory instanceof SharedArrayBuffer ? "shared memory (already shared: pass it as it is)" : describeValue(value);
    throw new TypeError(`transferToThread: value must be an ArrayBuffer or a view of one, got ${what}`);
  }
  if (ArrayBuffer.isView(value) && (value.byteOffset !== 0 || value.byteLength !== memory.byteLength)) {
    throw new TypeError(
      `transferToThread: the view covers ${value.byteLength} of its ArrayBuffer's ${memory.byteLength} bytes (a small Buffer shares Node's pool); transfer a copy (Buffer.from(value))`,
    );
  }
  marked.add(value);
  return value;
}

/** The ArrayBuffers of the marked arguments (unmarking them), or undefined when none is marked. */
function transferListOf(args: readonly unknown[]): ArrayBuffer[] | undefined {
  let list: ArrayBuffer[] | undefined;
  for (const a of args) {
    if (typeof a !== "object" || a === null || !marked.has(a)) continue;
    marked.delete(a);
    const memory = memoryOf(a) as ArrayBuffer; // marked: checked by transferToThread
    if (!(list ??= []).includes(memory)) list.push(memory); // listed twice, postMessage would throw
  }
  return list;
}

/** The memory behind `value`: a view's buffer, else the value itself. */
function memoryOf(value: unknown): unknown {
  return ArrayBuffer.isView(value) ? value.buffer : value;
}

/** How long an idle thread above `min` lives (ms). */
const IDLE_TIMEOUT_MS = 10_000;

/** The constructors an Error's name is rebuilt with, so `failure.check(TypeError)` works. */
const STANDARD_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The worker entry: the compiled .js beside this file, or (from the sources) the .ts through ts-node. */
function workerEntry(): { filename: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } {
  const js = path.join(__dirname, "thread-worker.js");
  // No execArgv: the threads inherit this process's (passing some replaces and checks them).
  if (fs.existsSync(js)) return { filename: js };
  const ts = path.join(__dirname, "thread-worker.ts");
  const register = require.resolve("ts-node/register/transpile-only", { paths: [__dirname, process.cwd()] });
  // ts-node in the thread compiles the sources with their own tsconfig, whatever the cwd.
  const project = path.join(__dirname, "..", "tsconfig.json");
  const env = fs.existsSync(project) ? { ...process.env, TS_NODE_PROJECT: project } : undefined;
  return { filename: ts, execArgv: ["--require", register], env };
}

/** Rebuilds what a worker threw: an Error keeping name, message and stack (and code). */
export function _rebuildError(error: Extract<ThreadOutcome, { ok: false }>["error"]): unknown {
  if (!error.isError) return error.value;
  const Ctor = STANDARD_ERRORS[error.name] ?? Error;
  const e = new Ctor(error.message);
  if (e.name !== error.name) e.name = error.name;
  if (error.stack !== undefined) e.stack = error.stack;
  if (error.code !== undefined) (e as Error & { code?: unknown }).code = error.code;
  return e;
}

/**
 * A pool of worker threads running calls named by module and export. Every method works when
 * passed as a value.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool({ maxThreads: 4 });
 * pool.start();
 * const digest = await deferToThreadPool(reactor, pool, require.resolve("./hash"), "sha256", data);
 * await pool.stop();
 * ```
 */
export class ThreadPool {
  /** Threads kept while idle. */
  min: number;
  /** The most threads (calls running at once). */
  max: number;
  /** The pool's name. */
  readonly name: string;
  /** True between `start()` and `stop()`. */
  started = false;
  /** True once `stop()` was called (until `start()` again). */
  joined = false;
  #piscina: Piscina | null = null;
  readonly #queue: Job[] = [];
  #running = 0;
  readonly #idleWaiters: Array<() => void> = [];

  /**
   * @throws TypeError / RangeError when `minThreads` or `maxThreads` is not an integer >= 0, or
   *   `maxThreads` is 0 or below `minThreads`.
   */
  constructor(options?: ThreadPoolOptions);
  /** Twisted's positional form, `ThreadPool(minthreads, maxthreads, name)`. */
  constructor(minThreads?: number, maxThreads?: number, name?: string);
  constructor(first: ThreadPoolOptions | number | undefined = {}, maxThreads?: number, name?: string) {
    const options: ThreadPoolOptions =
      typeof first === "number" ? { minThreads: first, ...(maxThreads === undefined ? {} : { maxThreads }), ...(name === undefined ? {} : { name }) } : first;
    const min = options.minThreads ?? 5;
    const max = options.maxThreads ?? 20;
    checkCount("ThreadPool", "minThreads", min);
    checkCount("ThreadPool", "maxThreads", max);
    if (max < 1 || max < min) throw new RangeError(`ThreadPool: maxThreads must be >= 1 and >= minThreads, got ${max}`);
    this.min = min;
    this.max = max;
    this.name = options.name ?? "ThreadPool";
  }

  /** The worker threads running now (Twisted's `threads` list; empty while stopped). */
  get threads(): readonly unknown[] {
    return this.#piscina?.threads ?? [];
  }

  /** Calls queued, not yet running. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Calls running in a thread now. */
  get working(): number {
    return this.#running;
  }

  /** Starts the threads (`min` of them at once) and the calls queued so far. */
  readonly start = (): void => {
    if (this.started) return;
    this.started = true;
    this.joined = false;
    this.#makePiscina();
    this.#dispatch();
  };

  /**
   * Stops the pool: the queued calls are dropped (each reported as failed with an Error saying
   * so), the running ones finish, then the threads end. The Deferred fires once they have.
   */
  readonly stop = (): Deferred<void> => {
    this.joined = true;
    this.started = false;
    for (const job of this.#queue.splice(0)) {
      job.onResult(false, new Error("the thread pool was stopped before this call started"));
    }
    const piscina = this.#piscina;
    this.#piscina = null;
    return Deferred.fromPromise(
      (async () => {
        if (this.#running > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
        if (piscina !== null) await piscina.destroy();
      })(),
    );
  };

  /**
   * Changes the pool's size; omitted values stay. More threads are used at once when `max`
   * grows, fewer calls are started when it shrinks.
   */
  readonly adjustPoolsize = (minThreads?: number, maxThreads?: number): void => {
    const min = minThreads ?? this.min;
    const max = maxThreads ?? Math.max(this.max, min);
    checkCount("adjustPoolsize", "minThreads", min);
    checkCount("adjustPoolsize", "maxThreads", max);
    if (max < 1 || max < min) throw new RangeError(`adjustPoolsize: maxThreads must be >= 1 and >= minThreads, got ${max}`);
    const grew = max > this.max || min !== this.min;
    this.min = min;
    this.max = max;
    if (this.started && grew) {
      // piscina's limits are fixed: new calls go to a new pool, the old one ends when idle.
      const old = this.#piscina;
      this.#makePiscina();
      void old?.close();
    }
    this.#dispatch();
  };

  /** Runs `module`'s export `exportName` with `args` in a thread, ignoring the result. */
  readonly callInThread = (module: string, exportName: string, ...args: unknown[]): void => {
    this.callInThreadWithCallback(() => undefined, module, exportName, ...args);
  };

  /**
   * Runs `module`'s export `exportName` with `args` in a thread and calls
   * `onResult(true, value)` or `onResult(false, error)` on this thread when done.
   * @returns a function that removes the call from the queue if it has not started (true then).
   */
  readonly callInThreadWithCallback = (
    onResult: ThreadResultCallback,
    module: string,
    exportName: string,
    ...args: unknown[]
  ): (() => boolean) => {
    const call = { module: resolveModule(module), exportName: checkExportName(exportName), args };
    const job: Job = { call, onResult, cancelled: false, transferList: transferListOf(args) };
    this.#queue.push(job);
    this.#dispatch();
    return () => {
      const i = this.#queue.indexOf(job);
      if (i < 0) return false;
      this.#queue.splice(i, 1);
      job.cancelled = true;
      return true;
    };
  };

  #makePiscina(): void {
    const entry = workerEntry();
    // Loaded on first use: programs that never use threads do not pay for it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Piscina: PiscinaClass } = require("piscina") as { Piscina: typeof Piscina };
    this.#piscina = new PiscinaClass({
      filename: entry.filename,
      ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }),
      ...(entry.env === undefined ? {} : { env: entry.env }),
      minThreads: this.min,
      maxThreads: this.max,
      idleTimeout: IDLE_TIMEOUT_MS,
      name: "default",
    });
  }

  #dispatch(): void {
    const piscina = this.#piscina;
    if (!this.started || piscina === null) return;
    while (this.#running < this.max && this.#queue.length > 0) {
      const job = this.#queue.shift() as Job;
      this.#running++;
      let running: Promise<ThreadOutcome>;
      try {
        const options = job.transferList === undefined ? undefined : { transferList: job.transferList };
        running = piscina.run(job.call, options) as Promise<ThreadOutcome>;
      } catch (e) {
        running = Promise.reject(e);
      }
      running.then(
        (outcome: ThreadOutcome) => this.#done(job, outcome.ok, outcome.ok ? outcome.value : _rebuildError(outcome.error)),
        (e: unknown) => this.#done(job, false, e instanceof Error ? e : new Error(`the call ${job.call.exportName} failed in its thread: ${describeValue(e)}`)),
      );
    }
  }

  #done(job: Job, success: boolean, result: unknown): void {
    this.#running--;
    try {
      job.onResult(success, result);
    } finally {
      if (this.#running === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      this.#dispatch();
    }
  }

  /** `<ThreadPool name min=… max=… working=… pending=…>`. */
  toString(): string {
    return `<ThreadPool ${this.name} min=${this.min} max=${this.max} working=${this.#running} pending=${this.#queue.length}>`;
  }
}

function checkCount(caller: string, what: string, n: unknown): asserts n is number {
  if (typeof n !== "number") throw new TypeError(`${caller}: ${what} must be a number, got ${describeValue(n)}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${caller}: ${what} must be an integer >= 0, got ${describeValue(n)}`);
}

function checkExportName(exportName: unknown): string {
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(`deferToThread: exportName must be a non-empty string, got ${describeValue(exportName)}`);
  }
  return exportName;
}

/**
 * An absolute path is used as it is; a package name is resolved from the working directory
 * (so that the thread loads the same file), or left for the thread to import (ES-only packages).
 */
function resolveModule(module: unknown): string {
  if (typeof module !== "string" || module === "") {
    throw new TypeError(`deferToThread: module must be an absolute path or a package name, got ${describeValue(module)}`);
  }
  if (path.isAbsolute(module)) return module;
  if (module.startsWith("./") || module.startsWith("../") || module === "." || module === "..") {
    throw new TypeError(
      `deferToThread: module must be an absolute path or a package name, got the relative path ${JSON.stringify(module)} ` +
        "(pass require.resolve(\"./work\") or path.join(__dirname, \"work\"))",
    );
  }
  const cwd = process.cwd();
  const key = `${cwd}\0${module}`;
  let resolved = resolvedPackages.get(key);
  if (resolved === undefined) {
    try {
      resolved = require.resolve(module, { paths: [cwd] });
    } catch {
      return module; // not cached: a package installed later is found then
    }
    resolvedPackages.set(key, resolved);
  }
  return resolved;
}

/** Package names resolved from a working directory (resolving reads the file system); only successes are kept. */
const resolvedPackages = new Map<string, string>();
