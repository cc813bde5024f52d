/**
 * `ThrottlingFactory` and `ThrottlingProtocol`, as `twisted.protocols.policies`: a cap on the
 * connections a factory serves at once, and on the bytes per second read and written by all of
 * them together, checked once a second.
 * @module
 */
import type { IDelayedCall } from "../core/interfaces";
import { bindMethods } from "../core/bind";
import { describeValue } from "../core/validate";
import { msg } from "../log";
import type { Address } from "../net/address";
import type { Data, IProducer, IProtocolFactory, IPushProducer } from "../net/interfaces";
import type { Protocol } from "../net/protocol";
import { reactor } from "../reactor";
import { ProtocolWrapper, WrappingFactory, type ProtocolWrapperClass } from "./protocol-wrapper";

/** The bytes `data` is on the wire (a string as UTF-8). */
function byteLength(data: Data): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

/** The wrapper of {@link ThrottlingFactory}: counts what goes through and pauses on demand. */
export class ThrottlingProtocol extends ProtocolWrapper {
  declare factory: ThrottlingFactory;
  /** The producer registered through this wrapper, if any (write throttling pauses it). */
  producer: IProducer | null = null;

  /** @param factory the ThrottlingFactory that built it; @param wrappedProtocol the protocol to wrap. */
  constructor(factory: ThrottlingFactory, wrappedProtocol: Protocol) {
    super(factory, wrappedProtocol);
    bindMethods(this as ThrottlingProtocol, ["throttleReads", "unthrottleReads", "throttleWrites", "unthrottleWrites"]);
  }

  override write(data: Data): void {
    this.factory.registerWritten(byteLength(data));
    super.write(data);
  }

  override writeSequence(data: Iterable<Data>): void {
    const items = [...data];
    this.factory.registerWritten(items.reduce((n, d) => n + byteLength(d), 0));
    super.writeSequence(items);
  }

  override dataReceived(data: Buffer): void {
    this.factory.registerRead(data.length);
    super.dataReceived(data);
  }

  override registerProducer(producer: IProducer, streaming: boolean): void {
    this.producer = producer;
    super.registerProducer(producer, streaming);
  }

  override unregisterProducer(): void {
    this.producer = null;
    super.unregisterProducer();
  }

  /** Stops reading (the transport's `pauseProducing`). */
  throttleReads(): void {
    this.pauseProducing();
  }

  /** Reads again. */
  unthrottleReads(): void {
    this.resumeProducing();
  }

  /** Pauses the registered producer, if any (writes are throttled only through a producer). */
  throttleWrites(): void {
    (this.producer as IPushProducer | null)?.pauseProducing?.();
  }

  /** Resumes the registered producer, if any. */
  unthrottleWrites(): void {
    (this.producer as IPushProducer | null)?.resumeProducing?.();
  }
}

function checkLimit(what: string, value: unknown, min: 0 | 1): asserts value is number | null {
  if (value === null) return;
  if (typeof value !== "number" || !(value >= min)) {
    throw new TypeError(`ThrottlingFactory: ${what} must be a number >= ${min}${min === 0 ? "" : " (or null)"}, got ${describeValue(value)}`);
  }
}

/**
 * Limits the connections served at once (`maxConnectionCount`: a connection past it is refused)
 * and the bytes per second read (`readLimit`) and written (`writeLimit`) by all of them. Once a
 * second the bytes of the last second are compared with the limit; past it, every connection
 * stops reading (or its producer is paused, for writes) for the time the excess takes at the
 * limit. Writes are throttled only for connections with a registered producer, as Twisted's.
 *
 * @example
 * ```ts
 * // at most 10 clients, reading 100 kB/s in total
 * reactor.listenTCP(8000, new ThrottlingFactory(Factory.forProtocol(Echo), 10, 100_000));
 * ```
 */
export class ThrottlingFactory extends WrappingFactory {
  override protocol: ProtocolWrapperClass = ThrottlingProtocol;
  /** Connections served now. */
  connectionCount = 0;
  /** Connections served at once at most. */
  maxConnectionCount: number;
  /** Bytes read per second at most, by all connections (null: no limit). */
  readLimit: number | null;
  /** Bytes written per second at most (null: no limit). */
  writeLimit: number | null;
  /** Bytes read since the last check. */
  readThisSecond = 0;
  /** Bytes written since the last check. */
  writtenThisSecond = 0;
  /** The pending end of a read throttle, or null. */
  unthrottleReadsID: IDelayedCall | null = null;
  /** The pending read check (once a second while connections are open), or null. */
  checkReadBandwidthID: IDelayedCall | null = null;
  /** The pending end of a write throttle, or null. */
  unthrottleWritesID: IDelayedCall | null = null;
  /** The pending write check, or null. */
  checkWriteBandwidthID: IDelayedCall | null = null;

  /**
   * @param maxConnectionCount connections served at once at most (default: no limit).
   * @param readLimit bytes per second read at most, in total (null: none).
   * @param writeLimit bytes per second written at most, in total (null: none).
   * @throws TypeError for a count that is not a number >= 0, or a byte limit not >= 1 or null.
   */
  constructor(wrappedFactory: IProtocolFactory, maxConnectionCount = Number.MAX_SAFE_INTEGER, readLimit: number | null = null, writeLimit: number | null = null) {
    super(wrappedFactory);
    if (maxConnectionCount === null) throw new TypeError("ThrottlingFactory: maxConnectionCount must be a number >= 0, got null");
    checkLimit("maxConnectionCount", maxConnectionCount, 0); // 0 refuses every connection, as Twisted's
    checkLimit("readLimit", readLimit, 1);
    checkLimit("writeLimit", writeLimit, 1);
    this.maxConnectionCount = maxConnectionCount;
    this.readLimit = readLimit;
    this.writeLimit = writeLimit;
    bindMethods(this as ThrottlingFactory, [
      "callLater", "registerWritten", "registerRead", "checkReadBandwidth", "checkWriteBandwidth",
      "throttleReads", "unthrottleReads", "throttleWrites", "unthrottleWrites",
    ]);
  }

  /** Schedules `f` in `period` seconds on the global reactor; tests replace it with a Clock's. */
  callLater(period: number, f: () => void): IDelayedCall {
    return reactor.callLater(period, f);
  }

  /** Called by a wrapper for the bytes it wrote. */
  registerWritten(length: number): void {
    this.writtenThisSecond += length;
  }

  /** Called by a wrapper for the bytes it read. */
  registerRead(length: number): void {
    this.readThisSecond += length;
  }

  /** Throttles reads if the last second read past `readLimit`; checks again in a second. */
  checkReadBandwidth(): void {
    const end = this.#throttleIfOver(this.readThisSecond, this.readLimit as number, () => this.throttleReads(), () => this.unthrottleReads());
    if (end !== null) this.unthrottleReadsID = end;
    this.readThisSecond = 0;
    this.checkReadBandwidthID = this.callLater(1, () => this.checkReadBandwidth());
  }

  /** Throttles writes if the last second wrote past `writeLimit`; checks again in a second. */
  checkWriteBandwidth(): void {
    const end = this.#throttleIfOver(this.writtenThisSecond, this.writeLimit as number, () => this.throttleWrites(), () => this.unthrottleWrites());
    if (end !== null) this.unthrottleWritesID = end;
    this.writtenThisSecond = 0;
    this.checkWriteBandwidthID = this.callLater(1, () => this.checkWriteBandwidth());
  }

  /**
   * Past `limit` bytes in the last second: throttles now, and schedules the end of it after the
   * time the excess takes at the limit (`bytes / limit - 1` seconds); returns that call.
   */
  #throttleIfOver(bytes: number, limit: number, throttle: () => void, unthrottle: () => void): IDelayedCall | null {
    if (bytes <= limit) return null;
    throttle();
    return this.callLater(bytes / limit - 1, unthrottle);
  }

  /** Stops reading on every connection. */
  throttleReads(): void {
    msg(`Throttling reads on ${String(this)}`);
    for (const p of this.protocols.keys()) (p as ThrottlingProtocol).throttleReads();
  }

  /** Reads again on every connection. */
  unthrottleReads(): void {
    this.unthrottleReadsID = null;
    msg(`Stopped throttling reads on ${String(this)}`);
    for (const p of this.protocols.keys()) (p as ThrottlingProtocol).unthrottleReads();
  }

  /** Pauses every connection's producer. */
  throttleWrites(): void {
    msg(`Throttling writes on ${String(this)}`);
    for (const p of this.protocols.keys()) (p as ThrottlingProtocol).throttleWrites();
  }

  /** Resumes every connection's producer. */
  unthrottleWrites(): void {
    this.unthrottleWritesID = null;
    msg(`Stopped throttling writes on ${String(this)}`);
    for (const p of this.protocols.keys()) (p as ThrottlingProtocol).unthrottleWrites();
  }

  /**
   * A wrapper, or null past `maxConnectionCount` (or when the wrapped factory refuses); the first
   * connection starts the checks.
   */
  override buildProtocol(addr: Address): ProtocolWrapper | null {
    if (this.connectionCount >= this.maxConnectionCount) {
      msg("Max connection count reached!");
      return null;
    }
    // Counted only once built: a refused (or throwing) wrapped factory leaves no wrapper whose
    // end would count it out.
    const wrapper = super.buildProtocol(addr);
    if (wrapper === null) return null;
    if (this.connectionCount === 0) {
      if (this.readLimit !== null) this.checkReadBandwidth();
      if (this.writeLimit !== null) this.checkWriteBandwidth();
    }
    this.connectionCount += 1;
    return wrapper;
  }

  /** Counts the connection gone; the last one stops the checks. */
  override unregisterProtocol(p: ProtocolWrapper): void {
    super.unregisterProtocol(p);
    this.connectionCount -= 1;
    if (this.connectionCount === 0) {
      for (const id of [this.unthrottleReadsID, this.checkReadBandwidthID, this.unthrottleWritesID, this.checkWriteBandwidthID]) {
        if (id !== null && id.active()) id.cancel();
      }
      this.unthrottleReadsID = this.checkReadBandwidthID = this.unthrottleWritesID = this.checkWriteBandwidthID = null;
    }
  }
}
