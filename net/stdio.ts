/**
 * `StandardIO`, as `twisted.internet.stdio.StandardIO`: a protocol connected to this process's
 * standard input and output (or any readable and writable stream pair), for command-line
 * programs that speak a protocol to a terminal or a pipe.
 * @module
 */
import type { Readable, Writable } from "node:stream";
import { Failure } from "../core/failure";
import { describeValue } from "../core/validate";
import { err } from "../log";
import { reactor as globalReactor } from "../reactor";
import type { Reactor } from "../reactor/reactor";
import type { Address } from "./address";
import { ConnectionDone, ConnectionLost } from "./errors";
import type { Data, IConsumer, IProducer, IProtocol, IPushProducer, ITransport } from "./interfaces";
import { toBytes } from "./bytes";
import { stopProducerOnLoss, watchResult } from "./protocol-calls";
import { track, untrack } from "./registry";

/** The address of either end of a pipe (Twisted's `PipeAddress`). */
export class PipeAddress {
  /** True for another PipeAddress. */
  equals(other: unknown): boolean {
    return other instanceof PipeAddress;
  }
  /** `PipeAddress()`. */
  toString(): string {
    return "PipeAddress()";
  }
}

/** Options of {@link StandardIO}. */
export interface StandardIOOptions {
  /** What is read (default `process.stdin`). */
  stdin?: Readable;
  /** Where writes go (default `process.stdout`). */
  stdout?: Writable;
  /** The reactor whose `stop()` closes it (default: the global reactor). */
  reactor?: Reactor;
}

/** What is left listening for a stream's errors once its StandardIO is closed. */
function ignoreError(): void {}

/**
 * Connects `protocol` to standard input and output: what arrives on stdin goes to
 * `dataReceived`, `transport.write` writes to stdout. The protocol's `makeConnection` runs in the
 * constructor, as Twisted's. When stdin ends, an IHalfCloseableProtocol gets
 * `readConnectionLost()` (and may keep writing); any other protocol loses the connection:
 * `connectionLost(ConnectionDone)`. `loseConnection()` flushes and ends stdout and stops reading;
 * `connectionLost` follows once written. The transport is a consumer (a push producer is paused
 * while stdout is past its high-water mark) and a push producer (pausing stops reading stdin).
 * Reading stops for good at the end, so a program waiting only on stdin can exit.
 *
 * @example
 * ```ts
 * class Echo extends LineReceiver {
 *   override delimiter = Buffer.from("\n");
 *   override lineReceived(line: Buffer): void {
 *     this.sendLine(line);
 *   }
 * }
 * new StandardIO(new Echo());
 * ```
 * @throws TypeError when `protocol` has no `makeConnection`.
 */
export class StandardIO implements ITransport, IConsumer, IPushProducer {
  /** The reactor whose `stop()` closes this transport. */
  readonly reactor: Reactor;
  /** The protocol connected. */
  readonly protocol: IProtocol;
  /** True once `loseConnection()` was called. */
  disconnecting = false;
  /** True once the protocol was told the connection is lost. */
  disconnected = false;
  readonly #stdin: Readable;
  readonly #stdout: Writable;
  #reading = true;
  #writeClosed = false;
  #producer: IProducer | null = null;
  #streaming = false;
  #producerPaused = false;
  #pullScheduled = false;
  /** The write side is being ended (`#endWriting`), or has been (`#writeFinished`). */
  #ending = false;
  #writeFinished = false;
  #endWaiters: Array<() => void> = [];

  constructor(protocol: IProtocol, options: StandardIOOptions = {}) {
    if (protocol === null || typeof protocol !== "object" || typeof protocol.makeConnection !== "function") {
      throw new TypeError(`StandardIO: protocol must be a protocol instance, got ${describeValue(protocol)}`);
    }
    this.protocol = protocol;
    this.reactor = options.reactor ?? globalReactor;
    this.#stdin = options.stdin ?? process.stdin;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stdin.on("data", this.#onData);
    this.#stdin.on("end", this.#onEnd);
    this.#stdin.on("error", this.#onReadError);
    this.#stdout.on("drain", this.#onDrain);
    this.#stdout.on("error", this.#onWriteError);
    track(this.reactor, this);
    try {
      watchResult(protocol.makeConnection(this), "Unhandled error from connectionMade:");
    } catch (e) {
      // As Twisted's, the exception leaves the constructor; nothing is left reading or tracked.
      this.#lost(new Failure(e));
      throw e;
    }
  }

  // --- ITransport --------------------------------------------------------------------------

  /** Writes to stdout (a string as UTF-8). Ignored once the write side is closed. */
  readonly write = (data: Data): void => {
    const bytes = toBytes(data, "StandardIO.write: data");
    if (this.#writeClosed) return;
    const ok = this.#stdout.write(bytes);
    if (this.#producer === null) return;
    if (this.#streaming) {
      if (!ok && !this.#producerPaused) {
        this.#producerPaused = true;
        (this.#producer as IPushProducer).pauseProducing();
      }
    } else if (ok) {
      this.#schedulePull(); // below the high-water mark no 'drain' comes: ask again next turn
    }
  };

  /** Writes each item in turn. */
  readonly writeSequence = (data: Iterable<Data>): void => {
    const parts: Buffer[] = [];
    for (const d of data) parts.push(toBytes(d, "StandardIO.writeSequence: data"));
    this.write(Buffer.concat(parts));
  };

  /**
   * Stops reading, ends stdout once written, then `connectionLost(ConnectionDone)`. A registered
   * pull producer keeps it open until unregistered, a push producer while it is paused (as a
   * Twisted transport's `loseConnection`).
   */
  readonly loseConnection = (): void => {
    if (this.disconnecting || this.disconnected) return;
    this.disconnecting = true;
    this.#stopReading();
    this.#closeIfNotHeld();
  };

  /** Ends stdout (once written) and keeps reading: the half-close. */
  readonly loseWriteConnection = (): void => {
    if (this.#writeClosed || this.disconnected) return;
    this.#endWriting(() => {
      const p = this.protocol as { writeConnectionLost?: () => unknown };
      if (typeof p.writeConnectionLost === "function" && !this.disconnected) {
        try {
          watchResult(p.writeConnectionLost(), "Unhandled error from writeConnectionLost:");
        } catch (e) {
          // As Twisted's _writeConnectionLost: logged, then the connection is lost.
          err(e, "Unhandled error in StandardIO's protocol.writeConnectionLost:");
          this.#lost(new Failure(e));
        }
      }
    });
  };

  /** A {@link PipeAddress}. */
  readonly getPeer = (): Address => new PipeAddress() as unknown as Address;

  /** A {@link PipeAddress}. */
  readonly getHost = (): Address => new PipeAddress() as unknown as Address;

  // --- IConsumer ---------------------------------------------------------------------------

  /**
   * Registers a producer: a push one is paused while stdout is past its high-water mark; a pull
   * one is asked for data now and each time stdout drains.
   * @throws Error when one is registered already.
   */
  readonly registerProducer = (producer: IProducer, streaming: boolean): void => {
    if (this.#producer !== null) throw new Error("StandardIO.registerProducer: a producer is already registered");
    if (this.disconnected) {
      producer.stopProducing();
      return;
    }
    this.#producer = producer;
    this.#streaming = Boolean(streaming);
    this.#producerPaused = false;
    if (!this.#streaming) (producer as IPushProducer).resumeProducing();
  };

  /** Unregisters the producer; a `loseConnection()` it was holding goes ahead. */
  readonly unregisterProducer = (): void => {
    this.#producer = null;
    this.#producerPaused = false;
    this.#closeIfNotHeld();
  };

  // --- IPushProducer -----------------------------------------------------------------------

  /** Stops reading stdin until `resumeProducing()`. */
  readonly pauseProducing = (): void => {
    if (this.#reading) this.#stdin.pause();
  };

  /** Reads stdin again. */
  readonly resumeProducing = (): void => {
    if (this.#reading) this.#stdin.resume();
  };

  /** The same as `loseConnection()`. */
  readonly stopProducing = (): void => this.loseConnection();

  /** Closes for the reactor's shutdown: `connectionLost(ConnectionLost)`. @internal */
  _closeForShutdown(): void {
    if (this.disconnected) return;
    this.#lost(new Failure(new ConnectionLost("the reactor stopped")));
  }

  toString(): string {
    return "<StandardIO>";
  }

  // --- internals ---------------------------------------------------------------------------

  readonly #onData = (chunk: Buffer | string): void => {
    if (!this.#reading || this.disconnected) return;
    try {
      watchResult(this.protocol.dataReceived(typeof chunk === "string" ? Buffer.from(chunk) : chunk), "Unhandled error from dataReceived:");
    } catch (e) {
      err(e, "Unhandled error in StandardIO's protocol.dataReceived:");
      this.#lost(new Failure(e));
    }
  };

  readonly #onEnd = (): void => {
    if (!this.#reading || this.disconnected) return;
    this.#stopReading();
    const p = this.protocol as { readConnectionLost?: () => unknown };
    if (typeof p.readConnectionLost === "function" && !this.disconnecting) {
      try {
        watchResult(p.readConnectionLost(), "Unhandled error from readConnectionLost:");
      } catch (e) {
        // As Twisted's _readConnectionLost: logged, then the connection is lost.
        err(e, "Unhandled error in StandardIO's protocol.readConnectionLost:");
        this.#lost(new Failure(e));
      }
      return;
    }
    // Not half-closeable: the end of input ends the connection, as Twisted's.
    this.#lost(new Failure(new ConnectionDone()));
  };

  readonly #onReadError = (e: Error): void => {
    this.#lost(new Failure(new ConnectionLost(`reading stdin failed: ${e.message}`, { cause: e })));
  };

  readonly #onWriteError = (e: Error): void => {
    this.#lost(new Failure(new ConnectionLost(`writing stdout failed: ${e.message}`, { cause: e })));
  };

  readonly #onDrain = (): void => {
    const producer = this.#producer;
    if (producer === null || this.disconnected) return;
    if (!this.#streaming) this.#schedulePull();
    else if (this.#producerPaused) {
      this.#producerPaused = false;
      (producer as IPushProducer).resumeProducing();
      this.#closeIfNotHeld();
    }
  };

  /** Asks a pull producer for more on the next turn (once however many writes ask). */
  #schedulePull(): void {
    if (this.#pullScheduled) return;
    this.#pullScheduled = true;
    setImmediate(() => {
      this.#pullScheduled = false;
      const producer = this.#producer;
      if (producer === null || this.#streaming || this.disconnected || this.#writeClosed) return;
      if ((this.#stdout as { writableNeedDrain?: boolean }).writableNeedDrain === true) return; // 'drain' asks
      try {
        (producer as IPushProducer).resumeProducing();
      } catch (e) {
        err(e, "Unhandled error from the producer's resumeProducing:");
      }
    });
  }

  /** Ends the connection for a pending `loseConnection()` unless a producer holds it open. */
  #closeIfNotHeld(): void {
    if (!this.disconnecting || this.disconnected) return;
    const producer = this.#producer;
    if (producer !== null && (!this.#streaming || this.#producerPaused)) return;
    this.#endWriting(() => this.#lost(new Failure(new ConnectionDone())));
  }

  /** Stops reading stdin for good (it no longer keeps the process alive). */
  #stopReading(): void {
    if (!this.#reading) return;
    this.#reading = false;
    this.#stdin.off("data", this.#onData);
    this.#stdin.pause();
  }

  /** Ends the write side once everything written is flushed, then calls `done` (each caller's). */
  #endWriting(done: () => void): void {
    if (this.#writeFinished || (this.#writeClosed && !this.#ending)) {
      done();
      return;
    }
    this.#endWaiters.push(done);
    if (this.#ending) return;
    this.#ending = true;
    this.#writeClosed = true;
    const finished = (): void => {
      this.#writeFinished = true;
      for (const f of this.#endWaiters.splice(0)) f();
    };
    const out = this.#stdout;
    // process.stdout and process.stderr cannot be ended; wait for what is written to go out.
    if (out === process.stdout || out === process.stderr) out.write("", finished);
    else out.end(finished);
  }

  /** Ends it all (once): nothing more is read or written, the protocol gets `connectionLost(reason)`. */
  #lost(reason: Failure): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.#writeClosed = true;
    untrack(this.reactor, this);
    this.#stopReading();
    this.#stdin.off("end", this.#onEnd);
    this.#stdout.off("drain", this.#onDrain);
    // Errors after the close (EPIPE on a closed pipe) are of no interest, but an 'error' with no
    // listener would throw: one shared listener stays instead of this transport's.
    for (const [stream, listener] of [
      [this.#stdin, this.#onReadError],
      [this.#stdout, this.#onWriteError],
    ] as const) {
      stream.off("error", listener);
      if (!stream.listeners("error").includes(ignoreError)) stream.on("error", ignoreError);
    }
    const producer = this.#producer;
    this.#producer = null;
    stopProducerOnLoss(producer);
    (this.protocol as { connected?: boolean }).connected = false;
    try {
      watchResult(this.protocol.connectionLost(reason), "Unhandled error from connectionLost:");
    } catch (e) {
      err(e, "Unhandled error in StandardIO's protocol.connectionLost:");
    }
  }
}
