/**
 * `ProcessProtocol` and the process transport's interface, as `twisted.internet.protocol`'s
 * `ProcessProtocol` and `interfaces.IProcessTransport`.
 * @module
 */
import type { Failure } from "../core/failure";
import type { UNIXAddress } from "./address";
import type { Data, ITransport } from "./interfaces";
import { BaseProtocol } from "./protocol";

/** A signal `signalProcess` takes: a name (with or without `SIG`) or a number. */
export type ProcessSignal = "KILL" | "TERM" | "INT" | "HUP" | "STOP" | "CONT" | "USR1" | "USR2" | NodeJS.Signals | number;

/**
 * The transport of a {@link ProcessProtocol}: the running child process and its pipes.
 * Created by `reactor.spawnProcess`.
 */
export interface IProcessTransport extends ITransport {
  /** The child's process id; null once it has exited (or when it could not be started). */
  readonly pid: number | null;
  /** Writes to the child's stdin (fd 0). */
  write(data: Data): void;
  /** Writes to the child's fd `childFD` (one opened with `"w"` in `childFDs`). */
  writeToChild(childFD: number, data: Data): void;
  /** Closes the child's stdin (after what was written has been flushed). */
  closeStdin(): void;
  /** Closes the pipe of the child's stdout. */
  closeStdout(): void;
  /** Closes the pipe of the child's stderr. */
  closeStderr(): void;
  /** Closes the pipe of the child's fd `childFD`. */
  closeChildFD(childFD: number): void;
  /** Closes every pipe (stdin, stderr, stdout); the process is not killed. */
  loseConnection(): void;
  /** Stops reading the child's output (a push producer's pause). */
  pauseProducing(): void;
  /** Reads the child's output again. */
  resumeProducing(): void;
  /** Closes every pipe. */
  stopProducing(): void;
  /** Sends a signal to the child. @throws ProcessExitedAlready once it has exited. */
  signalProcess(signal: ProcessSignal): void;
  /** A process has no network address: an unnamed UNIXAddress-shaped {@link ProcessAddress}. */
  getPeer(): ProcessAddress;
  getHost(): ProcessAddress;
}

/** The "address" of a process transport (Twisted's `_ProcessAddress`): it has none. */
export class ProcessAddress implements Pick<UNIXAddress, "name" | "equals"> {
  /** Always null. */
  readonly name: null = null;
  /** True for another ProcessAddress. */
  equals(other: unknown): boolean {
    return other instanceof ProcessAddress;
  }
  /** `ProcessAddress()`. */
  toString(): string {
    return "ProcessAddress()";
  }
}

/**
 * The protocol of a child process: receives what the child writes (`outReceived` for stdout,
 * `errReceived` for stderr, or `childDataReceived` for any fd), hears when each pipe closes,
 * then `processExited` (the child exited) and `processEnded` (it exited and every pipe is
 * closed: the last call). Each of these two is called exactly once.
 *
 * @example
 * ```ts
 * class Collect extends ProcessProtocol {
 *   out: Buffer[] = [];
 *   override outReceived(data: Buffer): void { this.out.push(data); }
 *   override processEnded(reason: Failure): void {
 *     console.log(Buffer.concat(this.out).toString(), reason.value);
 *   }
 * }
 * reactor.spawnProcess(new Collect(), "/bin/echo", ["echo", "hi"], { env: null });
 * ```
 */
export class ProcessProtocol extends BaseProtocol {
  /** The process transport, once spawned. */
  declare transport: IProcessTransport | null;

  /** Data the child wrote on `childFD`: by default 1 goes to `outReceived`, 2 to `errReceived`. */
  childDataReceived(childFD: number, data: Buffer): void {
    if (childFD === 1) this.outReceived(data);
    else if (childFD === 2) this.errReceived(data);
  }

  /** Data the child wrote on stdout. Does nothing by default. */
  outReceived(_data: Buffer): void {}

  /** Data the child wrote on stderr. Does nothing by default. */
  errReceived(_data: Buffer): void {}

  /** The pipe of `childFD` closed: by default 0, 1, 2 go to `in`/`out`/`errConnectionLost`. */
  childConnectionLost(childFD: number): void {
    if (childFD === 0) this.inConnectionLost();
    else if (childFD === 1) this.outConnectionLost();
    else if (childFD === 2) this.errConnectionLost();
  }

  /** The child's stdin was closed. Does nothing by default. */
  inConnectionLost(): void {}

  /** The child's stdout was closed. Does nothing by default. */
  outConnectionLost(): void {}

  /** The child's stderr was closed. Does nothing by default. */
  errConnectionLost(): void {}

  /**
   * The child exited (its pipes may still be open): `reason` is a Failure of `ProcessDone`
   * (exit code 0) or `ProcessTerminated` (`exitCode` or `signal`). Does nothing by default.
   */
  processExited(_reason: Failure): void {}

  /**
   * The child exited and every pipe is closed: the last call, with the same reason as
   * `processExited`. Does nothing by default.
   */
  processEnded(_reason: Failure): void {}
}
