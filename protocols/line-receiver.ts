/**
 * `LineReceiver`, as `twisted.protocols.basic.LineReceiver`.
 * @module
 */
import { className } from "../core/validate";
import { delimiterBytes } from "./delimiter";
import { Protocol } from "../net/protocol";
import type { IPushProducer } from "../net/interfaces";
import { NotImplementedError } from "./errors";
import { bindMethods } from "../core/bind";
import { findDelimiter, forwardProducing, isDisconnecting, receivedData, toBuffer } from "./pauseable";

const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from("\r\n");

/**
 * A protocol that receives lines and/or raw data, depending on its mode (`line_mode`).
 *
 * In line mode each line (without its `delimiter`) goes to `lineReceived`; in raw mode the bytes
 * go to `rawDataReceived` as they come. `setRawMode()` / `setLineMode(extra)` switch between the
 * two, also from inside the callbacks (what is buffered then goes to the new mode). A line longer
 * than `MAX_LENGTH` bytes (or a partial line that already is) goes to `lineLengthExceeded`, which
 * drops the connection by default. While paused (`pauseProducing()`), no line is delivered, also
 * none already buffered; `resumeProducing()` delivers them.
 *
 * Design: lines are delivered as views of the received Buffers (no copy), the parser moves an
 * offset instead of re-slicing its buffer, and the start of an incomplete line is kept as a list
 * of pieces that is only searched once, so parsing is linear in the bytes received whatever the
 * number of lines per read or reads per line. `dataReceived` returns what `lineLengthExceeded`
 * returned, or the first truthy value `lineReceived` / `rawDataReceived` returned, which stops
 * delivery (Twisted's `why`).
 *
 * @example
 * ```ts
 * class Echo extends LineReceiver {
 *   override lineReceived(line: Buffer): void {
 *     this.sendLine(line);
 *   }
 * }
 * ```
 */
export class LineReceiver extends Protocol implements IPushProducer {
  /**
   * The line separator: `\r\n` by default (`Buffer.from("\n")` for bare newlines); may be
   * changed at any time (also between lines). A string, from JavaScript code, is taken as UTF-8.
   */
  delimiter: Buffer = CRLF;
  /** The longest line accepted, in bytes (without the delimiter). */
  MAX_LENGTH = 16384;
  /** True in line mode, false in raw mode (Twisted's name). */
  line_mode = true;
  /** True while paused by `pauseProducing` / `stopProducing`. */
  paused = false;

  // The bytes buffered are #parts[0..#partsLen) ++ #buf[#off..] ++ #queue, in that order. #parts
  // holds the start of an incomplete line in which no #partsDelim occurs (only set in line mode),
  // in a buffer grown geometrically (each byte is copied O(1) times, and one object is retained
  // however many reads the line takes); #buf is being parsed; #queue holds data received while
  // #buf is (invariant: #buf exhausted ⇒ #queue empty).
  #parts: Buffer = EMPTY; // bytes [0, #partsLen) hold the partial line
  #partsLen = 0;
  #partsOwned = false; // #parts was allocated here (so it may be appended to in place)
  #partsDelim: Buffer = CRLF;
  #buf: Buffer = EMPTY;
  #off = 0;
  #queue: Buffer[] = [];
  #busy = false;

  constructor() {
    super();
    bindMethods(this as LineReceiver, [
      "sendLine",
      "clearLineBuffer",
      "setLineMode",
      "setRawMode",
      "pauseProducing",
      "resumeProducing",
      "stopProducing",
    ]);
  }

  /** Drops what is buffered and returns it (the rest of the current read too, when called from a callback). */
  clearLineBuffer(): Buffer {
    return this.#takeAll();
  }

  /**
   * Parses `data` and delivers the lines (or raw data) it completes. Data received while a
   * callback runs is buffered and delivered by the same loop, in order.
   * @returns what `lineLengthExceeded` returned, or the truthy value a callback returned.
   */
  override dataReceived(data: Buffer): unknown {
    if (!Buffer.isBuffer(data)) data = receivedData(data, "LineReceiver");
    if (data.length > 0) {
      if (this.#off >= this.#buf.length) {
        this.#buf = data;
        this.#off = 0;
      } else {
        this.#queue.push(data);
      }
    }
    if (this.#busy) return undefined;
    this.#busy = true;
    try {
      return this.#deliver();
    } finally {
      this.#busy = false;
    }
  }

  #deliver(): unknown {
    while (!this.paused) {
      if (this.#off >= this.#buf.length) {
        if (this.#queue.length > 0) {
          this.#buf = this.#queue.shift() as Buffer;
          this.#off = 0;
        } else if (this.#partsLen === 0) {
          return undefined;
        } else if (this.line_mode && this.#partsDelim === delimiterBytes(this.delimiter)) {
          return this.#checkPartial();
        } else {
          // Mode or delimiter changed since the partial line was searched: parse it again.
          this.#buf = this.#joinParts();
          this.#off = 0;
        }
      }
      if (!this.line_mode) {
        const why = this.rawDataReceived(this.#takeAll()) as unknown;
        if (why) return why;
        continue;
      }
      const delim = delimiterBytes(this.delimiter);
      const dl = delim.length;
      if (dl === 0) throw new RangeError("LineReceiver: delimiter must not be empty");
      if (this.#partsLen > 0 && this.#partsDelim !== delim) {
        this.#buf = Buffer.concat([this.#joinParts(), this.#buf.subarray(this.#off)]);
        this.#off = 0;
      }
      const buf = this.#buf;
      const off = this.#off;
      let line: Buffer;
      if (this.#partsLen === 0) {
        const i = findDelimiter(buf, delim, off);
        if (i < 0) {
          this.#keepPartial(buf.subarray(off), delim);
          continue;
        }
        line = buf.subarray(off, i);
        this.#off = i + dl;
      } else {
        // The line started in an earlier read: the delimiter may straddle the boundary.
        const tail = dl > 1 ? this.#partsTail(dl - 1) : EMPTY;
        let end = -1; // where the delimiter ends in buf
        let cut = this.#partsLen; // where the line ends in the parts
        if (tail.length > 0) {
          const j = Buffer.concat([tail, buf.subarray(off, off + dl - 1)]).indexOf(delim);
          if (j >= 0 && j < tail.length) {
            cut = this.#partsLen - tail.length + j;
            end = off + j + dl - tail.length;
          }
        }
        if (end < 0) {
          const i = findDelimiter(buf, delim, off);
          if (i < 0) {
            this.#keepPartial(buf.subarray(off), delim);
            continue;
          }
          const joined = this.#joinParts();
          line = Buffer.concat([joined, buf.subarray(off, i)]);
          this.#off = i + dl;
        } else {
          line = this.#joinParts().subarray(0, cut);
          this.#off = end;
        }
      }
      if (line.length > this.MAX_LENGTH) {
        const exceeded = Buffer.concat([line, delim, this.#takeAll()]);
        return this.lineLengthExceeded(exceeded);
      }
      const why = this.lineReceived(line) as unknown;
      if (why || isDisconnecting(this.transport)) return why;
    }
    return undefined;
  }

  /** Keeps `rest` (no delimiter in it) as the start of the next line. */
  #keepPartial(rest: Buffer, delim: Buffer): void {
    const n = rest.length;
    if (n > 0) {
      const len = this.#partsLen;
      if (len === 0) {
        this.#parts = rest; // a view of the read: no copy for the usual short partial line
        this.#partsOwned = false;
      } else if (this.#partsOwned && len + n <= this.#parts.length) {
        rest.copy(this.#parts, len);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(256, 2 * (len + n)));
        this.#parts.copy(grown, 0, 0, len);
        rest.copy(grown, len);
        this.#parts = grown;
        this.#partsOwned = true;
      }
      this.#partsLen = len + n;
      this.#partsDelim = delim;
    }
    this.#buf = EMPTY;
    this.#off = 0;
  }

  /** Nothing more to parse: a partial line that is already too long is exceeded (as Twisted). */
  #checkPartial(): unknown {
    if (this.#partsLen >= this.MAX_LENGTH + delimiterBytes(this.delimiter).length) {
      return this.lineLengthExceeded(this.#takeAll());
    }
    return undefined;
  }

  /** The last `n` bytes (at most) of the partial line. */
  #partsTail(n: number): Buffer {
    return this.#parts.subarray(Math.max(0, this.#partsLen - n), this.#partsLen);
  }

  /** The partial line as one Buffer, taken out of #parts (never written to again). */
  #joinParts(): Buffer {
    const joined = this.#parts.subarray(0, this.#partsLen);
    this.#parts = EMPTY;
    this.#partsLen = 0;
    this.#partsOwned = false;
    return joined;
  }

  /** Everything buffered, as one Buffer, taken out. */
  #takeAll(): Buffer {
    const pieces: Buffer[] = [];
    if (this.#partsLen > 0) pieces.push(this.#joinParts());
    if (this.#off < this.#buf.length) pieces.push(this.#off === 0 ? this.#buf : this.#buf.subarray(this.#off));
    for (const q of this.#queue) pieces.push(q);
    this.#buf = EMPTY;
    this.#off = 0;
    this.#queue = [];
    if (pieces.length === 0) return EMPTY;
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
  }

  /**
   * Switches to line mode; `extra` (when not empty) is then parsed as received data.
   * @returns what `dataReceived(extra)` returned.
   */
  setLineMode(extra?: Buffer): unknown {
    this.line_mode = true;
    if (extra !== undefined && extra.length > 0) return this.dataReceived(extra);
    return undefined;
  }

  /** Switches to raw mode: what follows (and what is buffered) goes to `rawDataReceived`. */
  setRawMode(): void {
    this.line_mode = false;
  }

  /**
   * Called with each raw chunk in raw mode. Override it when using raw mode.
   * @throws NotImplementedError by default.
   */
  rawDataReceived(_data: Buffer): void {
    throw new NotImplementedError(`${className(this)}.rawDataReceived is not implemented`);
  }

  /**
   * Called with each line received, without the delimiter. Override it.
   * @throws NotImplementedError by default.
   */
  lineReceived(_line: Buffer): void {
    throw new NotImplementedError(`${className(this)}.lineReceived is not implemented`);
  }

  /** Writes `line` followed by the delimiter (a string as UTF-8). */
  sendLine(line: Buffer | string): void {
    const transport = this.transport;
    if (transport === null) throw new Error(`${className(this)}.sendLine: not connected (no transport)`);
    transport.write(Buffer.concat([toBuffer(line, "sendLine: line"), delimiterBytes(this.delimiter)]));
  }

  /**
   * Called with a line longer than `MAX_LENGTH` (with the delimiter and all the data buffered
   * after it), after which that data is dropped. Default: `transport.loseConnection()`.
   * @returns what `dataReceived` then returns.
   */
  lineLengthExceeded(_line: Buffer): unknown {
    this.transport?.loseConnection();
    return undefined;
  }

  /** Stops delivering lines and pauses the transport (when it can be paused). */
  pauseProducing(): void {
    this.paused = true;
    forwardProducing(this.transport, "pauseProducing");
  }

  /** Resumes the transport and delivers the lines buffered meanwhile. */
  resumeProducing(): void {
    this.paused = false;
    forwardProducing(this.transport, "resumeProducing");
    this.dataReceived(EMPTY);
  }

  /** Stops delivering lines for good and stops the transport (which closes the connection). */
  stopProducing(): void {
    this.paused = true;
    forwardProducing(this.transport, "stopProducing");
  }
}
