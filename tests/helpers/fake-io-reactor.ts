/**
 * A reactor for endpoint tests that does no I/O: a task Clock that records every
 * listenTCP/connectTCP/… call and lets the test complete or fail it (bind a port, connect or
 * refuse a connector), as Twisted's MemoryReactor with a clock. (twisted-ts/testing's
 * MemoryReactorClock cannot stand in: its ports are bound at once and its connections are only
 * completed by a ConnectionCompleter, while these tests bind late, fail binds and connect to
 * chosen transports.)
 */
import { Failure } from "../../core/failure";
import { Deferred } from "../../defer";
import { IPv4Address, UNIXAddress, ipAddress, type Address } from "../../net/address";
import { CannotListenError, NotConnectingError } from "../../net/errors";
import type { ClientFactory } from "../../net/factory";
import type {
  IConnector,
  IListeningPortReady,
  IProtocol,
  IProtocolFactory,
  ITransport,
  TCPConnectOptions,
  TCPListenOptions,
  TLSOptions,
  UNIXConnectOptions,
  UNIXListenOptions,
} from "../../net/interfaces";
import { Clock } from "../../task";
import { StringTransport } from "../../testing";

/**
 * A transport that keeps what is written: twisted-ts/testing's StringTransport, with this
 * helper's addresses (peer first) as defaults.
 */
export class FakeTransport extends StringTransport {
  constructor(
    peer: Address = new IPv4Address("TCP", "127.0.0.1", 4321),
    host: Address = new IPv4Address("TCP", "127.0.0.1", 1234),
  ) {
    super(host, peer);
  }
}

/** A connection attempt the test completes (`connect`) or fails (`fail`). */
export class FakeConnector implements IConnector {
  state: "disconnected" | "connecting" | "connected" = "connecting";
  stopConnectingCalls = 0;
  /** The protocol the factory built once `connectionSucceeds()` ran. */
  protocol: IProtocol | null = null;

  constructor(
    readonly factory: ClientFactory,
    readonly destination: Address,
  ) {}

  connect = (): void => {
    this.state = "connecting";
    this.factory.startedConnecting(this);
  };
  disconnect = (): void => {
    if (this.state === "connecting") this.stopConnecting();
  };
  stopConnecting = (): void => {
    if (this.state !== "connecting") throw new NotConnectingError();
    this.stopConnectingCalls++;
    this.state = "disconnected";
    this.factory.clientConnectionFailed(this, new Failure(new Error("stopConnecting")));
  };
  getDestination = (): Address => this.destination;

  /** Connects: buildProtocol, then makeConnection on a FakeTransport. Returns the protocol (or null). */
  connectionSucceeds(transport: ITransport = new FakeTransport(this.destination)): IProtocol | null {
    const p = this.factory.buildProtocol(this.destination) as IProtocol | null;
    if (p === null) {
      this.state = "disconnected";
      return null;
    }
    this.state = "connected";
    this.protocol = p;
    p.makeConnection(transport);
    return p;
  }

  /** Fails the attempt with `error`. */
  connectionFails(error: Error): void {
    this.state = "disconnected";
    this.factory.clientConnectionFailed(this, new Failure(error));
  }
}

/** A port the test binds (`bound`) or fails to bind (`bindFails`). */
export class FakePort implements IListeningPortReady {
  stopListeningCalls = 0;
  #waiting: Deferred<IListeningPortReady>[] = [];
  #outcome: { ok: true } | { ok: false; error: CannotListenError } | null = null;

  constructor(
    readonly factory: IProtocolFactory,
    readonly address: Address,
  ) {}

  getHost = (): Address => this.address;
  stopListening = (): Deferred<void> => {
    this.stopListeningCalls++;
    const d = new Deferred<void>();
    d.callback(undefined);
    return d;
  };
  startListening = (): void => {};
  whenListening = (): Deferred<IListeningPortReady> => {
    const d = new Deferred<IListeningPortReady>();
    if (this.#outcome === null) this.#waiting.push(d);
    else this.#settle(d);
    return d;
  };

  bound(): void {
    this.#outcome = { ok: true };
    for (const d of this.#waiting.splice(0)) this.#settle(d);
  }

  bindFails(error: Error): void {
    const iface = this.address instanceof UNIXAddress ? "" : this.address.host;
    const port = this.address instanceof UNIXAddress ? (this.address.name ?? "") : this.address.port;
    this.#outcome = { ok: false, error: new CannotListenError(iface, port, error) };
    for (const d of this.#waiting.splice(0)) this.#settle(d);
  }

  #settle(d: Deferred<IListeningPortReady>): void {
    const o = this.#outcome!;
    if (o.ok) d.callback(this);
    else d.errback(new Failure(o.error));
  }
}

/** One recorded call. */
export interface TCPListenCall {
  port: number;
  factory: IProtocolFactory;
  options: TCPListenOptions | undefined;
  tls?: TLSOptions;
  result: FakePort;
}
export interface TCPConnectCall {
  host: string;
  port: number;
  factory: ClientFactory;
  options: TCPConnectOptions | undefined;
  tls?: TLSOptions;
  result: FakeConnector;
}

/** A Clock with recorded, test-driven TCP/UNIX/SSL methods. */
export class FakeIOReactor extends Clock {
  tcpServers: TCPListenCall[] = [];
  tcpClients: TCPConnectCall[] = [];
  sslServers: TCPListenCall[] = [];
  sslClients: TCPConnectCall[] = [];
  unixServers: Array<{ address: string; factory: IProtocolFactory; options: UNIXListenOptions | undefined; result: FakePort }> = [];
  unixClients: Array<{ address: string; factory: ClientFactory; options: UNIXConnectOptions | undefined; result: FakeConnector }> = [];
  /** When set, the next call of the named method throws it. */
  raises: Error | null = null;

  #raise(): void {
    const e = this.raises;
    if (e !== null) {
      this.raises = null;
      throw e;
    }
  }

  listenTCP = (port: number, factory: IProtocolFactory, options?: TCPListenOptions): FakePort => {
    this.#raise();
    const result = new FakePort(factory, ipAddress("TCP", options?.interface || "0.0.0.0", port));
    this.tcpServers.push({ port, factory, options, result });
    return result;
  };

  connectTCP = (host: string, port: number, factory: ClientFactory, options?: TCPConnectOptions): FakeConnector => {
    this.#raise();
    const result = new FakeConnector(factory, ipAddress("TCP", host, port));
    this.tcpClients.push({ host, port, factory, options, result });
    result.connect();
    return result;
  };

  listenSSL = (port: number, factory: IProtocolFactory, tls: TLSOptions, options?: TCPListenOptions): FakePort => {
    this.#raise();
    const result = new FakePort(factory, ipAddress("TCP", options?.interface || "0.0.0.0", port));
    this.sslServers.push({ port, factory, options, tls, result });
    return result;
  };

  connectSSL = (host: string, port: number, factory: ClientFactory, tls: TLSOptions, options?: TCPConnectOptions): FakeConnector => {
    this.#raise();
    const result = new FakeConnector(factory, ipAddress("TCP", host, port));
    this.sslClients.push({ host, port, factory, options, tls, result });
    result.connect();
    return result;
  };

  listenUNIX = (address: string, factory: IProtocolFactory, options?: UNIXListenOptions): FakePort => {
    this.#raise();
    const result = new FakePort(factory, new UNIXAddress(address));
    this.unixServers.push({ address, factory, options, result });
    return result;
  };

  connectUNIX = (address: string, factory: ClientFactory, options?: UNIXConnectOptions): FakeConnector => {
    this.#raise();
    const result = new FakeConnector(factory, new UNIXAddress(address));
    this.unixClients.push({ address, factory, options, result });
    result.connect();
    return result;
  };
}
