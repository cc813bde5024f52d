/**
 * `ProtocolWrapper` and `WrappingFactory`, as `twisted.protocols.policies`.
 * @module
 */
import type { Failure } from "../core/failure";
import { className, describeValue } from "../core/validate";
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
import { bindMethods } from "../core/bind";

/** `"<wrapped's logPrefix() or class name> (<wrapper's class name>)"`, as Twisted's _wrappedLogPrefix. */
function wrappedLogPrefix(wrapper: object, wrapped: unknown): string {
  const inner = wrapped as { logPrefix?(): string } | null | undefined;
  let name: string;
  if (inner !== null && inner !== undefined && typeof inner.logPrefix === "function") name = inner.logPrefix();
  else if (inner === null || inner === undefined) name = String(inner);
  else name = typeof inner === "object" || typeof inner === "function" ? className(inner) : typeof inner;
  return `${name} (${className(wrapper)})`;
}

type AnyTransport = ITransport & Partial<ITCPTransport & IConsumer & IPushProducer> & { stopConsuming?(): void };

function call<K extends keyof AnyTransport>(w: ProtocolWrapper, name: K): AnyTransport {
  const t: AnyTransport | null = w.transport;
  if (t === null) throw new Error(`${className(w)}.${String(name)}: not connected (no transport)`);
  if (typeof t[name] !== "function") throw new TypeError(`${className(w)}: the transport has no ${String(name)}()`);
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
  /** The protocol wrapped (null after `connectionLost`, as Twisted). */
  wrappedProtocol: Protocol;
  /** The factory that made this wrapper. */
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

  /** `Wrapped (ProtocolWrapper)`: the wrapped protocol's prefix (or class name), then this class's name. */
  override logPrefix(): string {
    return wrappedLogPrefix(this, this.wrappedProtocol);
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

  /** Unregisters from the factory, relays to the wrapped protocol, then drops it (`wrappedProtocol` is null after). */
  override connectionLost(reason: Failure): void {
    this.factory.unregisterProtocol(this);
    this.wrappedProtocol.connectionLost(reason);
    // As Twisted: break the reference cycle between the wrapper and the wrapped protocol.
    (this as { wrappedProtocol: Protocol | null }).wrappedProtocol = null;
  }
}

/**
 * A wrapper class: what `WrappingFactory.protocol` holds, constructed with `(factory, wrapped)`.
 * (Its parameters are typed loosely so that a WrappingFactory is also a `Factory` and any
 * ProtocolWrapper subclass can be assigned.)
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProtocolWrapperClass = new (...args: any[]) => ProtocolWrapper;

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
  /** The wrapper class, constructed with `(this, wrappedProtocol)`: ProtocolWrapper by default. */
  override protocol: ProtocolWrapperClass = ProtocolWrapper;
  /** The factory whose protocols are wrapped. */
  wrappedFactory: IProtocolFactory;
  /** The wrappers connected now (value 1, as Twisted's dict). */
  protocols = new Map<ProtocolWrapper, number>();

  /**
   * @param wrappedFactory the factory whose protocols to wrap. Not checked here, as Twisted (its
   *   tests pass None, or an object with only the methods they call); `buildProtocol` throws a
   *   TypeError when it has no `buildProtocol`.
   */
  constructor(wrappedFactory: IProtocolFactory) {
    super();
    this.wrappedFactory = wrappedFactory;
    bindMethods(this as WrappingFactory, ["registerProtocol", "unregisterProtocol"]);
  }

  /** `Wrapped (WrappingFactory)`: the wrapped factory's prefix (or class name), then this class's name. */
  override logPrefix(): string {
    return wrappedLogPrefix(this, this.wrappedFactory);
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
  override buildProtocol(addr: Address): ProtocolWrapper | null {
    const wrapped = this.buildWrappedProtocol(addr);
    return wrapped === null ? null : new this.protocol(this, wrapped);
  }

  /**
   * The wrapped factory's protocol for `addr` (null when it refuses): what `buildProtocol` wraps.
   * @throws TypeError when `wrappedFactory` is not a protocol factory.
   */
  protected buildWrappedProtocol(addr: Address): IProtocol | null {
    const inner = this.wrappedFactory as Partial<IProtocolFactory> | null;
    if (inner === null || typeof inner !== "object" || typeof inner.buildProtocol !== "function") {
      throw new TypeError(
        `${className(this)}.buildProtocol: wrappedFactory must be a protocol factory, got ${describeValue(inner)}`,
      );
    }
    return inner.buildProtocol(addr);
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
