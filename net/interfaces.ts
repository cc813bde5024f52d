/**
 * The interfaces of Twisted's I/O model (`twisted.internet.interfaces`), as TypeScript types.
 * @module
 */
import type { SecureContextOptions, TLSSocketOptions } from "node:tls";
import type { Address } from "./address";
import type { Failure } from "../core/failure";
import type { Deferred } from "../defer/deferred";
import type { ClientFactory } from "./factory";

/** What can be written: a `string` is encoded as UTF-8. */
export type Data = Buffer | Uint8Array | string;

/** A connection's outgoing side and its addresses. */
export interface ITransport {
  /** Sends `data` (buffered; never blocks). Ignored once the connection is closing or closed. */
  write(data: Data): void;
  /** Sends each item in turn, as one `write` of their concatenation. */
  writeSequence(data: Iterable<Data>): void;
  /** Flushes what is buffered, then closes (the protocol gets `connectionLost(ConnectionDone)`). */
  loseConnection(): void;
  /** The other side's address. */
  getPeer(): Address;
  /** This side's address. */
  getHost(): Address;
}

/** A TCP connection's transport. */
export interface ITCPTransport extends ITransport {
  /** Closes now with a reset, dropping the buffer: the protocol gets `ConnectionAborted`. */
  abortConnection(): void;
  /** Half-closes: sends FIN, keeps reading. */
  loseWriteConnection(): void;
  /** Whether Nagle's algorithm is off (TCP_NODELAY). */
  getTcpNoDelay(): boolean;
  /** Turns Nagle's algorithm off (`true`) or back on. */
  setTcpNoDelay(enabled: boolean): void;
  /** Whether TCP keep-alive probes are on. */
  getTcpKeepAlive(): boolean;
  /** Turns TCP keep-alive probes on or off. */
  setTcpKeepAlive(enabled: boolean): void;
}

/** Options of TLS ports and connections: Node's, plus `hostname` for clients. */
export type TLSOptions = SecureContextOptions &
  TLSSocketOptions & {
    /** Client: the name verified against the server's certificate (default: the host connected to). */
    hostname?: string;
  };

/** A transport that can be upgraded to TLS in place (STARTTLS). */
export interface ITLSTransport extends ITCPTransport {
  /**
   * Upgrades the connection to TLS in place (STARTTLS); `isServer` (default false) says which
   * side of the handshake this is. A failed handshake ends the connection with the TLS error.
   */
  startTLS(options: TLSOptions, isServer?: boolean): void;
}

/** A source of data a consumer can stop. */
export interface IProducer {
  /** Stops for good: the consumer will not ask again (e.g. its connection was lost). */
  stopProducing(): void;
}

/** A producer that writes on its own until paused ("streaming"). */
export interface IPushProducer extends IProducer {
  /** Stops writing until `resumeProducing()` (the consumer's buffer is full). */
  pauseProducing(): void;
  /** Writes again after `pauseProducing()`. */
  resumeProducing(): void;
}

/** A producer that writes once each time it is asked ("non-streaming"). */
export interface IPullProducer extends IProducer {
  /** Writes the next piece: called each time the consumer is ready for more. */
  resumeProducing(): void;
}

/** A sink of data that drives a registered producer (flow control). */
export interface IConsumer {
  /** Registers `producer`; `streaming` says push (true) or pull (false). A second one throws. */
  registerProducer(producer: IProducer, streaming: boolean): void;
  /** Unregisters the producer (a pending `loseConnection()` then goes ahead). */
  unregisterProducer(): void;
  /** Accepts `data` (a `string` as UTF-8). */
  write(data: Data): void;
}

/** A listening port. */
export interface IListeningPort {
  /** The address the port is bound to. */
  getHost(): Address;
  /** Stops accepting connections (open ones stay open); fires once the port is closed. */
  stopListening(): Deferred<void>;
  /** Listens again on the same address after `stopListening()`. */
  startListening(): void;
}

/** A client connection attempt, which can be repeated. */
export interface IConnector {
  /** Starts a (new) connection attempt. */
  connect(): void;
  /** Stops connecting, or closes the made connection. */
  disconnect(): void;
  /** Gives up the attempt in progress (`NotConnectingError` when not connecting). */
  stopConnecting(): void;
  /** Where the connector connects to. */
  getDestination(): Address;
  /** Where the connector is in its life cycle. */
  readonly state: "disconnected" | "connecting" | "connected";
}

/** A protocol told separately when each direction of the connection closes. */
export interface IHalfCloseableProtocol {
  /** The peer half-closed (sent FIN): no more data will arrive; writing still works. */
  readConnectionLost(): void;
  /** `loseWriteConnection()` has flushed and sent FIN: no more writing. */
  writeConnectionLost(): void;
}

/** What a stream transport drives: the shape of `Protocol`. */
export interface IProtocol {
  /** Sets `transport` and `connected`, then calls `connectionMade()`. */
  makeConnection(transport: ITransport): void;
  /** The connection is made. */
  connectionMade(): void;
  /** Bytes arrived (in chunks of any size). */
  dataReceived(data: Buffer): void;
  /** The connection ended (called once), with why. */
  connectionLost(reason: Failure): void;
  /** True between `makeConnection` and `connectionLost`. */
  connected: boolean;
  /** The transport, once connected. */
  transport: ITransport | null;
}

/** Builds a protocol for each new connection. */
export interface IProtocolFactory {
  /** A protocol for a connection from/to `addr`, or null to refuse it. */
  buildProtocol(addr: Address): IProtocol | null;
  /** A port or connector starts using the factory. */
  doStart(): void;
  /** A port or connector is done with the factory. */
  doStop(): void;
}

/** A port being bound: an `IListeningPort` plus `whenListening()` (binding is asynchronous in Node). */
export interface IListeningPortReady extends IListeningPort {
  /** The address the port is bound to. @throws Error before it is bound: wait for `whenListening()`. */
  getHost(): Address;
  /** Fires with the port once bound; fails with `CannotListenError` when binding fails. */
  whenListening(): Deferred<IListeningPortReady>;
}

/** Options of `listenTCP` / `listenSSL`. */
export interface TCPListenOptions {
  /** Pending-connection queue length (default 50). */
  backlog?: number;
  /** Address to bind (default `""`: all interfaces, dual-stack). */
  interface?: string;
}

/** Options of `connectTCP` / `connectSSL`. */
export interface TCPConnectOptions {
  /** Seconds before the attempt fails with `ConnectTimeoutError` (default 30). */
  timeout?: number;
  /** Local `[host, port]` to bind before connecting. */
  bindAddress?: [string, number] | null;
}

/** Options of `listenUNIX`. */
export interface UNIXListenOptions {
  /** Pending-connection queue length (default 50). */
  backlog?: number;
  /** File mode of the socket (default 0o666). */
  mode?: number;
  /** Guard the path with a `PATH.lock` file holding the PID (default false). */
  wantPID?: boolean;
}

/** Options of `connectUNIX`. */
export interface UNIXConnectOptions {
  /** Seconds before the attempt fails with `ConnectTimeoutError` (default 30). */
  timeout?: number;
}

/** `reactor.listenTCP` / `connectTCP` (Twisted's IReactorTCP). */
export interface IReactorTCP {
  /** Listens on TCP `port` (0: any free port), building a protocol per connection with `factory`. */
  listenTCP(port: number, factory: IProtocolFactory, options?: TCPListenOptions): IListeningPortReady;
  /** Connects to `host:port`, telling `factory` how it went. */
  connectTCP(host: string, port: number, factory: ClientFactory, options?: TCPConnectOptions): IConnector;
}

/** `reactor.listenUNIX` / `connectUNIX` (Twisted's IReactorUNIX). */
export interface IReactorUNIX {
  /** Listens on the UNIX socket `address` (a path). */
  listenUNIX(address: string, factory: IProtocolFactory, options?: UNIXListenOptions): IListeningPortReady;
  /** Connects to the UNIX socket `address`. */
  connectUNIX(address: string, factory: ClientFactory, options?: UNIXConnectOptions): IConnector;
}

/** `reactor.listenSSL` / `connectSSL` (Twisted's IReactorSSL). */
export interface IReactorSSL {
  /** Listens for TLS connections on `port`. */
  listenSSL(port: number, factory: IProtocolFactory, tls: TLSOptions, options?: TCPListenOptions): IListeningPortReady;
  /** Connects with TLS to `host:port`, verifying the server's certificate and name by default. */
  connectSSL(host: string, port: number, factory: ClientFactory, tls: TLSOptions, options?: TCPConnectOptions): IConnector;
}
