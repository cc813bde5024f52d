/**
 * `ProtocolToConsumerAdapter` and `ConsumerToProtocolAdapter`, as `twisted.internet.protocol`'s:
 * a protocol seen as a consumer, and a consumer seen as a protocol. Twisted applies them through
 * zope adaptation (`IConsumer(protocol)`); here they are constructed explicitly.
 * @module
 */
import { bindMethods } from "../core/bind";
import type { Failure } from "../core/failure";
import type { Data, IConsumer, IProducer, IProtocol, ITransport } from "./interfaces";

/** What `ProtocolToConsumerAdapter` needs of a protocol: `dataReceived`. */
export type DataReceiver = Pick<IProtocol, "dataReceived">;

/**
 * A protocol seen as an `IConsumer`: `write(data)` calls the protocol's `dataReceived(data)`
 * (a string as UTF-8 bytes); producers are accepted and ignored, as Twisted's.
 *
 * @example
 * ```ts
 * const consumer = new ProtocolToConsumerAdapter(protocol);
 * consumer.write(Buffer.from("hello")); // protocol.dataReceived(<Buffer 68 65 6c 6c 6f>)
 * ```
 */
export class ProtocolToConsumerAdapter implements IConsumer {
  /** @param original - the adapted protocol (Twisted's `Adapter.original`). */
  constructor(readonly original: DataReceiver) {
    bindMethods(this as ProtocolToConsumerAdapter, ["write", "registerProducer", "unregisterProducer"]);
  }

  /** Hands `data` to the protocol's `dataReceived`. */
  write(data: Data): void {
    this.original.dataReceived(typeof data === "string" ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
  }

  /** Does nothing, as Twisted's. */
  registerProducer(_producer: IProducer, _streaming: boolean): void {}

  /** Does nothing, as Twisted's. */
  unregisterProducer(): void {}
}

/**
 * A consumer seen as a protocol: `dataReceived(data)` calls the consumer's `write(data)`; the
 * connection callbacks do nothing, as Twisted's.
 *
 * @example
 * ```ts
 * const protocol = new ConsumerToProtocolAdapter(consumer);
 * protocol.dataReceived(Buffer.from("hello")); // consumer.write(<Buffer 68 65 6c 6c 6f>)
 * ```
 */
export class ConsumerToProtocolAdapter implements IProtocol {
  /** Always false: the adapter is never connected itself. */
  connected = false;
  /** Always null. */
  transport: ITransport | null = null;

  /** @param original - the adapted consumer (Twisted's `Adapter.original`). */
  constructor(readonly original: Pick<IConsumer, "write">) {
    bindMethods(this as ConsumerToProtocolAdapter, ["dataReceived", "connectionLost", "makeConnection", "connectionMade"]);
  }

  /** Writes `data` to the consumer. */
  dataReceived(data: Buffer): void {
    this.original.write(data);
  }

  /** Does nothing, as Twisted's. */
  connectionLost(_reason: Failure): void {}

  /** Does nothing, as Twisted's (the transport is not kept). */
  makeConnection(_transport: ITransport): void {}

  /** Does nothing, as Twisted's. */
  connectionMade(): void {}
}
