/**
 * `ClientCreator`, as `twisted.internet.protocol.ClientCreator`: connect one protocol instance
 * and get a Deferred of it.
 * @module
 */
import { inspect } from "node:util";
import { bindMethods } from "../core/bind";
import type { Failure } from "../core/failure";
import type { IDelayedCall, IReactorTime } from "../core/interfaces";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import type { Address } from "./address";
import { ClientFactory } from "./factory";
import type {
  IConnector,
  IReactorSSL,
  IReactorTCP,
  IReactorUNIX,
  TCPConnectOptions,
  TLSOptions,
  UNIXConnectOptions,
} from "./interfaces";
import type { Protocol } from "./protocol";

/** What `ClientCreator` needs of a reactor: time, and the connect methods it is asked to use. */
export type ClientCreatorReactor = IReactorTime &
  Partial<Pick<IReactorTCP, "connectTCP"> & Pick<IReactorUNIX, "connectUNIX"> & Pick<IReactorSSL, "connectSSL">>;

/** `ClientCreator.connectUNIX`'s options: Twisted's `timeout` and `checkPID` keywords. */
export interface ClientCreatorUNIXOptions extends UNIXConnectOptions {
  /** Accepted for Twisted's signature; passed on to the reactor. */
  checkPID?: boolean;
}

/**
 * The factory `ClientCreator` gives the reactor (Twisted's `_InstanceFactory`): it hands out the
 * one protocol instance and fires the Deferred a moment later (`callLater(0)`), so that the
 * protocol's `connectionMade` has run first. Exported for tests ported from Twisted's, which
 * reach it as `protocol._InstanceFactory`.
 */
export class _InstanceFactory<P extends Protocol> extends ClientFactory<P> {
  override noisy = false;
  /** The delayed call that will fire the Deferred, while there is one. */
  pending: IDelayedCall | null = null;
  /** The Deferred to fire; null once its firing is scheduled. */
  deferred: Deferred<P> | null;

  /**
   * @param reactor the clock the Deferred is fired on (`callLater(0)`).
   * @param instance the one protocol instance handed out.
   * @param deferred fired with `instance` once connected, or with the failure.
   */
  constructor(
    /** The clock the Deferred is fired on. */
    readonly reactor: IReactorTime,
    /** The one protocol instance handed out. */
    readonly instance: P,
    deferred: Deferred<P>,
  ) {
    super();
    this.deferred = deferred;
  }

  /** Returns the instance (every time), scheduling the Deferred's callback. */
  override buildProtocol(_addr: Address): P {
    const d = this.deferred;
    if (d !== null) this.pending = this.reactor.callLater(0, this.#fire, () => d.callback(this.instance));
    this.deferred = null;
    return this.instance;
  }

  /** Schedules the Deferred's errback with `reason`. */
  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    const d = this.deferred;
    if (d !== null) this.pending = this.reactor.callLater(0, this.#fire, () => d.errback(reason));
    this.deferred = null;
  }

  readonly #fire = (f: () => void): void => {
    this.pending = null;
    f();
  };

  override toString(): string {
    return `<ClientCreator factory: ${inspect(this.instance, { depth: 0 })}>`;
  }
}

/**
 * Connects a new protocol instance (`new protocolClass(...args)`) and returns a Deferred that
 * fires with it once connected, or fails with the connect error. Cancelling the Deferred
 * disconnects the connector. Twisted recommends endpoints (`connectProtocol`) for new code.
 *
 * @example
 * ```ts
 * const cc = new ClientCreator(reactor, Echo);
 * cc.connectTCP("127.0.0.1", 8000).addCallback((proto) => proto.transport!.write("hi"));
 * ```
 */
export class ClientCreator<P extends Protocol, A extends unknown[] = []> {
  /** The arguments each new protocol is constructed with. */
  readonly args: A;
  /** The reactor whose connect methods are used. */
  readonly reactor: ClientCreatorReactor;
  /** The protocol class each connect call instantiates. */
  readonly protocolClass: new (...args: A) => P;

  /**
   * @param reactor - the reactor to connect with (and whose `callLater` fires the Deferreds).
   * @param protocolClass - the protocol class, constructed with `args` for each connect call.
   * @param args - the constructor's arguments (Twisted's `*args`; keywords become an object).
   */
  constructor(reactor: ClientCreatorReactor, protocolClass: new (...args: A) => P, ...args: A) {
    this.reactor = reactor;
    this.protocolClass = protocolClass;
    if (typeof protocolClass !== "function") {
      throw new TypeError(`ClientCreator: protocolClass must be a protocol class, got ${describeValue(protocolClass)}`);
    }
    this.args = args;
    bindMethods(this as ClientCreator<P, A>, ["connectTCP", "connectUNIX", "connectSSL"]);
  }

  /**
   * `reactor.connectTCP(host, port, factory, { timeout, bindAddress })`. The options may also be
   * given positionally, as Twisted's `connectTCP(host, port, timeout=30, bindAddress=None)`.
   */
  connectTCP(
    host: string,
    port: number,
    timeout: number | TCPConnectOptions = {},
    bindAddress: [string, number] | null = null,
  ): Deferred<P> {
    const options = tcpOptions(timeout, bindAddress);
    return this.#connect((f) => method(this.reactor.connectTCP, "connectTCP").call(this.reactor, host, port, f, options));
  }

  /**
   * `reactor.connectUNIX(address, factory, { timeout, checkPID })`; positionally too, as
   * Twisted's `connectUNIX(address, timeout=30, checkPID=False)`.
   */
  connectUNIX(address: string, timeout: number | ClientCreatorUNIXOptions = {}, checkPID = false): Deferred<P> {
    const options: ClientCreatorUNIXOptions =
      typeof timeout === "number" ? { timeout, checkPID } : { timeout: 30, checkPID: false, ...timeout };
    return this.#connect((f) => method(this.reactor.connectUNIX, "connectUNIX").call(this.reactor, address, f, options));
  }

  /**
   * `reactor.connectSSL(host, port, factory, tls, { timeout, bindAddress })`; positionally too,
   * as Twisted's `connectSSL(host, port, contextFactory, timeout=30, bindAddress=None)`.
   */
  connectSSL(
    host: string,
    port: number,
    tls: TLSOptions,
    timeout: number | TCPConnectOptions = {},
    bindAddress: [string, number] | null = null,
  ): Deferred<P> {
    const options = tcpOptions(timeout, bindAddress);
    return this.#connect((f) => method(this.reactor.connectSSL, "connectSSL").call(this.reactor, host, port, f, tls, options));
  }

  #connect(start: (factory: ClientFactory<P>) => IConnector): Deferred<P> {
    let connector: IConnector | null = null;
    let factory: _InstanceFactory<P> | null = null;
    const d = new Deferred<P>(() => {
      connector?.disconnect();
      if (factory?.pending) factory.pending.cancel();
    });
    factory = new _InstanceFactory(this.reactor, new this.protocolClass(...this.args), d);
    connector = start(factory);
    return d;
  }
}

function tcpOptions(timeout: number | TCPConnectOptions, bindAddress: [string, number] | null): TCPConnectOptions {
  if (typeof timeout === "number") return { timeout, bindAddress };
  return { timeout: 30, bindAddress: null, ...timeout };
}

function method<F>(f: F | undefined, name: string): F {
  if (typeof f !== "function") throw new TypeError(`ClientCreator: the reactor has no ${name} method`);
  return f;
}
