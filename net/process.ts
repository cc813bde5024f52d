/**
 * Child processes on node:child_process, as `twisted.internet.process.Process`:
 * `reactor.spawnProcess`.
 *
 * The protocol hears, in Node's delivery order: `childDataReceived` for each chunk a pipe
 * delivers, `childConnectionLost(fd)` once per pipe, `processExited` once when the child exits,
 * and `processEnded` once when it has exited and every pipe is closed (the last call).
 * `reactor.stop()` closes the pipes of the processes still running; it does not kill them.
 * @module
 */
import * as childProcess from "node:child_process";
import { constants as osConstants } from "node:os";
import { Failure } from "../core/failure";
import { className, describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import { err } from "../log";
import { Reactor } from "../reactor/reactor";
import { installReactorMethod } from "./reactor-method";
import { ProcessDone, ProcessExitedAlready, ProcessTerminated, withoutStack } from "./errors";
import { toBytes } from "./bytes";
import type { Data } from "./interfaces";
import { _registerForShutdown, _unregisterForShutdown } from "./io-shutdown";
import { ProcessAddress, type IProcessTransport, type ProcessProtocol, type ProcessSignal } from "./process-protocol";

/** Options of `reactor.spawnProcess`. */
export interface SpawnOptions {
  /**
   * The child's environment. `undefined` (the default): an empty environment, as Twisted on
   * POSIX; `null`: this process's `process.env`.
   */
  env?: Record<string, string> | null;
  /** The child's working directory (default: this process's). */
  path?: string;
  /**
   * The child's file descriptors: `"w"` a pipe the parent writes to, `"r"` a pipe the parent
   * reads from, a number: that descriptor of the parent. Default `{ 0: "w", 1: "r", 2: "r" }`.
   * Descriptors not listed are not opened (0-2 are opened on /dev/null).
   */
  childFDs?: Record<number, "r" | "w" | number>;
  /** Run the child as this user id (needs the privilege to). */
  uid?: number;
  /** Run the child as this group id (needs the privilege to). */
  gid?: number;
}

/** `reactor.spawnProcess` (Twisted's IReactorProcess). */
export interface IReactorProcess {
  /**
   * Starts `executable` with the argv `args` (argv[0] included; default `[executable]`) and
   * connects `protocol` to it. A child that cannot be started ends with `ProcessTerminated`
   * (exit code 127, `cause` the error).
   * @throws TypeError for a bad argument.
   */
  spawnProcess(protocol: ProcessProtocol, executable: string, args?: readonly string[], options?: SpawnOptions): IProcessTransport;
}

type Pipe = NodeJS.ReadableStream & NodeJS.WritableStream & { destroy(): void; resume(): unknown; end(): unknown };

const DEFAULT_CHILD_FDS: Record<number, "r" | "w" | number> = { 0: "w", 1: "r", 2: "r" };

/** The exit code reported when the executable could not be started (as a shell reports it). */
const CANNOT_EXECUTE = 127;

/**
 * A running child process: the transport of a {@link ProcessProtocol}
 * (Twisted's `process.Process`). Every method works when passed as a value.
 */
export class Process implements IProcessTransport {
  /** The reactor that spawned it. */
  readonly reactor: Reactor;
  /** The protocol; null once `processEnded` was called. */
  proto: ProcessProtocol | null;
  /** The raw wait status once it exited (`code << 8`, or the signal's number); null before. */
  status: number | null = null;
  #pid: number | null;
  readonly #child: childProcess.ChildProcess | null;
  /** The open pipes by child fd, and whether the parent writes ("w") or reads ("r") them. */
  readonly #pipes = new Map<number, { stream: Pipe; mode: "r" | "w" }>();
  /** Every pipe opened, open or closed: writes to a closed one are ignored, not errors. */
  readonly #opened = new Map<number, "r" | "w">();
  #reason: Error | null = null;

  /** @internal Use `reactor.spawnProcess`. */
  constructor(
    reactor: Reactor,
    protocol: ProcessProtocol,
    executable: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    cwd: string | undefined,
    childFDs: Record<number, "r" | "w" | number>,
    ids: { uid?: number; gid?: number } = {},
  ) {
    this.reactor = reactor;
    this.proto = protocol;
    const fds = Object.keys(childFDs).map(Number);
    const stdio: childProcess.StdioOptions = [];
    for (let fd = 0; fd <= Math.max(2, ...fds); fd++) {
      const spec = childFDs[fd];
      stdio.push(spec === undefined ? "ignore" : typeof spec === "number" ? spec : "pipe");
    }
    let child: childProcess.ChildProcess;
    try {
      child = childProcess.spawn(executable, args.slice(1), { argv0: args[0], env, cwd, stdio, ...ids });
    } catch (e) {
      // Node reports most spawn failures asynchronously; a synchronous one (a cwd that is not a
      // string, EMFILE, …) is reported the same way: the process ends with exit code 127.
      this.#pid = null;
      this.#child = null;
      queueMicrotask(() => this.#onSpawnError(e as Error));
      this.#connect();
      return;
    }
    this.#child = child;
    this.#pid = child.pid ?? null;
    for (const fd of fds) {
      const spec = childFDs[fd];
      const stream = child.stdio[fd] as Pipe | null | undefined;
      if (typeof spec === "number" || stream === null || stream === undefined) continue;
      this.#pipes.set(fd, { stream, mode: spec });
      this.#opened.set(fd, spec);
      this.#watchPipe(fd, stream, spec);
    }
    child.on("exit", (code: number | null, signal: NodeJS.Signals | null) => {
      // Made without a stack trace: it would show only Node's frames.
      if (signal !== null) {
        const status = (this.status = osConstants.signals[signal] ?? 0);
        this.#exited(withoutStack(() => new ProcessTerminated(null, signal, status)));
      } else {
        const status = (this.status = (code ?? 0) << 8);
        this.#exited(withoutStack(() => (code === 0 ? new ProcessDone(status) : new ProcessTerminated(code, null, status))));
      }
    });
    child.on("error", (e: Error) => {
      if (this.#reason === null && child.pid === undefined) this.#onSpawnError(e);
      else err(e, `Error in process ${this.#pid ?? "(ended)"}:`);
    });
    _registerForShutdown(reactor, this);
    this.#connect();
  }

  #connect(): void {
    try {
      this.proto?.makeConnection(this);
    } catch (e) {
      err(e, "unexpected error in connectionMade of a process protocol");
    }
  }

  #onSpawnError(e: Error): void {
    this.#pid = null;
    this.#exited(new ProcessTerminated(CANNOT_EXECUTE, null, { cause: e, status: CANNOT_EXECUTE << 8 }));
  }

  #watchPipe(fd: number, stream: Pipe, mode: "r" | "w"): void {
    // EPIPE and resets: the pipe closes, which is what the protocol hears.
    stream.on("error", () => undefined);
    stream.on("close", () => this.#pipeClosed(fd));
    if (mode === "r") {
      stream.on("data", (data: Buffer) => {
        const proto = this.proto;
        if (proto === null) return;
        try {
          proto.childDataReceived(fd, data);
        } catch (e) {
          // As Twisted: logged, and that pipe is closed.
          err(e, `unexpected error in childDataReceived(${fd}) of ${className(proto)}`);
          this.closeChildFD(fd);
        }
      });
    } else if (fd > 2) {
      // A duplex pipe the parent only writes: read it so that the child closing it is seen.
      stream.resume();
    }
  }

  #pipeClosed(fd: number): void {
    if (!this.#pipes.delete(fd)) return;
    const proto = this.proto;
    if (proto !== null) {
      try {
        proto.childConnectionLost(fd);
      } catch (e) {
        err(e, `unexpected error in childConnectionLost(${fd})`);
      }
    }
    if (this.#pipes.size === 0) for (const d of this.#pipesClosedWaiters.splice(0)) d.callback(undefined);
    this.#maybeEnded();
  }

  #exited(reason: Error): void {
    if (this.#reason !== null) return;
    this.#reason = reason;
    this.#pid = null;
    const proto = this.proto;
    if (proto !== null) {
      try {
        proto.processExited(new Failure(reason));
      } catch (e) {
        err(e, "unexpected error in processExited");
      }
    }
    this.#maybeEnded();
  }

  #maybeEnded(): void {
    if (this.#reason === null || this.#pipes.size > 0) return;
    const proto = this.proto;
    if (proto === null) return;
    this.proto = null;
    _unregisterForShutdown(this.reactor, this);
    try {
      proto.processEnded(new Failure(this.#reason));
    } catch (e) {
      err(e, "unexpected error in processEnded");
    }
  }

  readonly #pipesClosedWaiters: Deferred<void>[] = [];

  /** The child's process id; null once it has exited (or when it could not be started). */
  get pid(): number | null {
    return this.#pid;
  }

  /** Writes to the child's stdin. Ignored once stdin is closed. */
  readonly write = (data: Data): void => {
    this.writeToChild(0, data);
  };

  /** Writes each item to the child's stdin. */
  readonly writeSequence = (seq: Iterable<Data>): void => {
    for (const d of seq) this.writeToChild(0, d);
  };

  /**
   * Writes to the child's fd `childFD`, a `"w"` pipe. Ignored once that pipe is closed.
   * @throws RangeError when `childFD` was not opened as a `"w"` pipe.
   */
  readonly writeToChild = (childFD: number, data: Data): void => {
    const buf = toBytes(data, "write: data");
    const pipe = this.#pipes.get(childFD);
    if (pipe === undefined) {
      if (this.#reason !== null || this.#wasPipe(childFD, "w")) return; // closed: ignored
      throw new RangeError(`writeToChild: childFD ${describeValue(childFD)} is not a pipe the parent writes to`);
    }
    if (pipe.mode !== "w") throw new RangeError(`writeToChild: childFD ${childFD} is a pipe the parent reads from`);
    pipe.stream.write(buf);
  };

  #wasPipe(fd: number, mode: "r" | "w"): boolean {
    return this.#opened.get(fd) === mode;
  }

  /** Closes the child's stdin once what was written is flushed. */
  readonly closeStdin = (): void => this.closeChildFD(0);
  /** Closes the pipe of the child's stdout (what it writes there is lost). */
  readonly closeStdout = (): void => this.closeChildFD(1);
  /** Closes the pipe of the child's stderr. */
  readonly closeStderr = (): void => this.closeChildFD(2);

  /** Closes the pipe of `childFD` (a writer after flushing). Ignored when it is not open. */
  readonly closeChildFD = (childFD: number): void => {
    const pipe = this.#pipes.get(childFD);
    if (pipe === undefined) return;
    if (pipe.mode === "w") {
      const stream = pipe.stream;
      stream.end();
      stream.once("finish", () => stream.destroy());
    } else {
      pipe.stream.destroy();
    }
  };

  /** Closes every pipe: stdin (after flushing), stderr, stdout, the others. Does not kill. */
  readonly loseConnection = (): void => {
    this.closeStdin();
    this.closeStderr();
    this.closeStdout();
    for (const fd of [...this.#pipes.keys()]) this.closeChildFD(fd);
  };

  /**
   * Sends `signal` to the child: `"KILL"`, `"TERM"`, `"INT"`, `"HUP"` (or any name, with or
   * without `SIG`), or a number.
   * @throws ProcessExitedAlready when the child has exited; TypeError for an unknown signal.
   */
  readonly signalProcess = (signal: ProcessSignal): void => {
    let sig: NodeJS.Signals | number;
    if (typeof signal === "number") {
      if (!Number.isInteger(signal) || signal < 0) throw new TypeError(`signalProcess: bad signal ${describeValue(signal)}`);
      sig = signal;
    } else if (typeof signal === "string") {
      const name = (signal.startsWith("SIG") ? signal : `SIG${signal}`) as NodeJS.Signals;
      if (!(name in osConstants.signals)) throw new TypeError(`signalProcess: unknown signal ${describeValue(signal)}`);
      sig = name;
    } else {
      throw new TypeError(`signalProcess: signal must be a name or a number, got ${describeValue(signal)}`);
    }
    if (this.#pid === null) throw new ProcessExitedAlready();
    try {
      process.kill(this.#pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ESRCH") throw new ProcessExitedAlready();
      throw e;
    }
  };

  /** Stops reading the child's output pipes (no `childDataReceived` until resumed). */
  readonly pauseProducing = (): void => {
    for (const { stream, mode } of this.#pipes.values()) if (mode === "r") stream.pause();
  };

  /** Reads the child's output pipes again after `pauseProducing()`. */
  readonly resumeProducing = (): void => {
    for (const { stream, mode } of this.#pipes.values()) if (mode === "r") stream.resume();
  };

  /** Closes every pipe, as `loseConnection()`. */
  readonly stopProducing = (): void => this.loseConnection();

  /** A process has no address. */
  readonly getPeer = (): ProcessAddress => new ProcessAddress();
  /** A process has no address. */
  readonly getHost = (): ProcessAddress => new ProcessAddress();

  /**
   * @internal Called by reactor.stop(): closes the pipes; fires once they are closed (the
   * protocol has heard of each). A child still running is not killed nor waited for: it no
   * longer keeps Node alive.
   */
  closeForShutdown(): Deferred<void> | void {
    if (this.proto === null) return;
    if (this.#reason === null) this.#child?.unref();
    if (this.#pipes.size === 0) return;
    const d = new Deferred<void>();
    this.#pipesClosedWaiters.push(d);
    this.loseConnection();
    return d;
  }

  /** `<Process pid=… status=…>`, as Twisted's repr. */
  toString(): string {
    return `<Process pid=${this.#pid ?? "None"} status=${this.status ?? "None"}>`;
  }
}

function checkSpawnArgs(
  protocol: unknown,
  executable: unknown,
  args: unknown,
  options: SpawnOptions | undefined,
): asserts executable is string {
  const p = protocol as Partial<ProcessProtocol> | null;
  if (typeof p !== "object" || p === null || typeof p.makeConnection !== "function" || typeof p.processEnded !== "function") {
    throw new TypeError(`spawnProcess: protocol must be a ProcessProtocol, got ${describeValue(protocol)}`);
  }
  if (typeof executable !== "string" || executable === "") {
    throw new TypeError(`spawnProcess: executable must be a non-empty string, got ${describeValue(executable)}`);
  }
  if (args !== undefined && (!Array.isArray(args) || !args.every((a) => typeof a === "string"))) {
    throw new TypeError(`spawnProcess: args must be an array of strings (argv, argv[0] included), got ${describeValue(args)}`);
  }
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`spawnProcess: options must be an object, got ${describeValue(options)}`);
  }
  const env = options.env;
  if (env !== undefined && env !== null) {
    if (typeof env !== "object") throw new TypeError(`spawnProcess: env must be an object or null, got ${describeValue(env)}`);
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== "string") throw new TypeError(`spawnProcess: env[${JSON.stringify(k)}] must be a string, got ${describeValue(v)}`);
    }
  }
  for (const id of ["uid", "gid"] as const) {
    const v = options[id];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
      throw new TypeError(`spawnProcess: ${id} must be an integer >= 0, got ${describeValue(v)}`);
    }
  }
  if (options.path !== undefined && typeof options.path !== "string") {
    throw new TypeError(`spawnProcess: path must be a string, got ${describeValue(options.path)}`);
  }
  const fds = options.childFDs;
  if (fds !== undefined) {
    if (typeof fds !== "object" || fds === null) throw new TypeError(`spawnProcess: childFDs must be an object, got ${describeValue(fds)}`);
    for (const [k, v] of Object.entries(fds)) {
      const fd = Number(k);
      if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`spawnProcess: childFDs key ${JSON.stringify(k)} is not a descriptor`);
      if (v !== "r" && v !== "w" && !(typeof v === "number" && Number.isInteger(v) && v >= 0)) {
        throw new TypeError(`spawnProcess: childFDs[${k}] must be "r", "w" or a descriptor number, got ${describeValue(v)}`);
      }
    }
  }
}

declare module "../reactor/reactor" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds the method
  interface Reactor extends IReactorProcess {}
}

installReactorMethod("spawnProcess", function spawnProcess(
  this: Reactor,
  protocol: ProcessProtocol,
  executable: string,
  args?: readonly string[],
  options?: SpawnOptions,
): IProcessTransport {
  checkSpawnArgs(protocol, executable, args, options);
  const env = options?.env === undefined ? {} : options.env === null ? process.env : { ...options.env };
  const ids = { ...(options?.uid !== undefined ? { uid: options.uid } : {}), ...(options?.gid !== undefined ? { gid: options.gid } : {}) };
  return new Process(this, protocol, executable, args ?? [executable], env, options?.path, options?.childFDs ?? DEFAULT_CHILD_FDS, ids);
});
