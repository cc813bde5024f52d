/**
 * `NetstringReceiver`, as `twisted.protocols.basic.NetstringReceiver`.
 * @module
 */
import { className } from "../core/validate";
import { Protocol } from "../net/protocol";
import type { ITransport } from "../net/interfaces";
import { IncompleteNetstring, NetstringParseError, NotImplementedError } from "./errors";
import { bindMethods } from "../core/bind";
import { receivedData, toBuffer } from "./pauseable";

const EMPTY = Buffer.alloc(0);
const COLON = 0x3a;
const COMMA = 0x2c;
const PARSING_LENGTH = 0;
const PARSING_PAYLOAD = 1;

/**
 * Sends and receives netstrings (`<length>:<payload>,`, see cr.yp.to/proto/netstrings.txt).
 * Each payload received goes to `stringReceived`. A malformed netstring (no length, a leading
 * zero, no colon, a length above `MAX_LENGTH`, no comma after the payload) makes the protocol
 * drop the connection (`transport.loseConnection()`) and set `brokenPeer`; nothing is thrown.
 *
 * @example
 * ```ts
 * class Echo extends NetstringReceiver {
 *   override stringReceived(s: Buffer): void {
 *     this.sendString(s);
 *   }
 * }
 * ```
 */
export class NetstringReceiver extends Protocol {
  /** The longest payload accepted, in bytes. */
  MAX_LENGTH = 99999;
  /** 1 once a malformed netstring was received (and the connection dropped), else 0. */
  brokenPeer = 0;
  // The parser's state under Twisted's names (its tests read and set them).
  /** The data received and not consumed yet. @internal */
  _remainingData: Buffer = EMPTY;
  /** Parsing the length (0) or the payload (1). @internal */
  _state = PARSING_LENGTH;
  /** How much of the payload (with its comma) was received. @internal */
  _currentPayloadSize = 0;
  /** The payload's size plus one for the trailing comma. @internal */
  _expectedPayloadSize = 0;
  #payload: Buffer[] = [];

  constructor() {
    super();
    bindMethods(this as NetstringReceiver, ["sendString"]);
  }

  /** Sets the parser up (Twisted does it here), then connects. */
  override makeConnection(transport: ITransport): void {
    super.makeConnection(transport);
    this._remainingData = EMPTY;
    this._currentPayloadSize = 0;
    this.#payload = [];
    this._state = PARSING_LENGTH;
    this._expectedPayloadSize = 0;
    this.brokenPeer = 0;
  }

  /** Writes `s` as a netstring (a string as UTF-8). */
  sendString(s: Buffer | string): void {
    const transport = this.transport;
    if (transport === null) throw new Error(`${className(this)}.sendString: not connected (no transport)`);
    const payload = toBuffer(s, "sendString: s");
    transport.write(Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(",")]));
  }

  /** Parses `data`, delivering each complete netstring; drops the connection on malformed input. */
  override dataReceived(data: Buffer): void {
    if (!Buffer.isBuffer(data)) data = receivedData(data, "NetstringReceiver");
    this._remainingData = this._remainingData.length === 0 ? data : Buffer.concat([this._remainingData, data]);
    while (this._remainingData.length > 0) {
      try {
        this.#consumeData();
      } catch (e) {
        if (e instanceof IncompleteNetstring) break;
        if (e instanceof NetstringParseError) {
          this.#handleParseError();
          break;
        }
        throw e;
      }
    }
  }

  /**
   * Called with each payload received. Override it.
   * @throws NotImplementedError by default.
   */
  stringReceived(_s: Buffer): void {
    throw new NotImplementedError(`${className(this)}.stringReceived is not implemented`);
  }

  #consumeData(): void {
    if (this._state === PARSING_LENGTH) {
      this._consumeLength();
      this._state = PARSING_PAYLOAD;
      this._currentPayloadSize = 0;
      this.#payload = [];
    }
    if (this._state === PARSING_PAYLOAD) this.#consumePayload();
  }

  /** The digits at the start of `_remainingData`: `0` or `[1-9][0-9]*`; how many (0 when none). */
  #digits(): number {
    const r = this._remainingData;
    if (r.length === 0 || r[0] < 0x30 || r[0] > 0x39) return 0;
    if (r[0] === 0x30) return 1;
    let n = 1;
    while (n < r.length && r[n] >= 0x30 && r[n] <= 0x39) n++;
    return n;
  }

  /**
   * Consumes the length at the start of `_remainingData` into `_expectedPayloadSize`.
   * @throws IncompleteNetstring when only the start of a length is there.
   * @throws NetstringParseError for a malformed or too large length. @internal
   */
  _consumeLength(): void {
    const n = this.#digits();
    const r = this._remainingData;
    if (n > 0 && n < r.length && r[n] === COLON) {
      this._expectedPayloadSize = this.#extractLength(r.subarray(0, n)) + 1;
      this._remainingData = r.subarray(n + 1);
      return;
    }
    // No complete length yet: what is there must be the start of one.
    if (n === 0 || n !== r.length) throw new NetstringParseError(MISSING_LENGTH);
    this.#extractLength(r.subarray(0, n));
    throw new IncompleteNetstring();
  }

  #extractLength(digits: Buffer): number {
    const maxSize = Math.ceil(Math.log10(this.MAX_LENGTH)) + 1;
    if (digits.length > maxSize) throw new NetstringParseError(tooLong(this.MAX_LENGTH));
    const length = Number(digits.toString("latin1"));
    if (length > this.MAX_LENGTH) throw new NetstringParseError(tooLong(this.MAX_LENGTH));
    return length;
  }

  /** True when the data received holds the rest of the current payload (and its comma). @internal */
  _payloadComplete(): boolean {
    return this._remainingData.length + this._currentPayloadSize >= this._expectedPayloadSize;
  }

  #consumePayload(): void {
    const r = this._remainingData;
    const missing = this._expectedPayloadSize - this._currentPayloadSize;
    if (r.length >= missing) {
      this.#payload.push(r.subarray(0, missing));
      this._remainingData = r.subarray(missing);
      this._currentPayloadSize = this._expectedPayloadSize;
    } else {
      this.#payload.push(r);
      this._currentPayloadSize += r.length;
      this._remainingData = EMPTY;
      throw new IncompleteNetstring();
    }
    const payload = this.#payload.length === 1 ? this.#payload[0] : Buffer.concat(this.#payload);
    this.#payload = [];
    if (payload[payload.length - 1] !== COMMA) throw new NetstringParseError(MISSING_COMMA);
    this._state = PARSING_LENGTH;
    this.stringReceived(payload.subarray(0, payload.length - 1));
  }

  #handleParseError(): void {
    this.transport?.loseConnection();
    this.brokenPeer = 1;
  }
}

const MISSING_LENGTH = "The received netstring does not start with a length specification.";
const MISSING_COMMA = "The received netstring is not terminated by a comma.";
function tooLong(max: number): string {
  return `The received netstring is longer than the maximum ${max} specified by self.MAX_LENGTH`;
}
