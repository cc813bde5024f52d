/**
 * `ProtocolWrapper` and `WrappingFactory`, as `twisted.protocols.policies`.
 * @module
 */
import type { Failure } from "../core/failure";
import type { Address } from "../net/address";
import { ClientFactory } from "../net/factory";
import type {
  Data,
  IConnector,
  IProducer,
  IProtocol,
  IProtocolFactory,
  ITCPTransport,
  ITransport,
  IConsumer,
  IPushProducer,
} from "../net/interfaces";
import { Protocol } from "../net/protocol";
import { bindMethods } from "./pauseable";

type AnyTransport = ITransport & Partial<ITCPTransport & IConsumer & IPushProducer> & { stopConsuming?(): void };

function call<K extends keyof AnyTransport>(w: ProtocolWrapper, name: K): AnyTransport {
  const t = w.transport as AnyTransport | null;
  if (t === null) throw new Error(`${w.constructor.name}.${String(name)}: not connected (no transport)`);
  if (typeof t[name] !== "function") throw new TypeError(`${w.constructor.name}: the transport has no ${String(name)}()`);
  return t;
}

/**
 * Sits between a transport and a protocol: it is the wrapped protocol's transport (relaying
 * writes, producer calls and the ITCPTransport members to the real one) and relays what the
 * real transport delivers to the wrapped protocol. Subclass it to watch or alter the traffic
 * (throttling, counting, timeouts), with a {@link WrappingFactory}.
 */
export class ProtocolWrapper extends Protocol implements ITCPTransport, IConsumer, IPushProducer {
  /** 1 once `loseConnection()` was called through this wrapper, else 0. */
  disconnecting: number | boolean = 0;
  /** The protocol wrapped (null after connectionLost). */
  wrappedProtocol: Protocol;
  /** The factory that made this wrapper. */
  // @ts-expect-error -- a WrappingFactory's protocol class takes (factory, wrapped), unlike Factory's.
  declare factory: WrappingFactory;

  /** @param factory the WrappingFactory that built it; @param wrappedProtocol the protocol to wrap. */
  constructor(factory: WrappingFactory, wrappedProtocol: Protocol) {
    super();
    this.wrappedProtocol = wrappedProtocol;
    this.factory = factory;
    bindMethods(this as ProtocolWrapper, [
      "write", "writeSequence", "loseConnection", "getPeer", "getHost", "abortConnection",
      "loseWriteConnection", "getTcpNoDelay", "setTcpNoDelay", "getTcpKeepAlive", "setTcpKeepAlive",
      "registerProducer", "unregisterProducer", "stopConsuming", "pauseProducing", "resumeProducing",
      "stopProducing",
    ]);
  }

  /** `Wrapped (wrapper)` style prefix: the wrapped protocol's, then this class's name. */
  override logPrefix(): string {
    const inner = this.wrappedProtocol as { logPrefix?(): string } | null;
    const name = inner !== null && typeof inner.logPrefix === "function" ? inner.logPrefix() : String(inner);
    return `${name} (${this.constructor.name})`;
  }

  /** Connects this wrapper, registers it with its factory, and connects the wrapped protocol to it. */
  override makeConnection(transport: ITransport): void {
    super.makeConnection(transport);
    this.factory.registerProtocol(this);
    this.wrappedProtocol.makeConnection(this);
  }

  // --- transport relaying ---
  /** Relays to the real transport's `write`. */
  write(data: Data): void {
    call(this, "write").write(data);
  }
  /** Relays to the real transport's `writeSequence`. */
  writeSequence(data: Iterable<Data>): void {
    call(this, "writeSequence").writeSequence(data);
  }
  /** Relays to the real transport's `loseConnection`. */
  loseConnection(): void {
    this.disconnecting = 1;
    call(this, "loseConnection").loseConnection();
  }
  /** Relays to the real transport's `getPeer`. */
  getPeer(): Address {
    return call(this, "getPeer").getPeer();
  }
  /** Relays to the real transport's `getHost`. */
  getHost(): Address {
    return call(this, "getHost").getHost();
  }
  /** Relays to the real transport's `abortConnection`. */
  abortConnection(): void {
    call(this, "abortConnection").abortConnection!();
  }
  /** Relays to the real transport's `loseWriteConnection`. */
  loseWriteConnection(): void {
    call(this, "loseWriteConnection").loseWriteConnection!();
  }
  /** Relays to the real transport's `getTcpNoDelay`. */
  getTcpNoDelay(): boolean {
    return call(this, "getTcpNoDelay").getTcpNoDelay!();
  }
  /** Relays to the real transport's `setTcpNoDelay`. */
  setTcpNoDelay(enabled: boolean): void {
    call(this, "setTcpNoDelay").setTcpNoDelay!(enabled);
  }
  /** Relays to the real transport's `getTcpKeepAlive`. */
  getTcpKeepAlive(): boolean {
    return call(this, "getTcpKeepAlive").getTcpKeepAlive!();
  }
  /** Relays to the real transport's `setTcpKeepAlive`. */
  setTcpKeepAlive(enabled: boolean): void {
    call(this, "setTcpKeepAlive").setTcpKeepAlive!(enabled);
  }
  /** Relays to the real transport's `registerProducer`. */
  registerProducer(producer: IProducer, streaming: boolean): void {
    call(this, "registerProducer").registerProducer!(producer, streaming);
  }
  /** Relays to the real transport's `unregisterProducer`. */
  unregisterProducer(): void {
    call(this, "unregisterProducer").unregisterProducer!();
  }
  /** Relays to the real transport's `stopConsuming`. */
  stopConsuming(): void {
    call(this, "stopConsuming").stopConsuming!();
  }
  /** Relays to the real transport's `pauseProducing`. */
  pauseProducing(): void {
    call(this, "pauseProducing").pauseProducing!();
  }
  /** Relays to the real transport's `resumeProducing`. */
  resumeProducing(): void {
    call(this, "resumeProducing").resumeProducing!();
  }
  /** Relays to the real transport's `stopProducing`. */
  stopProducing(): void {
    call(this, "stopProducing").stopProducing!();
  }

  // --- protocol relaying ---
  /** Relays to the wrapped protocol. */
  override dataReceived(data: Buffer): void {
    this.wrappedProtocol.dataReceived(data);
  }

  /** Unregisters from the factory and relays to the wrapped protocol. */
  override connectionLost(reason: Failure): void {
    this.factory.unregisterProtocol(this);
    this.wrappedProtocol.connectionLost(reason);
  }
}

/** A wrapper class: what `WrappingFactory.protocol` holds. */
export type ProtocolWrapperClass = new (factory: WrappingFactory, wrapped: Protocol) => ProtocolWrapper;

/**
 * Wraps the protocols another factory builds in `this.protocol` (a {@link ProtocolWrapper} by
 * default), relaying the factory calls to it; `protocols` holds the wrappers connected now.
 *
 * @example
 * ```ts
 * reactor.listenTCP(8000, new WrappingFactory(Factory.forProtocol(Echo)));
 * ```
 */
export class WrappingFactory extends ClientFactory {
  // @ts-expect-error -- Twisted's WrappingFactory.protocol takes (factory, wrapped), unlike Factory's.
  protocol: ProtocolWrapperClass = ProtocolWrapper;
  /** The factory whose protocols are wrapped. */
  wrappedFactory: IProtocolFactory;
  /** The wrappers connected now (value 1, as Twisted's dict). */
  protocols = new Map<ProtocolWrapper, number>();

  /**
   * @param wrappedFactory the factory whose protocols to wrap.
   * @throws TypeError when it is not a protocol factory.
   */
  constructor(wrappedFactory: IProtocolFactory) {
    super();
    if (wrappedFactory === null || typeof wrappedFactory !== "object" || typeof wrappedFactory.buildProtocol !== "function") {
      throw new TypeError(`WrappingFactory: wrappedFactory must be a protocol factory, got ${String(wrappedFactory)}`);
    }
    this.wrappedFactory = wrappedFactory;
  }

  /** The wrapped factory's prefix, then this class's name. */
  override logPrefix(): string {
    const inner = this.wrappedFactory as { logPrefix?(): string };
    const name = typeof inner.logPrefix === "function" ? inner.logPrefix() : String(inner);
    return `${name} (${this.constructor.name})`;
  }

  override doStart(): void {
    this.wrappedFactory.doStart();
    super.doStart();
  }

  override doStop(): void {
    this.wrappedFactory.doStop();
    super.doStop();
  }

  override startedConnecting(connector: IConnector): void {
    (this.wrappedFactory as Partial<ClientFactory>).startedConnecting?.(connector);
  }

  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as Partial<ClientFactory>).clientConnectionFailed?.(connector, reason);
  }

  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    (this.wrappedFactory as Partial<ClientFactory>).clientConnectionLost?.(connector, reason);
  }

  /** A wrapper around the wrapped factory's protocol for `addr` (null when that one refuses). */
  // @ts-expect-error -- returns the wrapper, whatever the wrapped protocol type.
  override buildProtocol(addr: Address): ProtocolWrapper | null {
    const wrapped = this.wrappedFactory.buildProtocol(addr) as IProtocol | null;
    if (wrapped === null) return null;
    return new this.protocol(this, wrapped as Protocol);
  }

  /** Called by a wrapper once connected. */
  registerProtocol(p: ProtocolWrapper): void {
    this.protocols.set(p, 1);
  }

  /** Called by a wrapper once its connection is lost. */
  unregisterProtocol(p: ProtocolWrapper): void {
    this.protocols.delete(p);
  }
}
