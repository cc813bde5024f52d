/**
 * `IntNStringReceiver` and its 32/16/8-bit forms, as `twisted.protocols.basic`.
 * @module
 */
import { className } from "../core/validate";
import { Protocol } from "../net/protocol";
import type { IPushProducer } from "../net/interfaces";
import { NotImplementedError, StringTooLongError } from "./errors";
import { bindMethods } from "../core/bind";
import { forwardProducing, receivedData, toBuffer } from "./pauseable";

const EMPTY = Buffer.alloc(0);

/**
 * Receives strings each preceded by its length, a big-endian unsigned integer of
 * `prefixLength` bytes (subclasses: {@link Int32StringReceiver}, {@link Int16StringReceiver},
 * {@link Int8StringReceiver}). Each string goes to `stringReceived`; a prefix announcing more
 * than `MAX_LENGTH` bytes goes to `lengthLimitExceeded` (which drops the connection by default).
 *
 * `recvd` is the data received and not yet parsed, as in Twisted: inside `stringReceived` it
 * holds what follows the current string, and assigning it there replaces that data.
 *
 * @example
 * ```ts
 * class Echo extends Int32StringReceiver {
 *   override stringReceived(s: Buffer): void {
 *     this.sendString(s);
 *   }
 * }
 * ```
 */
export class IntNStringReceiver extends Protocol implements IPushProducer {
  /** The longest string accepted, in bytes. */
  MAX_LENGTH = 99999;
  /** True while paused: no string is delivered. */
  paused = false;
  /** The size of the length prefix, in bytes (4, 2 or 1 in the subclasses). */
  get prefixLength(): number {
    return 4;
  }
  /** The length prefix's format as Python's struct names it (`"!I"`, `"!H"`, `"!B"`). */
  get structFormat(): string {
    return ({ 1: "!B", 2: "!H", 4: "!I" } as Record<number, string>)[this.prefixLength] ?? `!${this.prefixLength}`;
  }
  #unprocessed: Buffer = EMPTY;
  #offset = 0;
  // While a message announced by a prefix is incomplete, reads are only collected (in #more),
  // not concatenated, until #unprocessed plus them hold #need bytes: a long message arriving
  // in many reads is copied once, not once per read.
  #more: Buffer[] = [];
  #moreLen = 0;
  #need = 0;
  #replaced: Buffer | null = null;
  #parsing = false;

  constructor() {
    super();
    bindMethods(this as IntNStringReceiver, ["sendString", "pauseProducing", "resumeProducing", "stopProducing"]);
  }

  /** The data received and not yet parsed (inside `stringReceived`: what follows the string). */
  get recvd(): Buffer {
    this.#gather();
    return this.#offset === 0 ? this.#unprocessed : this.#unprocessed.subarray(this.#offset);
  }

  /** Joins the collected reads to #unprocessed. */
  #gather(): void {
    if (this.#moreLen === 0 && this.#more.length === 0) return;
    const head = this.#offset === 0 ? this.#unprocessed : this.#unprocessed.subarray(this.#offset);
    this.#unprocessed = Buffer.concat([head, ...this.#more]);
    this.#offset = 0;
    this.#more = [];
    this.#moreLen = 0;
    this.#need = 0;
  }

  /** Replaces the data not yet parsed (inside `stringReceived`: what follows the string). */
  set recvd(value: Buffer) {
    const data = toBuffer(value, "recvd");
    if (this.#parsing) {
      this.#replaced = data;
    } else {
      this.#more = [];
      this.#moreLen = 0;
      this.#need = 0;
      this.#unprocessed = data;
      this.#offset = 0;
    }
  }

  /** Reads the prefix at `offset` of `data`. */
  #readLength(data: Buffer, offset: number): number {
    switch (this.prefixLength) {
      case 1:
        return data.readUInt8(offset);
      case 2:
        return data.readUInt16BE(offset);
      case 4:
        return data.readUInt32BE(offset);
      default:
        return data.readUIntBE(offset, this.prefixLength);
    }
  }

  /** Parses `data`, delivering each complete string. */
  override dataReceived(data: Buffer): void {
    if (!Buffer.isBuffer(data)) data = receivedData(data, "IntNStringReceiver");
    if (this.#need > 0) {
      if (data.length > 0) {
        this.#more.push(data);
        this.#moreLen += data.length;
      }
      if (this.#unprocessed.length - this.#offset + this.#moreLen < this.#need) return;
      this.#gather();
      data = EMPTY;
    }
    let all = this.#unprocessed.length === 0 ? data : data.length === 0 ? this.recvd : Buffer.concat([this.recvd, data]);
    let current = 0;
    const prefixLength = this.prefixLength;
    this.#unprocessed = all;
    this.#offset = 0;
    while (all.length >= current + prefixLength && !this.paused) {
      const messageStart = current + prefixLength;
      const length = this.#readLength(all, current);
      if (length > this.MAX_LENGTH) {
        this.#unprocessed = all;
        this.#offset = current;
        this.lengthLimitExceeded(length);
        return;
      }
      const messageEnd = messageStart + length;
      if (all.length < messageEnd) {
        this.#need = messageEnd - current; // wait for the whole message before parsing again
        break;
      }
      const packet = all.subarray(messageStart, messageEnd);
      current = messageEnd;
      this.#offset = current;
      this.#parsing = true;
      try {
        this.stringReceived(packet);
      } finally {
        this.#parsing = false;
      }
      if (this.#replaced !== null) {
        all = this.#replaced;
        this.#replaced = null;
        this.#unprocessed = all;
        this.#offset = current = 0;
        if (all.length > 0) continue;
        return;
      }
    }
    this.#unprocessed = current === 0 ? all : all.subarray(current);
    this.#offset = 0;
  }

  /**
   * Called with each string received. Override it.
   * @throws NotImplementedError by default.
   */
  stringReceived(_s: Buffer): void {
    throw new NotImplementedError(`${className(this)}.stringReceived is not implemented`);
  }

  /** Called with a prefix announcing more than `MAX_LENGTH` bytes. Default: `transport.loseConnection()`. */
  lengthLimitExceeded(_length: number): void {
    this.transport?.loseConnection();
  }

  /**
   * Writes `s` preceded by its length (a string as UTF-8).
   * @throws StringTooLongError when `s` is longer than the prefix can say.
   */
  sendString(s: Buffer | string): void {
    const payload = toBuffer(s, "sendString: s");
    const max = 2 ** (8 * this.prefixLength);
    if (payload.length >= max) {
      throw new StringTooLongError(`Try to send ${payload.length} bytes whereas maximum is ${max}`);
    }
    const transport = this.transport;
    if (transport === null) throw new Error(`${className(this)}.sendString: not connected (no transport)`);
    const prefix = Buffer.allocUnsafe(this.prefixLength);
    prefix.writeUIntBE(payload.length, 0, this.prefixLength);
    transport.write(Buffer.concat([prefix, payload]));
  }

  /** Stops delivering strings and pauses the transport. */
  pauseProducing(): void {
    this.paused = true;
    forwardProducing(this.transport, "pauseProducing");
  }

  /** Resumes the transport and delivers the strings buffered meanwhile. */
  resumeProducing(): void {
    this.paused = false;
    forwardProducing(this.transport, "resumeProducing");
    this.dataReceived(EMPTY);
  }

  /** Stops for good: pauses and stops the transport. */
  stopProducing(): void {
    this.paused = true;
    forwardProducing(this.transport, "stopProducing");
  }
}

/** Strings with a 4-byte big-endian length prefix (at most 2**32 - 1 bytes). */
export class Int32StringReceiver extends IntNStringReceiver {
  override get prefixLength(): number {
    return 4;
  }
}

/** Strings with a 2-byte big-endian length prefix (at most 65535 bytes). */
export class Int16StringReceiver extends IntNStringReceiver {
  override get prefixLength(): number {
    return 2;
  }
}

/** Strings with a 1-byte length prefix (at most 255 bytes). */
export class Int8StringReceiver extends IntNStringReceiver {
  override get prefixLength(): number {
    return 1;
  }
}
