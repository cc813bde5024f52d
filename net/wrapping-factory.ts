/**
 * The wrapping factory and protocol of the client endpoints (Twisted's
 * `_WrappingFactory` / `_WrappingProtocol`), and the helpers that start a connection attempt or
 * a port and hand back the Deferred of its outcome.
 * @module
 */
import { className } from "../core/validate";
import { Failure } from "../core/failure";
import { NamedError } from "../core/named-error";
import { Deferred } from "../defer/deferred";
import { fail } from "../defer/functions";
import { err } from "../log";
import type { Address } from "./address";
import { ConnectingCancelledError, NotConnectingError } from "./errors";
import { ClientFactory } from "./factory";
import type { IConnector, IListeningPort, IListeningPortReady, IProtocol, IProtocolFactory, ITransport } from "./interfaces";
import { Protocol } from "./protocol";

/** `buildProtocol` returned null: the factory refused the connection (Twisted's `error.NoProtocol`). */
export class NoProtocol extends NamedError {
  constructor(message = "The factory's buildProtocol returned null: no protocol for this connection") {
    super(message);
  }
}

type MaybeHalfCloseable = IProtocol & {
  readConnectionLost?: () => void;
  writeConnectionLost?: () => void;
  handshakeCompleted?: () => void;
  logPrefix?: () => string;
};

/**
 * @internal Stands between the transport and the user's protocol: on `connectionMade` it
 * connects the user's protocol to the same transport and fires the endpoint's Deferred with it;
 * every other event is passed straight through. It has `readConnectionLost` /
 * `writeConnectionLost` / `handshakeCompleted` only when the wrapped protocol does, so the
 * transport sees the same capabilities.
 */
export class _WrappingProtocol extends Protocol {
  readonly _connectedDeferred: Deferred<IProtocol>;
  readonly _wrappedProtocol: IProtocol;
  // `declare`: no own property unless the wrapped protocol has the method (`in` checks see it).
  declare readConnectionLost?: () => void;
  declare writeConnectionLost?: () => void;
  declare handshakeCompleted?: () => void;

  constructor(connectedDeferred: Deferred<IProtocol>, wrappedProtocol: IProtocol) {
    super();
    this._connectedDeferred = connectedDeferred;
    this._wrappedProtocol = wrappedProtocol;
    const w = wrappedProtocol as MaybeHalfCloseable;
    if (typeof w.readConnectionLost === "function") this.readConnectionLost = () => w.readConnectionLost!();
    if (typeof w.writeConnectionLost === "function") this.writeConnectionLost = () => w.writeConnectionLost!();
    if (typeof w.handshakeCompleted === "function") this.handshakeCompleted = () => w.handshakeCompleted!();
  }

  /** The wrapped protocol's log prefix (its class name when it has none). */
  override logPrefix(): string {
    const w = this._wrappedProtocol as MaybeHalfCloseable;
    return typeof w.logPrefix === "function" ? w.logPrefix() : className(w);
  }

  /**
   * Connects the wrapped protocol to this transport, then fires the Deferred with it. When the
   * wrapped `connectionMade` throws, the Deferred fails with that error and the error goes on to
   * the transport (which logs it and drops the connection), so neither side waits forever.
   */
  override connectionMade(): void {
    try {
      this._wrappedProtocol.makeConnection(this.transport as ITransport);
    } catch (e) {
      if (!this._connectedDeferred.called) this._connectedDeferred.errback(new Failure(e));
      throw e;
    }
    if (!this._connectedDeferred.called) this._connectedDeferred.callback(this._wrappedProtocol);
  }

  override dataReceived(data: Buffer): void {
    this._wrappedProtocol.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    this._wrappedProtocol.connectionLost(reason);
  }
}

/**
 * @internal Wraps the user's factory for one connection attempt: builds a `_WrappingProtocol`
 * around each protocol the user's factory builds, and fails `_onConnection` when the attempt
 * fails, when `buildProtocol` throws or returns null, or when the connection is lost before the
 * user's protocol was connected. `doStart`/`doStop` go to the user's factory.
 */
export class _WrappingFactory extends ClientFactory {
  readonly _wrappedFactory: IProtocolFactory;
  readonly _onConnection: Deferred<IProtocol>;
  _connector: IConnector | null = null;

  constructor(wrappedFactory: IProtocolFactory) {
    super();
    this.noisy = false;
    this._wrappedFactory = wrappedFactory;
    this._onConnection = new Deferred<IProtocol>(this.#canceller);
  }

  /** Remembers the connector, to stop it when the Deferred is cancelled. */
  override startedConnecting(connector: IConnector): void {
    this._connector = connector;
  }

  /** Cancelled while connecting: fail with ConnectingCancelledError, then stop the attempt. */
  #canceller = (d: Deferred<IProtocol>): void => {
    const connector = this._connector;
    d.errback(new Failure(new ConnectingCancelledError(connector === null ? null : connector.getDestination())));
    if (connector === null) return;
    try {
      connector.stopConnecting();
    } catch (e) {
      if (!(e instanceof NotConnectingError)) err(e, "Error stopping a cancelled connection attempt:");
    }
  };

  override doStart(): void {
    this._wrappedFactory.doStart();
  }

  override doStop(): void {
    this._wrappedFactory.doStop();
  }

  override buildProtocol(addr: Address): Protocol | null {
    let proto: IProtocol | null;
    try {
      proto = this._wrappedFactory.buildProtocol(addr);
      if (proto === null || proto === undefined) throw new NoProtocol();
    } catch (e) {
      if (!this._onConnection.called) this._onConnection.errback(new Failure(e));
      return null;
    }
    return new _WrappingProtocol(this._onConnection, proto);
  }

  override clientConnectionFailed(_connector: IConnector, reason: Failure): void {
    if (!this._onConnection.called) this._onConnection.errback(reason);
  }

  override clientConnectionLost(_connector: IConnector, reason: Failure): void {
    if (!this._onConnection.called) this._onConnection.errback(reason);
  }
}

/**
 * @internal Starts a connection attempt with `start(wrappingFactory)` and returns the Deferred
 * of the connected protocol; a throw from `start` is a failed Deferred, as Twisted's.
 */
export function _connectWith(factory: IProtocolFactory, start: (wf: _WrappingFactory) => void): Deferred<IProtocol> {
  const wf = new _WrappingFactory(factory);
  try {
    start(wf);
  } catch (e) {
    return fail(new Failure(e));
  }
  return wf._onConnection;
}

/**
 * @internal Starts listening with `start()` and returns a Deferred of the port once bound.
 * Cancelling it before then stops the port and fails with CancelledError.
 */
export function _listenWith(start: () => IListeningPortReady): Deferred<IListeningPort> {
  let port: IListeningPortReady;
  try {
    port = start();
  } catch (e) {
    return fail(new Failure(e));
  }
  const d = new Deferred<IListeningPort>(() => {
    try {
      void port.stopListening().addErrback((f) => err(f, "Error stopping a port whose listen() was cancelled:"));
    } catch (e) {
      err(e, "Error stopping a port whose listen() was cancelled:");
    }
  });
  port.whenListening().addBoth((result) => {
    if (!d.called) {
      if (result instanceof Failure) d.errback(result);
      else d.callback(result);
    }
    return null; // the result went to `d` (or nobody wants it any more)
  });
  return d;
}
