/**
 * `Connector`: a client connection attempt that can be repeated, as Twisted's
 * `base.BaseConnector` (what `connectTCP`, `connectUNIX` and `connectSSL` return).
 * @module
 */
import { getSystemErrorMap } from "node:util";
import type * as net from "node:net";
import { Failure } from "../core/failure";
import { err } from "../log";
import type { IDelayedCall } from "../core/interfaces";
import type { Reactor } from "../reactor/reactor";
import type { Address } from "./address";
import {
  ConnectBindError,
  ConnectError,
  ConnectionLost,
  ConnectionRefusedError,
  ConnectTimeoutError,
  DNSLookupError,
  NoRouteError,
  NotConnectingError,
  UserError,
} from "./errors";
import type { ClientFactory } from "./factory";
import type { IConnector, IProtocol } from "./interfaces";
import { Protocol } from "./protocol";
import { track, untrack } from "./registry";
import { StreamTransport } from "./stream-transport";

/** The log context of a client's `connectionMade`: Twisted's, whose client is not yet named then. */
const CLIENT_CONNECTING_CONTEXT = "Uninitialized";

/** What differs between TCP, UNIX and TLS connections. @internal */
export interface ConnectKind {
  /** Starts connecting; the socket emits `event` once usable (or "error"). */
  connect(): net.Socket;
  /** "connect", or "secureConnect" for TLS (the handshake and verification done). */
  readonly event: "connect" | "secureConnect";
  /** The address connected to, for `getDestination()`. */
  readonly destination: Address;
  /** This side's and the peer's addresses of the connected socket. */
  addressesOf(socket: net.Socket): { host: Address; peer: Address };
  /** The client's own address to connect from (connectTCP's `bindAddress`), if one was given. */
  readonly bindAddress?: [string, number] | null;
}

let systemErrors: Map<number, [string, string]> | null = null;

/**
 * The text of a system error as Twisted shows the strerror of its `(errno, strerror)`: the
 * system's message, then where (`Connection refused (127.0.0.1:8000)`), rather than Node's
 * message, which repeats the code (`connect ECONNREFUSED 127.0.0.1:8000`). Node's message when
 * the error has no system message (a DNS failure, a TLS error).
 */
export function systemErrorText(e: Error): string {
  const { errno, address, port } = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (typeof errno !== "number") return e.message;
  systemErrors ??= getSystemErrorMap();
  const entry = systemErrors.get(errno);
  if (entry === undefined) return e.message;
  const message = entry[1].charAt(0).toUpperCase() + entry[1].slice(1);
  return address === undefined ? message : `${message} (${address}${port === undefined ? "" : `:${port}`})`;
}

/**
 * The Failure value for an error Node reported while connecting: `ECONNREFUSED` →
 * ConnectionRefusedError, `ENOTFOUND`/`EAI_*` → DNSLookupError, `EHOSTUNREACH`/`ENETUNREACH` →
 * NoRouteError, `ETIMEDOUT` → ConnectTimeoutError, a failed bind of the `bindAddress` →
 * ConnectBindError (`bound`: one was given, so `EADDRINUSE` / `EADDRNOTAVAIL` are about it; Node
 * reuses addresses, so a local address:port in use fails at the connect, not at the bind, as
 * Twisted's does), other system errors → ConnectError (each with
 * `osError` = the code and `cause` = Node's error). TLS errors (no errno) are kept as they are.
 */
export function connectErrorFor(e: unknown, bound = false): unknown {
  if (!(e instanceof Error)) return e;
  if (e instanceof ConnectError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const options = { cause: e, osError: code };
  const text = systemErrorText(e); // the code goes first through osError, as Twisted's (errno, string)
  // Binding the client's bindAddress failed: Twisted's tcp.Client gives ConnectBindError.
  if ((e as NodeJS.ErrnoException).syscall === "bind" || (bound && (code === "EADDRINUSE" || code === "EADDRNOTAVAIL"))) {
    return new ConnectBindError(text, options);
  }
  switch (code) {
    case "ECONNREFUSED":
      return new ConnectionRefusedError(text, options);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
    case "EAI_NONAME":
    case "EAI_NODATA":
    case "EAI_ADDRFAMILY":
    case "EAI_SERVICE":
    case "EAI_FAMILY":
      return new DNSLookupError(text, options);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new NoRouteError(text, options);
    case "ETIMEDOUT":
      return new ConnectTimeoutError(text, options);
    default:
      // A TLS error (handshake, certificate) is reported as itself, as Twisted's SSL errors.
      if (code === undefined || !/^E[A-Z]+$/.test(code)) return e;
      return new ConnectError(text, options);
  }
}

/**
 * A client connection attempt, as Twisted's connectors: `state` goes `"connecting"` →
 * `"connected"` → `"disconnected"`; the factory hears `startedConnecting`, then
 * `clientConnectionFailed` or (after a made connection ends) `clientConnectionLost`, and
 * `connect()` tries again (what `ReconnectingClientFactory` does). `Factory.doStart()` runs on the
 * first attempt, `doStop()` once the factory stops using the connector (state disconnected after
 * its callback).
 *
 * @example
 * ```ts
 * const connector = reactor.connectTCP("127.0.0.1", 8000, factory, { timeout: 5 });
 * connector.stopConnecting(); // gives up: clientConnectionFailed(UserError)
 * ```
 */
export class Connector implements IConnector {
  /** The reactor the attempt runs on (its clock times the connection timeout). */
  readonly reactor: Reactor;
  /** The factory told about the attempts. */
  readonly factory: ClientFactory;
  /** Seconds before an attempt fails with ConnectTimeoutError (null: never). */
  readonly timeout: number | null;
  readonly #kind: ConnectKind;
  #state: "disconnected" | "connecting" | "connected" = "disconnected";
  #factoryStarted = false;
  #socket: net.Socket | null = null;
  #timeoutCall: IDelayedCall | null = null;
  #transport: StreamTransport | null = null;

  /** @internal Made by `connectTCP` / `connectUNIX` / `connectSSL`, which then call `connect()`. */
  constructor(reactor: Reactor, factory: ClientFactory, kind: ConnectKind, timeout: number | null) {
    this.reactor = reactor;
    this.factory = factory;
    this.#kind = kind;
    this.timeout = timeout;
  }

  /** `"disconnected"`, `"connecting"` or `"connected"`. */
  get state(): "disconnected" | "connecting" | "connected" {
    return this.#state;
  }

  /** The transport of the made connection, while connected. */
  get transport(): StreamTransport | null {
    return this.#transport;
  }

  /**
   * Starts an attempt: `factory.startedConnecting(this)` runs before this returns.
   * @throws Error when not disconnected.
   */
  readonly connect = (): void => {
    if (this.#state !== "disconnected") throw new Error(`can't connect in this state (${this.#state})`);
    this.#state = "connecting";
    if (!this.#factoryStarted) {
      this.factory.doStart();
      this.#factoryStarted = true;
    }
    let socket: net.Socket;
    try {
      socket = this.#kind.connect();
    } catch (e) {
      // What Node refuses synchronously is reported like any other failed attempt.
      this.#socket = null;
      setImmediate(() => {
        if (this.#state === "connecting" && this.#socket === null) this.#failed(connectErrorFor(e, this.#kind.bindAddress != null));
      });
      this.factory.startedConnecting(this);
      return;
    }
    this.#socket = socket;
    socket.once(this.#kind.event, this.#onConnected);
    socket.on("error", this.#onError);
    if (this.timeout !== null && Number.isFinite(this.timeout)) {
      this.#timeoutCall = this.reactor.callLater(this.timeout, this.#onTimeout);
    }
    track(this.reactor, this);
    this.factory.startedConnecting(this);
  };

  /**
   * Gives up the attempt in progress: the factory gets `clientConnectionFailed(UserError)`.
   * @throws NotConnectingError when not connecting.
   */
  readonly stopConnecting = (): void => {
    if (this.#state !== "connecting") throw new NotConnectingError();
    this.#abandon(new UserError());
  };

  /** Stops connecting, or closes the made connection (`loseConnection()`). */
  readonly disconnect = (): void => {
    if (this.#state === "connecting") this.stopConnecting();
    else if (this.#state === "connected") this.#transport?.loseConnection();
  };

  /** Where the connector connects to. */
  readonly getDestination = (): Address => this.#kind.destination;

  /** Stops connecting for the reactor's shutdown (`clientConnectionFailed(ConnectionLost)`). @internal */
  _closeForShutdown(): void {
    if (this.#state === "connecting") this.#abandon(new ConnectionLost("the reactor stopped"));
  }

  toString(): string {
    return `<Connector to ${String(this.#kind.destination)} ${this.#state}>`;
  }

  // --- internals ---------------------------------------------------------------------------

  readonly #onConnected = (): void => {
    const socket = this.#socket;
    if (socket === null) return;
    socket.off("error", this.#onError);
    this.#clearAttempt();
    let addresses: { host: Address; peer: Address };
    let protocol: IProtocol | null;
    try {
      addresses = this.#kind.addressesOf(socket);
      protocol = this.factory.buildProtocol(addresses.peer);
    } catch (e) {
      err(e, `Unhandled error in ${String(this.factory)}.buildProtocol:`);
      socket.destroy();
      // Twisted's client is lost while still connecting: clientConnectionFailed gets a
      // ConnectError naming the exception (kept here as its cause).
      this.#failed(e instanceof ConnectError ? e : new ConnectError(String(e), { cause: e }));
      return;
    }
    this.#state = "connected";
    const refused = protocol === null || protocol === undefined;
    // buildProtocol may return null: a stand-in protocol, and the connection is closed at once
    // (clientConnectionLost follows), as Twisted.
    const p: IProtocol = refused ? new Protocol() : protocol!;
    const transport = new StreamTransport(this.reactor, socket, p, {
      ...addresses,
      secure: this.#kind.event === "secureConnect",
      onLost: this.#onLost,
    });
    this.#transport = transport;
    if (refused) transport.loseConnection();
    else transport._start(CLIENT_CONNECTING_CONTEXT);
  };

  readonly #onError = (e: Error): void => {
    if (this.#state !== "connecting") return;
    const socket = this.#socket;
    this.#clearAttempt();
    socket?.destroy();
    this.#failed(connectErrorFor(e, this.#kind.bindAddress != null));
  };

  readonly #onTimeout = (): void => {
    this.#timeoutCall = null;
    if (this.#state === "connecting") this.#abandon(new ConnectTimeoutError());
  };

  readonly #onLost = (reason: Failure): void => {
    this.#transport = null;
    this.#state = "disconnected";
    try {
      this.factory.clientConnectionLost(this, reason);
    } catch (e) {
      err(e, `Unhandled error in ${String(this.factory)}.clientConnectionLost:`);
    }
    this.#stopFactoryIfIdle();
  };

  #abandon(reason: unknown): void {
    const socket = this.#socket;
    this.#clearAttempt();
    if (socket !== null) {
      socket.off(this.#kind.event, this.#onConnected);
      socket.on("error", () => {}); // errors of the abandoned socket are of no interest now
      socket.destroy();
    }
    this.#failed(reason);
  }

  #clearAttempt(): void {
    this.#socket = null;
    untrack(this.reactor, this);
    if (this.#timeoutCall !== null) {
      if (this.#timeoutCall.active()) this.#timeoutCall.cancel();
      this.#timeoutCall = null;
    }
  }

  #failed(reason: unknown): void {
    this.#state = "disconnected";
    try {
      this.factory.clientConnectionFailed(this, new Failure(reason));
    } catch (e) {
      err(e, `Unhandled error in ${String(this.factory)}.clientConnectionFailed:`);
    }
    this.#stopFactoryIfIdle();
  }

  #stopFactoryIfIdle(): void {
    // The factory may have called connect() again from its callback.
    if (this.#state === "disconnected" && this.#factoryStarted) {
      this.#factoryStarted = false;
      this.factory.doStop();
    }
  }
}
