/**
 * `StringTransport` and `StringTransportWithDisconnection`, as `twisted.internet.testing`.
 * @module
 */
import { Failure } from "../core/failure";
import { IPv4Address, type Address } from "../net/address";
import { ConnectionDone } from "../net/errors";
import type { Data, IConsumer, IProducer, IPushProducer, ITCPTransport } from "../net/interfaces";
import type { Protocol } from "../net/protocol";

const EMPTY = Buffer.alloc(0);

/** `data` as a Buffer; a TypeError naming `what` for anything but bytes or a string. @internal */
export function dataToBuffer(data: Data, what: string): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what}: data must be a Buffer, Uint8Array or string, got ${data === null ? "null" : typeof data}`);
}

/** The items of a `writeSequence` as one Buffer, each checked as {@link dataToBuffer} does. @internal */
export function sequenceToBuffer(data: Iterable<Data>, what: string): Buffer {
  const parts: Buffer[] = [];
  for (const d of data) parts.push(dataToBuffer(d, what));
  return Buffer.concat(parts);
}

/**
 * A transport that keeps what is written in memory instead of sending it, for unit tests of
 * protocols: connect a protocol to it with `makeConnection`, feed it bytes with `dataReceived`,
 * and read what it wrote with `value()`. `loseConnection()` only sets `disconnecting` (nothing
 * is closed, the protocol is not told); its producer calls only record `producerState`.
 *
 * @example
 * ```ts
 * const transport = new StringTransport();
 * const proto = new Echo();
 * proto.makeConnection(transport);
 * proto.dataReceived(Buffer.from("hello\r\n"));
 * expect(transport.value().toString()).to.equal("hello\r\n");
 * ```
 */
export class StringTransport implements ITCPTransport, IConsumer, IPushProducer {
  /** True once `loseConnection()` (or `abortConnection()`) was called. */
  disconnecting = false;
  /** True once `abortConnection()` was called. */
  disconnected = false;
  /** True until the connection is lost (only StringTransportWithDisconnection changes it). */
  connected = true;
  /** The producer registered with `registerProducer`, or null. */
  producer: IProducer | null = null;
  /** Whether the registered producer is streaming (push), null when none is registered. */
  streaming: boolean | null = null;
  /** What the protocol asked this transport (as a producer) to do last. */
  producerState: "producing" | "paused" | "stopped" = "producing";
  /** What `getHost()` returns. */
  hostAddr: Address;
  /** What `getPeer()` returns. */
  peerAddr: Address;
  /** True once `loseWriteConnection()` was called. */
  writeConnectionLost = false;
  /** The value `setTcpNoDelay` set last (false at first). */
  tcpNoDelay = false;
  /** The value `setTcpKeepAlive` set last (false at first). */
  tcpKeepAlive = false;
  readonly #lenient: boolean;
  #chunks: Buffer[] = [];
  #length = 0;

  /**
   * @param hostAddress what `getHost()` returns (default `IPv4Address("TCP", "10.0.0.1", 12345)`).
   * @param peerAddress what `getPeer()` returns (default `IPv4Address("TCP", "192.168.1.1", 54321)`).
   * @param lenient when true, pausing or resuming after `loseConnection()` is allowed.
   */
  constructor(hostAddress?: Address | null, peerAddress?: Address | null, lenient = false) {
    this.hostAddr = hostAddress ?? new IPv4Address("TCP", "10.0.0.1", 12345);
    this.peerAddr = peerAddress ?? new IPv4Address("TCP", "192.168.1.1", 54321);
    this.#lenient = lenient;
    for (const name of [
      "value", "clear", "write", "writeSequence", "loseConnection", "abortConnection", "loseWriteConnection",
      "getPeer", "getHost", "registerProducer", "unregisterProducer", "pauseProducing", "resumeProducing",
      "stopProducing", "getTcpNoDelay", "setTcpNoDelay", "getTcpKeepAlive", "setTcpKeepAlive",
    ] as const) {
      (this as Record<string, unknown>)[name] = (this[name] as (...a: unknown[]) => unknown).bind(this);
    }
  }

  /** Everything written since the start (or the last `clear()`), as one Buffer. */
  value(): Buffer {
    if (this.#chunks.length === 0) return EMPTY;
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)];
    return this.#chunks[0];
  }

  /** Forgets what was written. */
  clear(): void {
    this.#chunks = [];
    this.#length = 0;
  }

  /**
   * Records `data` (a string as UTF-8). Written even after `loseConnection()`, as Twisted's.
   * @throws TypeError for anything but a Buffer, Uint8Array or string.
   */
  write(data: Data): void {
    const b = dataToBuffer(data, "StringTransport.write");
    if (b.length === 0) return;
    this.#chunks.push(Buffer.from(b)); // a copy: the caller may reuse its buffer
    this.#length += b.length;
  }

  /** Records each item in turn. @throws TypeError for an item that is not data. */
  writeSequence(data: Iterable<Data>): void {
    const parts: Buffer[] = [];
    for (const d of data) parts.push(dataToBuffer(d, "StringTransport.writeSequence"));
    for (const p of parts) this.write(p);
  }

  /** Sets `disconnecting` (nothing else happens: the protocol is not told). */
  loseConnection(): void {
    this.disconnecting = true;
  }

  /** Sets `disconnected`, then `loseConnection()`. */
  abortConnection(): void {
    this.disconnected = true;
    this.loseConnection();
  }

  /** Sets `writeConnectionLost`. */
  loseWriteConnection(): void {
    this.writeConnectionLost = true;
  }

  /** `peerAddr`. */
  getPeer(): Address {
    return this.peerAddr;
  }

  /** `hostAddr`. */
  getHost(): Address {
    return this.hostAddr;
  }

  /**
   * Records `producer` (nothing drives it: a test calls its methods).
   * @throws Error when a producer is already registered.
   */
  registerProducer(producer: IProducer, streaming: boolean): void {
    if (this.producer !== null) throw new Error("Cannot register two producers");
    this.producer = producer;
    this.streaming = streaming;
  }

  /** Forgets the producer. @throws Error when none is registered. */
  unregisterProducer(): void {
    if (this.producer === null) throw new Error("Cannot unregister a producer unless one is registered");
    this.producer = null;
    this.streaming = null;
  }

  #checkState(): void {
    if (this.disconnecting && !this.#lenient) throw new Error("Cannot resume producing after loseConnection");
    if (this.producerState === "stopped") throw new Error("Cannot resume a stopped producer");
  }

  /** Sets `producerState` to "paused". @throws Error after loseConnection or stopProducing. */
  pauseProducing(): void {
    this.#checkState();
    this.producerState = "paused";
  }

  /** Sets `producerState` to "stopped". */
  stopProducing(): void {
    this.producerState = "stopped";
  }

  /** Sets `producerState` to "producing". @throws Error after loseConnection or stopProducing. */
  resumeProducing(): void {
    this.#checkState();
    this.producerState = "producing";
  }

  /** `tcpNoDelay`. */
  getTcpNoDelay(): boolean {
    return this.tcpNoDelay;
  }

  /** Records `enabled` in `tcpNoDelay`. */
  setTcpNoDelay(enabled: boolean): void {
    this.tcpNoDelay = Boolean(enabled);
  }

  /** `tcpKeepAlive`. */
  getTcpKeepAlive(): boolean {
    return this.tcpKeepAlive;
  }

  /** Records `enabled` in `tcpKeepAlive`. */
  setTcpKeepAlive(enabled: boolean): void {
    this.tcpKeepAlive = Boolean(enabled);
  }
}

/**
 * A StringTransport whose `loseConnection()` tells `protocol` at once: `connected` becomes
 * false and `protocol.connectionLost(Failure(ConnectionDone("Bye.")))` is called (once).
 * Set `protocol` before that (it is not set by `makeConnection`).
 */
export class StringTransportWithDisconnection extends StringTransport {
  /** The protocol told of the disconnection. */
  protocol: Protocol | null = null;

  /** Once: `connected = false`, then the protocol's `connectionLost(ConnectionDone)`. */
  override loseConnection(): void {
    if (!this.connected) return;
    this.connected = false;
    const protocol = this.protocol;
    if (protocol !== null) {
      protocol.connected = false;
      protocol.connectionLost(new Failure(new ConnectionDone("Bye.")));
    }
  }
}
