/**
 * `FileSender`, as `twisted.protocols.basic.FileSender`.
 * @module
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import type { IConsumer, IProducer } from "../net/interfaces";

const EMPTY = Buffer.alloc(0);

/**
 * Streams a Readable (or the file at a path) to a consumer, as a non-streaming (pull) producer:
 * each `resumeProducing()` call from the consumer writes the next chunk of at most `CHUNK_SIZE`
 * bytes (through `transform` when given). When data is not there yet, the chunk is written as
 * soon as the stream has it (the stream is read asynchronously, never blocking). As in Twisted,
 * the transfer finishes on the `resumeProducing()` that finds the source exhausted: at once for
 * a stream whose end is already buffered, on its 'end' event otherwise. A {@link FileLike}
 * (an object with a synchronous `read(size)`, as a Python file) is read synchronously.
 *
 * The Deferred of `beginFileTransfer` fires with the last byte written (a 1-byte Buffer, after
 * `transform`), or an empty Buffer for an empty source, once the source has ended and the
 * producer is unregistered; it fails with the stream's error (a path that cannot be opened,
 * a read error), or when the consumer calls `stopProducing()` (an aborted transfer).
 *
 * @example
 * ```ts
 * new FileSender().beginFileTransfer("/var/log/syslog", transport)
 *   .addCallback(() => transport.loseConnection());
 * ```
 */
export class FileSender implements IProducer {
  /** The largest chunk written per `resumeProducing()`, in bytes. */
  static CHUNK_SIZE = 2 ** 14;
  /** Set on an instance to override the class's `CHUNK_SIZE` for this sender (as Twisted allows). */
  declare CHUNK_SIZE?: number;
  /** The last byte sent so far (empty before any). */
  lastSent: Buffer = EMPTY;
  /** The Deferred of the transfer in progress, null once it has fired. */
  deferred: Deferred<Buffer | undefined> | null = null;
  /** The stream being sent, null once it is done. */
  file: Readable | FileLike | null = null;
  /** The consumer written to. */
  consumer: IConsumer | null = null;
  /** The transform applied to each chunk, if any. */
  transform: ((chunk: Buffer) => Buffer) | undefined = undefined;
  #pending: Buffer = EMPTY;
  #ended = false;
  #waiting = false;
  #ownsFile = false;
  #sync = false; // file is a FileLike: read synchronously, as Twisted reads a Python file

  /**
   * Starts sending `file` (a Readable, a path opened with `fs.createReadStream`, or a FileLike) to
   * `consumer`, registering this as a non-streaming producer.
   * @returns a Deferred firing with the last byte sent, or failing if the transfer does not finish.
   * @throws TypeError for a `file` that is neither a path nor a Readable, or a bad consumer.
   */
  beginFileTransfer = (
    file: Readable | string | FileLike,
    consumer: IConsumer,
    transform?: (chunk: Buffer) => Buffer,
  ): Deferred<Buffer | undefined> => {
    let stream: Readable | FileLike;
    let sync = false;
    if (typeof file === "string") {
      stream = createReadStream(file, { highWaterMark: this.CHUNK_SIZE ?? (this.constructor as typeof FileSender).CHUNK_SIZE });
      this.#ownsFile = true;
    } else if (file !== null && typeof file === "object" && typeof file.read === "function") {
      stream = file;
      sync = typeof (file as Partial<Readable>).on !== "function";
    } else {
      throw new TypeError(`beginFileTransfer: file must be a Readable or a path, got ${describeValue(file)}`);
    }
    if (consumer === null || typeof consumer !== "object" || typeof consumer.registerProducer !== "function") {
      throw new TypeError(`beginFileTransfer: consumer must be an IConsumer, got ${describeValue(consumer)}`);
    }
    if (transform !== undefined && typeof transform !== "function") {
      throw new TypeError(`beginFileTransfer: transform must be a function, got ${String(transform)}`);
    }
    this.file = stream;
    this.consumer = consumer;
    this.transform = transform;
    this.#pending = EMPTY;
    this.#ended = false;
    this.#sync = sync;
    const deferred = new Deferred<Buffer | undefined>();
    this.deferred = deferred;
    if (!sync) {
      (stream as Readable).on("end", this.#onEnd);
      (stream as Readable).on("error", this.#onError);
    }
    consumer.registerProducer(this, false);
    return deferred;
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
  };

  readonly #onError = (error: Error): void => {
    const deferred = this.deferred;
    this.#detach();
    this.consumer?.unregisterProducer();
    if (deferred !== null) {
      this.deferred = null;
      deferred.errback(error);
    }
  };

  /** Removes this sender's listeners from the stream (and closes a stream it opened). */
  #detach(): void {
    const source = this.file;
    if (source === null) return;
    this.file = null;
    if (this.#sync) return;
    const file = source as Readable;
    file.off("end", this.#onEnd);
    file.off("error", this.#onError);
    file.off("readable", this.#wake);
    file.off("end", this.#wake);
    this.#waiting = false;
    // An error emitted after we stopped listening must not become an uncaught exception.
    file.on("error", ignore);
    if (this.#ownsFile) file.destroy();
  }

  readonly #wake = (): void => {
    const file = this.file as Readable | null;
    if (file === null) return;
    file.off("readable", this.#wake);
    file.off("end", this.#wake);
    this.#waiting = false;
    this.resumeProducing();
  };

  /** The next chunk (at most CHUNK_SIZE bytes), or null when the stream has none right now. */
  #nextChunk(file: Readable | FileLike): Buffer | null {
    const size = this.CHUNK_SIZE ?? (this.constructor as typeof FileSender).CHUNK_SIZE;
    if (this.#sync) {
      const read = file.read(size) as ReturnType<FileLike["read"]>;
      if (read === null || read === undefined || read.length === 0) return null;
      return typeof read === "string" ? Buffer.from(read) : Buffer.isBuffer(read) ? read : Buffer.from(read);
    }
    if (this.#pending.length === 0) {
      const read = (file as Readable).read() as Buffer | string | null;
      if (read === null) return null;
      this.#pending = typeof read === "string" ? Buffer.from(read) : read;
      if (this.#pending.length === 0) return null;
    }
    const chunk = this.#pending.length <= size ? this.#pending : this.#pending.subarray(0, size);
    this.#pending = this.#pending.subarray(chunk.length);
    return chunk;
  }

  /** Writes the next chunk to the consumer (once the stream has it); at the end, unregisters and fires. */
  resumeProducing = (): void => {
    const file = this.file;
    if (file === null) {
      if (this.deferred !== null) this.#finish();
      return;
    }
    if (this.#waiting) return;
    let chunk = this.#nextChunk(file);
    if (chunk === null) {
      // At the end (as Twisted: the transfer finishes on the read that finds nothing more).
      if (this.#sync || this.#ended || sourceEnded(file as Readable)) {
        this.#finish();
        return;
      }
      this.#waiting = true;
      (file as Readable).once("readable", this.#wake);
      (file as Readable).once("end", this.#wake);
      return;
    }
    if (this.transform !== undefined) chunk = this.transform(chunk);
    this.consumer?.write(chunk);
    if (chunk.length > 0) this.lastSent = chunk.subarray(chunk.length - 1);
  };

  #finish(): void {
    this.#detach();
    this.consumer?.unregisterProducer();
    const deferred = this.deferred;
    if (deferred !== null) {
      this.deferred = null;
      deferred.callback(this.lastSent);
    }
  }

  /** Does nothing: a pull producer only writes when asked. */
  pauseProducing = (): void => {};

  /** The consumer gives up: the transfer's Deferred fails ("Consumer asked us to stop producing"). */
  stopProducing = (): void => {
    const deferred = this.deferred;
    this.#detach();
    if (deferred !== null) {
      this.deferred = null;
      deferred.errback(new Error("Consumer asked us to stop producing"));
    }
  };
}

function ignore(): void {}

/**
 * True when `file` has nothing more to give: ended (its 'end' event may still be due, on a
 * later turn, when its end was pushed and its buffer is empty: Node's readable state says so
 * synchronously, which lets a transfer from a stream already complete finish at once).
 */
function sourceEnded(file: Readable): boolean {
  if (file.readableEnded) return true;
  const state = (file as { _readableState?: { ended?: unknown } })._readableState;
  return state !== undefined && state.ended === true && file.readableLength === 0;
}

/**
 * A synchronous file-like source, as Twisted reads a Python file: `read(size)` returns up to
 * `size` bytes, and an empty Buffer (or null) at the end. Any object with `read` and no `on`
 * is read this way (a Readable has `on`).
 */
export interface FileLike {
  /** Up to `size` bytes; empty (or null) at the end. */
  read(size: number): Buffer | Uint8Array | string | null | undefined;
}
