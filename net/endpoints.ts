/**
 * Stream endpoints, as `twisted.internet.endpoints`: objects that say where to listen or to
 * connect (TCP, UNIX, TLS) and do it with the reactor, handing back a Deferred.
 *
 * A client endpoint wraps the user's factory (`_WrappingFactory`) so that the Deferred
 * `connect()` returns fires with the protocol once `connectionMade` has run, or fails with why
 * the attempt failed; cancelling it stops the attempt (`ConnectingCancelledError`). A server
 * endpoint's `listen()` fires with the port once Node has bound it (`whenListening()`).
 * @module
 */
import { isIPv6 } from "node:net";
import { Failure } from "../core/failure";
import { className, describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import {
  _checkBindAddress,
  _checkFactory,
  _checkOptionalNumber,
  _checkPort,
  _checkReactor,
  _checkString,
  _checkTLS,
  _dnsLookupError,
  _hostPort,
  _lookupIPv6,
} from "./endpoint-support";
import { ConnectingCancelledError } from "./errors";
import { Factory } from "./factory";
import type { IListeningPort, IProtocol, IProtocolFactory, IReactorSSL, IReactorTCP, IReactorUNIX, TLSOptions } from "./interfaces";
import type { Protocol } from "./protocol";
import { _connectWith, _listenWith } from "./wrapping-factory";

/** Something that listens: `listen(factory)` fires with the port once it is listening. */
export interface IStreamServerEndpoint {
  /**
   * Listens with `factory`: fires with the listening port once bound, or fails with
   * `CannotListenError`.
   */
  listen(factory: IProtocolFactory): Deferred<IListeningPort>;
}

/** Something that connects: `connect(factory)` fires with the connected protocol. */
export interface IStreamClientEndpoint {
  /**
   * Connects, building the protocol with `factory`: fires with it once its `connectionMade` has
   * run, or fails with the connect error (`ConnectionRefusedError`, `DNSLookupError`, …).
   * Cancelling the Deferred while connecting stops the attempt: `ConnectingCancelledError`.
   */
  connect(factory: IProtocolFactory): Deferred<IProtocol>;
}

// ---------------------------------------------------------------------------------------------
// TCP

/** Options of the TCP and TLS server endpoints. */
export interface ServerEndpointOptions {
  /** Pending-connection queue length (default 50). */
  backlog?: number;
  /** Address to bind (TCP4 default `""`: all interfaces; TCP6 default `"::"`). */
  interface?: string;
}

/** Options of the TCP and TLS client endpoints. */
export interface ClientEndpointOptions {
  /** Seconds before an attempt fails with `ConnectTimeoutError` (default 30). */
  timeout?: number;
  /** Local `[host, port]` to bind before connecting (default: any). */
  bindAddress?: [string, number] | null;
}

function checkServerOptions(caller: string, options: ServerEndpointOptions | undefined): void {
  if (options === undefined) return;
  _checkOptionalNumber(caller, options.backlog, "backlog");
  if (options.interface !== undefined) _checkString(caller, options.interface, "interface");
}

function checkClientOptions(caller: string, options: ClientEndpointOptions | undefined): void {
  if (options === undefined) return;
  _checkOptionalNumber(caller, options.timeout, "timeout");
  _checkBindAddress(caller, options.bindAddress);
}

/**
 * Listens on a TCP port (IPv4, or dual-stack when `interface` is `""`, the default).
 *
 * @example
 * ```ts
 * const port = await new TCP4ServerEndpoint(reactor, 8000).listen(Factory.forProtocol(Echo));
 * ```
 */
export class TCP4ServerEndpoint implements IStreamServerEndpoint {
  /** @internal */ readonly _reactor: IReactorTCP;
  /** @internal */ readonly _port: number;
  /** @internal */ readonly _backlog: number;
  /** @internal */ readonly _interface: string;

  /**
   * @param reactor - the reactor to listen with.
   * @param port - the port number (0: any free port).
   * @param options - `backlog` (default 50), `interface` (default `""`: all).
   * @throws TypeError / RangeError for a port that is not an integer in 0-65535, or bad options.
   */
  constructor(reactor: IReactorTCP, port: number, options?: ServerEndpointOptions) {
    const caller = new.target.name;
    _checkReactor(caller, reactor);
    _checkPort(caller, port);
    checkServerOptions(caller, options);
    this._reactor = reactor;
    this._port = port;
    this._backlog = options?.backlog ?? 50;
    this._interface = options?.interface ?? (this.constructor as typeof TCP4ServerEndpoint)._defaultInterface;
  }

  /** @internal The interface bound when none is given. */
  static _defaultInterface = "";

  /**
   * Listens with `factory`: fires with the port once bound, or fails with `CannotListenError`.
   * @throws TypeError when `factory` is not a protocol factory.
   */
  listen = (factory: IProtocolFactory): Deferred<IListeningPort> => {
    _checkFactory(`${className(this)}.listen`, factory);
    return _listenWith(() => this._reactor.listenTCP(this._port, factory, { backlog: this._backlog, interface: this._interface }));
  };

  /** `TCP4ServerEndpoint(interface:port)`, for logs. */
  toString(): string {
    return `${className(this)}(${_hostPort(this._interface || "*", this._port)})`;
  }
}

/** Listens on a TCP port over IPv6: as {@link TCP4ServerEndpoint}, `interface` default `"::"`. */
export class TCP6ServerEndpoint extends TCP4ServerEndpoint {
  /** @internal */
  static override _defaultInterface = "::";
}

/**
 * Connects over TCP to `host:port` (a name is resolved by the reactor's `connectTCP`).
 *
 * @example
 * ```ts
 * const proto = await new TCP4ClientEndpoint(reactor, "127.0.0.1", 8000).connect(factory);
 * ```
 */
export class TCP4ClientEndpoint implements IStreamClientEndpoint {
  /** @internal */ readonly _reactor: IReactorTCP;
  /** @internal */ readonly _host: string;
  /** @internal */ readonly _port: number;
  /** @internal */ readonly _timeout: number;
  /** @internal */ readonly _bindAddress: [string, number] | null;

  /**
   * @param reactor - the reactor to connect with.
   * @param host - a host name or address.
   * @param port - the port number.
   * @param options - `timeout` in seconds (default 30), `bindAddress` (default none).
   * @throws TypeError / RangeError for a non-string host, a bad port or bad options.
   */
  constructor(reactor: IReactorTCP, host: string, port: number, options?: ClientEndpointOptions) {
    const caller = new.target.name;
    _checkReactor(caller, reactor);
    _checkString(caller, host, "host");
    _checkPort(caller, port);
    checkClientOptions(caller, options);
    this._reactor = reactor;
    this._host = host;
    this._port = port;
    this._timeout = options?.timeout ?? 30;
    this._bindAddress = options?.bindAddress ?? null;
  }

  /**
   * Connects: fires with the protocol `factory` built once connected, or fails with why not.
   * Cancel it while connecting to stop the attempt (`ConnectingCancelledError`).
   * @throws TypeError when `factory` is not a protocol factory.
   */
  connect = (factory: IProtocolFactory): Deferred<IProtocol> => {
    _checkFactory(`${className(this)}.connect`, factory);
    return this._connectTo(this._host, factory);
  };

  /** @internal Connects to `host` (already resolved, for TCP6). */
  _connectTo(host: string, factory: IProtocolFactory): Deferred<IProtocol> {
    return _connectWith(factory, (wf) => {
      this._reactor.connectTCP(host, this._port, wf, { timeout: this._timeout, bindAddress: this._bindAddress });
    });
  }

  /** `TCP4ClientEndpoint(host:port)`, for logs. */
  toString(): string {
    return `${className(this)}(${_hostPort(this._host, this._port)})`;
  }
}

/** Connects over TCP to an IPv6 `host` (an address, or a name resolved to its first IPv6 address). */
export class TCP6ClientEndpoint extends TCP4ClientEndpoint {
  /** @internal Resolves a name to its IPv6 addresses (replaceable in tests). */
  _lookup: (host: string) => Promise<string[]> = _lookupIPv6;

  override connect = (factory: IProtocolFactory): Deferred<IProtocol> => {
    _checkFactory(`${className(this)}.connect`, factory);
    if (isIPv6(this._host)) return this._connectTo(this._host, factory);
    let inner: Deferred<IProtocol> | null = null;
    const d = new Deferred<IProtocol>(() => {
      if (inner !== null) inner.cancel();
      else d.errback(new Failure(new ConnectingCancelledError(`${this._host}:${this._port}`)));
    });
    this._lookup(this._host).then(
      (hosts) => {
        if (d.called) return;
        if (hosts.length === 0) {
          d.errback(new Failure(_dnsLookupError(this._host)));
          return;
        }
        inner = this._connectTo(hosts[0], factory);
        inner.addBoth((r) => {
          if (r instanceof Failure) d.errback(r);
          else d.callback(r);
          return null;
        });
      },
      (e: unknown) => {
        if (!d.called) d.errback(new Failure(_dnsLookupError(this._host, e)));
      },
    );
    return d;
  };
}

// ---------------------------------------------------------------------------------------------
// UNIX

/** Options of {@link UNIXServerEndpoint}. */
export interface UNIXServerEndpointOptions {
  /** Pending-connection queue length (default 50). */
  backlog?: number;
  /** File mode of the socket (default 0o666). */
  mode?: number;
  /** Guard the path with a `PATH.lock` file holding the PID (default false). */
  wantPID?: boolean;
}

/** Options of {@link UNIXClientEndpoint}. */
export interface UNIXClientEndpointOptions {
  /** Seconds before the attempt fails with `ConnectTimeoutError` (default 30). */
  timeout?: number;
  /** Accepted for Twisted compatibility (`lockfile=1`); the lock file is not checked. */
  checkPID?: boolean;
}

/**
 * Listens on a UNIX socket at `address` (a file path).
 *
 * @example
 * ```ts
 * await new UNIXServerEndpoint(reactor, "/tmp/echo.sock").listen(Factory.forProtocol(Echo));
 * ```
 */
export class UNIXServerEndpoint implements IStreamServerEndpoint {
  /** @internal */ readonly _reactor: IReactorUNIX;
  /** @internal */ readonly _address: string;
  /** @internal */ readonly _backlog: number;
  /** @internal */ readonly _mode: number;
  /** @internal */ readonly _wantPID: boolean;

  /**
   * @param reactor - the reactor to listen with.
   * @param address - the socket's path.
   * @param options - `backlog` (50), `mode` (0o666), `wantPID` (false).
   * @throws TypeError / RangeError for a non-string address or bad options.
   */
  constructor(reactor: IReactorUNIX, address: string, options?: UNIXServerEndpointOptions) {
    _checkReactor("UNIXServerEndpoint", reactor);
    _checkString("UNIXServerEndpoint", address, "address");
    _checkOptionalNumber("UNIXServerEndpoint", options?.backlog, "backlog");
    _checkOptionalNumber("UNIXServerEndpoint", options?.mode, "mode");
    this._reactor = reactor;
    this._address = address;
    this._backlog = options?.backlog ?? 50;
    this._mode = options?.mode ?? 0o666;
    this._wantPID = Boolean(options?.wantPID ?? false);
  }

  /**
   * Listens with `factory`: fires with the port once bound, or fails with `CannotListenError`.
   * @throws TypeError when `factory` is not a protocol factory.
   */
  listen = (factory: IProtocolFactory): Deferred<IListeningPort> => {
    _checkFactory("UNIXServerEndpoint.listen", factory);
    return _listenWith(() =>
      this._reactor.listenUNIX(this._address, factory, { backlog: this._backlog, mode: this._mode, wantPID: this._wantPID }),
    );
  };

  /** `UNIXServerEndpoint(path)`, for logs. */
  toString(): string {
    return `UNIXServerEndpoint(${this._address})`;
  }
}

/**
 * Connects to a UNIX socket at `path`.
 *
 * @example
 * ```ts
 * const proto = await new UNIXClientEndpoint(reactor, "/tmp/echo.sock").connect(factory);
 * ```
 */
export class UNIXClientEndpoint implements IStreamClientEndpoint {
  /** @internal */ readonly _reactor: IReactorUNIX;
  /** @internal */ readonly _path: string;
  /** @internal */ readonly _timeout: number;
  /** @internal */ readonly _checkPID: boolean;

  /**
   * @param reactor - the reactor to connect with.
   * @param path - the socket's path.
   * @param options - `timeout` in seconds (default 30).
   * @throws TypeError / RangeError for a non-string path or bad options.
   */
  constructor(reactor: IReactorUNIX, path: string, options?: UNIXClientEndpointOptions) {
    _checkReactor("UNIXClientEndpoint", reactor);
    _checkString("UNIXClientEndpoint", path, "path");
    _checkOptionalNumber("UNIXClientEndpoint", options?.timeout, "timeout");
    this._reactor = reactor;
    this._path = path;
    this._timeout = options?.timeout ?? 30;
    this._checkPID = Boolean(options?.checkPID ?? false);
  }

  /**
   * Connects: fires with the protocol `factory` built once connected, or fails with why not.
   * @throws TypeError when `factory` is not a protocol factory.
   */
  connect = (factory: IProtocolFactory): Deferred<IProtocol> => {
    _checkFactory("UNIXClientEndpoint.connect", factory);
    return _connectWith(factory, (wf) => {
      this._reactor.connectUNIX(this._path, wf, { timeout: this._timeout });
    });
  };

  /** `UNIXClientEndpoint(path)`, for logs. */
  toString(): string {
    return `UNIXClientEndpoint(${this._path})`;
  }
}

// ---------------------------------------------------------------------------------------------
// TLS over TCP

/**
 * Listens for TLS connections on a TCP port; `tls` holds the key and certificate (Node's
 * `tls` options).
 *
 * @example
 * ```ts
 * const tls = { key: fs.readFileSync("key.pem"), cert: fs.readFileSync("cert.pem") };
 * await new SSL4ServerEndpoint(reactor, 8443, tls).listen(Factory.forProtocol(Echo));
 * ```
 */
export class SSL4ServerEndpoint implements IStreamServerEndpoint {
  /** @internal */ readonly _reactor: IReactorSSL;
  /** @internal */ readonly _port: number;
  /** @internal */ readonly _tls: TLSOptions;
  /** @internal */ readonly _backlog: number;
  /** @internal */ readonly _interface: string;

  /**
   * @param reactor - the reactor to listen with.
   * @param port - the port number (0: any free port).
   * @param tls - the TLS options (`key`, `cert`, …).
   * @param options - `backlog` (default 50), `interface` (default `""`: all).
   * @throws TypeError / RangeError for a bad port, missing `tls` or bad options.
   */
  constructor(reactor: IReactorSSL, port: number, tls: TLSOptions, options?: ServerEndpointOptions) {
    _checkReactor("SSL4ServerEndpoint", reactor);
    _checkPort("SSL4ServerEndpoint", port);
    _checkTLS("SSL4ServerEndpoint", tls);
    checkServerOptions("SSL4ServerEndpoint", options);
    this._reactor = reactor;
    this._port = port;
    this._tls = tls;
    this._backlog = options?.backlog ?? 50;
    this._interface = options?.interface ?? "";
  }

  /**
   * Listens with `factory`: fires with the port once bound, or fails with `CannotListenError`.
   * @throws TypeError when `factory` is not a protocol factory.
   */
  listen = (factory: IProtocolFactory): Deferred<IListeningPort> => {
    _checkFactory("SSL4ServerEndpoint.listen", factory);
    return _listenWith(() =>
      this._reactor.listenSSL(this._port, factory, this._tls, { backlog: this._backlog, interface: this._interface }),
    );
  };

  /** `SSL4ServerEndpoint(interface:port)`, for logs. */
  toString(): string {
    return `SSL4ServerEndpoint(${_hostPort(this._interface || "*", this._port)})`;
  }
}

/**
 * Connects with TLS over TCP to `host:port`. The server's certificate and host name are
 * verified unless `tls.rejectUnauthorized` is false.
 *
 * @example
 * ```ts
 * const ep = new SSL4ClientEndpoint(reactor, "example.com", 443, { ca: [caPem] });
 * const proto = await ep.connect(factory);
 * ```
 */
export class SSL4ClientEndpoint implements IStreamClientEndpoint {
  /** @internal */ readonly _reactor: IReactorSSL;
  /** @internal */ readonly _host: string;
  /** @internal */ readonly _port: number;
  /** @internal */ readonly _tls: TLSOptions;
  /** @internal */ readonly _timeout: number;
  /** @internal */ readonly _bindAddress: [string, number] | null;

  /**
   * @param reactor - the reactor to connect with.
   * @param host - a host name or address.
   * @param port - the port number.
   * @param tls - the TLS options (`ca`, `cert`, `key`, `hostname`, `rejectUnauthorized`, …).
   * @param options - `timeout` in seconds (default 30), `bindAddress` (default none).
   * @throws TypeError / RangeError for a non-string host, a bad port, missing `tls` or bad options.
   */
  constructor(reactor: IReactorSSL, host: string, port: number, tls: TLSOptions, options?: ClientEndpointOptions) {
    _checkReactor("SSL4ClientEndpoint", reactor);
    _checkString("SSL4ClientEndpoint", host, "host");
    _checkPort("SSL4ClientEndpoint", port);
    _checkTLS("SSL4ClientEndpoint", tls);
    checkClientOptions("SSL4ClientEndpoint", options);
    this._reactor = reactor;
    this._host = host;
    this._port = port;
    this._tls = tls;
    this._timeout = options?.timeout ?? 30;
    this._bindAddress = options?.bindAddress ?? null;
  }

  /**
   * Connects: fires with the protocol `factory` built once connected (after the TLS handshake
   * as the transport defines it), or fails with why not.
   * @throws TypeError when `factory` is not a protocol factory.
   */
  connect = (factory: IProtocolFactory): Deferred<IProtocol> => {
    _checkFactory("SSL4ClientEndpoint.connect", factory);
    return _connectWith(factory, (wf) => {
      this._reactor.connectSSL(this._host, this._port, wf, this._tls, { timeout: this._timeout, bindAddress: this._bindAddress });
    });
  };

  /** `SSL4ClientEndpoint(host:port)`, for logs. */
  toString(): string {
    return `SSL4ClientEndpoint(${_hostPort(this._host, this._port)})`;
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Connects `protocol` (an instance, not a factory) through `endpoint`: fires with it once
 * connected. For a client that needs no factory of its own.
 *
 * @example
 * ```ts
 * const proto = await connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", 8000), new Greeter());
 * ```
 * @throws TypeError when `endpoint` has no `connect` method or `protocol` is not an object.
 */
export function connectProtocol<P extends IProtocol>(endpoint: IStreamClientEndpoint, protocol: P): Deferred<P> {
  if (typeof endpoint !== "object" || endpoint === null || typeof endpoint.connect !== "function") {
    throw new TypeError(`connectProtocol: endpoint must be a client endpoint, got ${describeValue(endpoint)}`);
  }
  if (typeof protocol !== "object" || protocol === null) {
    throw new TypeError(`connectProtocol: protocol must be a protocol instance, got ${describeValue(protocol)}`);
  }
  // Noisy as Twisted's: "Starting factory <OneShotFactory>" / "Stopping factory" around each.
  class OneShotFactory extends Factory {
    override buildProtocol(): Protocol {
      return protocol as unknown as Protocol;
    }
  }
  return endpoint.connect(new OneShotFactory()) as Deferred<P>;
}
