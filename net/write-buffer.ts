/**
 * The writes a stream transport gathers during one turn of the loop, and how they go to the
 * socket together: one chunk as it is; several small ones concatenated into one Buffer (cheaper
 * than a `writev` of many tiny ones); larger ones corked, as one `writev`.
 *
 * Invariants: each write is sent once, in order; a write made while a batch is being sent (a
 * synchronous 'drain' resuming a producer) goes into the next batch; sent slots are overwritten,
 * not cut off (`length = 0` gives an array's storage back, and the next turn's first write would
 * allocate it again: docs/design/net-transport.md).
 * @module
 */
import type * as net from "node:net";
import type { Data } from "./interfaces";

/**
 * Writes gathered up to this many bytes are concatenated into one Buffer; once this much is
 * pending the transport sends it at once.
 */
export const CONCAT_LIMIT = 16 * 1024;

/** A batch array that held more writes than this is let go rather than kept for reuse. */
const KEPT_WRITE_SLOTS = 1024;

/** What a sent write's slot holds (the chunk itself would be kept alive until overwritten). */
const EMPTY: Data = "";

/** The pending writes of one transport. @internal */
export class WriteBuffer {
  /** The batch being gathered: its first `#count` slots. */
  #batch: Data[] = [];
  #count = 0;
  /** The other array, reused for the next batch. */
  #spare: Data[] = [];
  /** Bytes pending (string lengths counted as characters, as the high-water checks estimate). */
  bytes = 0;

  /** How many writes are pending. */
  get count(): number {
    return this.#count;
  }

  /** Adds a write of `size` bytes. */
  push(data: Data, size: number): void {
    this.#batch[this.#count++] = data;
    this.bytes += size;
  }

  /**
   * Sends what is pending to `socket` (or drops it when `drop`: the connection is gone); returns
   * false when the socket is past its high-water mark.
   */
  sendTo(socket: net.Socket, drop: boolean): boolean {
    const n = this.#count;
    if (n === 0) return true;
    const batch = this.#batch;
    const bytes = this.bytes;
    this.#batch = this.#spare;
    this.#spare = n > KEPT_WRITE_SLOTS ? [] : batch;
    this.#count = 0;
    this.bytes = 0;
    let ok = true;
    if (drop) {
      // Dropped.
    } else if (n === 1) {
      ok = socket.write(batch[0]);
    } else if (bytes <= CONCAT_LIMIT) {
      const parts: Uint8Array[] = new Array<Uint8Array>(n);
      for (let i = 0; i < n; i++) {
        const c = batch[i];
        parts[i] = typeof c === "string" ? Buffer.from(c) : c;
      }
      ok = socket.write(Buffer.concat(parts));
    } else {
      socket.cork();
      for (let i = 0; i < n; i++) socket.write(batch[i]);
      socket.uncork();
      ok = !socket.writableNeedDrain;
    }
    if (n <= KEPT_WRITE_SLOTS) for (let i = 0; i < n; i++) batch[i] = EMPTY;
    return ok;
  }
}
