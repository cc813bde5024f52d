/**
 * `getProcessOutput`, `getProcessValue` and `getProcessOutputAndValue`, as
 * `twisted.internet.utils`: run a program and get its output or exit code as a Deferred.
 *
 * Unlike `spawnProcess`, these take `args` *without* argv[0] (`getProcessOutput("/bin/echo",
 * ["hi"])`), as Twisted's do. `env` defaults to an empty environment (`null` inherits).
 * @module
 */
import type { Failure } from "../core/failure";
import { NamedError } from "../core/named-error";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import { repr } from "../log";
import { reactor as globalReactor } from "../reactor";
import type { Reactor } from "../reactor/reactor";
import "./process";
import { ProcessProtocol } from "./process-protocol";
import type { ProcessTerminated } from "./errors";

/** Options of the `utils` functions. */
export interface ProcessUtilsOptions {
  /** The child's environment: `undefined` (default) empty, `null` this process's. */
  env?: Record<string, string> | null;
  /** The child's working directory. */
  path?: string;
  /** The reactor to spawn on (default: the global reactor). */
  reactor?: Reactor;
}

/**
 * `getProcessOutput`'s failure when the program wrote to stderr (Twisted's
 * `_UnexpectedErrorOutput`, an `IOError`): the message holds what was written;
 * `processEnded` fails with the process's end reason once it has ended.
 */
export class IOError extends NamedError {
  /** Fails (with the `ProcessDone` / `ProcessTerminated` reason) once the process has ended. */
  readonly processEnded: Deferred<never>;
  constructor(message: string, processEnded: Deferred<never> = new Deferred<never>()) {
    super(message);
    this.processEnded = processEnded;
  }
}

function checkUtilsArgs(caller: string, executable: unknown, args: unknown): asserts executable is string {
  if (typeof executable !== "string" || executable === "") {
    throw new TypeError(`${caller}: executable must be a non-empty string, got ${describeValue(executable)}`);
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw new TypeError(`${caller}: args must be an array of strings (without argv[0]), got ${describeValue(args)}`);
  }
}

function spawn(protocol: ProcessProtocol, executable: string, args: readonly string[], options: ProcessUtilsOptions): void {
  const r = options.reactor ?? globalReactor;
  r.spawnProcess(protocol, executable, [executable, ...args], { env: options.env, path: options.path });
}

/** Collects stdout (and stderr when `errortoo`) for getProcessOutput (Twisted's `_BackRelay`). */
class BackRelay extends ProcessProtocol {
  readonly #chunks: Buffer[] = [];
  #deferred: Deferred<Buffer> | null;
  #onProcessEnded: Deferred<never> | null = null;
  constructor(
    deferred: Deferred<Buffer>,
    private readonly errortoo: boolean,
  ) {
    super();
    this.#deferred = deferred;
  }
  override outReceived(data: Buffer): void {
    this.#chunks.push(data);
  }
  override errReceived(data: Buffer): void {
    if (this.errortoo) {
      this.#chunks.push(data);
      return;
    }
    const d = this.#deferred;
    if (d === null) return;
    this.#deferred = null;
    this.#onProcessEnded = new Deferred<never>();
    d.errback(new IOError(`got stderr: ${repr(data)}`, this.#onProcessEnded));
    this.transport?.loseConnection();
  }
  override processEnded(reason: Failure): void {
    if (this.#deferred !== null) this.#deferred.callback(Buffer.concat(this.#chunks));
    else this.#onProcessEnded?.errback(reason);
  }
}

/**
 * Runs `executable` with `args` (without argv[0]) and fires with what it wrote on stdout once it
 * has ended, whatever its exit code. When it writes to stderr, fails at once with an `IOError`
 * (message: `got stderr: b'…'`) and closes the pipes, unless `errortoo` is true: then stderr is
 * part of the output.
 *
 * @example
 * ```ts
 * const out = await getProcessOutput("/bin/echo", ["hello"], { env: null });  // Buffer "hello\n"
 * ```
 */
export function getProcessOutput(
  executable: string,
  args: readonly string[] = [],
  options: ProcessUtilsOptions & { errortoo?: boolean } = {},
): Deferred<Buffer> {
  checkUtilsArgs("getProcessOutput", executable, args);
  const d = new Deferred<Buffer>();
  spawn(new BackRelay(d, options.errortoo ?? false), executable, args, options);
  return d;
}

class ValueGetter extends ProcessProtocol {
  constructor(private readonly deferred: Deferred<number>) {
    super();
  }
  override processEnded(reason: Failure): void {
    this.deferred.callback((reason.value as ProcessTerminated).exitCode as number);
  }
}

/**
 * Runs `executable` with `args` (without argv[0]) and fires with its exit code once it has
 * ended (`null` when a signal ended it, as Twisted's `None`; 127 when it could not be started).
 */
export function getProcessValue(executable: string, args: readonly string[] = [], options: ProcessUtilsOptions = {}): Deferred<number> {
  checkUtilsArgs("getProcessValue", executable, args);
  const d = new Deferred<number>();
  spawn(new ValueGetter(d), executable, args, options);
  return d;
}

class EverythingGetter extends ProcessProtocol {
  readonly #out: Buffer[] = [];
  readonly #err: Buffer[] = [];
  constructor(
    private readonly deferred: Deferred<[Buffer, Buffer, number]>,
    private readonly stdinBytes: Buffer | string | undefined,
  ) {
    super();
  }
  override connectionMade(): void {
    if (this.stdinBytes !== undefined) {
      this.transport?.writeToChild(0, this.stdinBytes);
      this.transport?.closeStdin();
    }
  }
  override outReceived(data: Buffer): void {
    this.#out.push(data);
  }
  override errReceived(data: Buffer): void {
    this.#err.push(data);
  }
  override processEnded(reason: Failure): void {
    const e = reason.value as ProcessTerminated;
    const out = Buffer.concat(this.#out);
    const err = Buffer.concat(this.#err);
    if (e.signal) this.deferred.errback([out, err, e.signal]);
    else this.deferred.callback([out, err, e.exitCode as number]);
  }
}

/**
 * Runs `executable` with `args` (without argv[0]) and fires with `[stdout, stderr, exitCode]`
 * once it has ended. When a signal ended it, fails with the value `[stdout, stderr, signalName]`
 * (as Twisted). `stdinBytes`, when given, is written to its stdin, which is then closed.
 */
export function getProcessOutputAndValue(
  executable: string,
  args: readonly string[] = [],
  options: ProcessUtilsOptions & { stdinBytes?: Buffer | string } = {},
): Deferred<[Buffer, Buffer, number]> {
  checkUtilsArgs("getProcessOutputAndValue", executable, args);
  const d = new Deferred<[Buffer, Buffer, number]>();
  spawn(new EverythingGetter(d, options.stdinBytes), executable, args, options);
  return d;
}
