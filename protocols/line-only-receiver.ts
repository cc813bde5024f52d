/**
 * `LineOnlyReceiver`, as `twisted.protocols.basic.LineOnlyReceiver`.
 * @module
 */
import { className } from "../core/validate";
import { delimiterBytes } from "./delimiter";
import { Protocol } from "../net/protocol";
import { NotImplementedError } from "./errors";
import { bindMethods } from "../core/bind";
import { findDelimiter, isDisconnecting, receivedData, toBuffer } from "./pauseable";

const EMPTY = Buffer.alloc(0);

/**
 * A simpler, faster line protocol than {@link LineReceiver}: lines only (no raw mode, no
 * pausing). Each line (without `delimiter`) goes to `lineReceived`; a line longer than
 * `MAX_LENGTH`, or a partial line left longer than it after a read, goes to `lineLengthExceeded`
 * (which drops the connection by default) and ends the parsing of that read. Lines are not
 * delivered once the transport is disconnecting.
 *
 * @example
 * ```ts
 * class Shout extends LineOnlyReceiver {
 *   override lineReceived(line: Buffer): void {
 *     this.sendLine(line.toString().toUpperCase());
 *   }
 * }
 * ```
 */
export class LineOnlyReceiver extends Protocol {
  /**
   * The line separator: `\r\n` by default (`Buffer.from("\n")` for bare newlines). A string,
   * from JavaScript code, is taken as UTF-8.
   */
  delimiter: Buffer = Buffer.from("\r\n");
  /** The longest line accepted, in bytes. */
  MAX_LENGTH = 16384;
  #buffer: Buffer = EMPTY;

  constructor() {
    super();
    bindMethods(this as LineOnlyReceiver, ["sendLine"]);
  }

  /**
   * Splits the data received so far into lines and delivers them.
   * @returns what `lineLengthExceeded` returned, when it was called.
   */
  override dataReceived(data: Buffer): unknown {
    if (!Buffer.isBuffer(data)) data = receivedData(data, "LineOnlyReceiver");
    const all = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    const delim = delimiterBytes(this.delimiter);
    if (delim.length === 0) throw new RangeError("LineOnlyReceiver: delimiter must not be empty");
    // Split first (as Twisted: the lines of this read are fixed before any is delivered).
    const lines: Buffer[] = [];
    let off = 0;
    for (let i = findDelimiter(all, delim, off); i >= 0; i = findDelimiter(all, delim, off)) {
      lines.push(all.subarray(off, i));
      off = i + delim.length;
    }
    this.#buffer = off === 0 ? all : all.subarray(off);
    for (const line of lines) {
      if (isDisconnecting(this.transport)) return undefined;
      if (line.length > this.MAX_LENGTH) return this.lineLengthExceeded(line);
      this.lineReceived(line);
    }
    if (this.#buffer.length > this.MAX_LENGTH) return this.lineLengthExceeded(this.#buffer);
    return undefined;
  }

  /**
   * Called with each line received. Override it.
   * @throws NotImplementedError by default.
   */
  lineReceived(_line: Buffer): void {
    throw new NotImplementedError(`${className(this)}.lineReceived is not implemented`);
  }

  /** Writes `line` then the delimiter (`writeSequence`; a string as UTF-8). */
  sendLine(line: Buffer | string): void {
    const transport = this.transport;
    if (transport === null) throw new Error(`${className(this)}.sendLine: not connected (no transport)`);
    transport.writeSequence([toBuffer(line, "sendLine: line"), delimiterBytes(this.delimiter)]);
  }

  /** Called with a line longer than `MAX_LENGTH`. Default: `transport.loseConnection()`. */
  lineLengthExceeded(_line: Buffer): unknown {
    this.transport?.loseConnection();
    return undefined;
  }
}
