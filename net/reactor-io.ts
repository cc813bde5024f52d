/**
 * Gives `Reactor` its I/O methods (IReactorTCP, IReactorUNIX, IReactorSSL) without reactor/
 * importing net/: the types by module augmentation, the implementations on `Reactor.prototype`
 * (installed when net/ is loaded, as `twisted-ts` and `twisted-ts/net` do).
 * @module
 */
import type { Reactor } from "../reactor/reactor";
import { installReactorMethod } from "./reactor-method";
import type { Connector } from "./connector";
import type { ClientFactory } from "./factory";
import type {
  IProtocolFactory,
  IReactorSSL,
  IReactorTCP,
  IReactorUNIX,
  TCPConnectOptions,
  TCPListenOptions,
  TLSOptions,
  UNIXConnectOptions,
  UNIXListenOptions,
} from "./interfaces";
import type { ListeningPort } from "./listening-port";
import { connectTCP, listenTCP } from "./tcp";
import { connectSSL, listenSSL } from "./tls";
import { connectUNIX, listenUNIX } from "./unix";

declare module "../reactor/reactor" {
  interface Reactor extends IReactorTCP, IReactorUNIX, IReactorSSL {
    /**
     * Listens for TCP connections on `port` (0: any free port), building a protocol with
     * `factory` for each. Binding is asynchronous: `whenListening()` on the returned port.
     * `factory.doStart()` runs before this returns.
     * @param options `interface` (default `""`: all, dual-stack), `backlog` (default 50).
     * @throws TypeError / RangeError for a bad port, factory or option.
     * @example
     * ```ts
     * const port = reactor.listenTCP(8000, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
     * ```
     */
    listenTCP(port: number, factory: IProtocolFactory, options?: TCPListenOptions): ListeningPort;
    /**
     * Connects to `host:port`: `factory.startedConnecting` runs before this returns, then
     * `buildProtocol` + `connectionMade`, or `clientConnectionFailed` (ConnectionRefusedError,
     * DNSLookupError, NoRouteError, ConnectTimeoutError after `timeout` seconds, default 30).
     * @throws TypeError / RangeError for a bad host, port, factory or option.
     */
    connectTCP(host: string, port: number, factory: ClientFactory, options?: TCPConnectOptions): Connector;
    /**
     * Listens on the UNIX socket `address` (a path). `mode` (default 0o666) is set on the socket
     * file; `wantPID` guards it with `address.lock` holding this process's PID.
     */
    listenUNIX(address: string, factory: IProtocolFactory, options?: UNIXListenOptions): ListeningPort;
    /** Connects to the UNIX socket `address`, as `connectTCP`. */
    connectUNIX(address: string, factory: ClientFactory, options?: UNIXConnectOptions): Connector;
    /** Listens for TLS connections (Node's `tls` with `tls`'s key and certificate), as `listenTCP`. */
    listenSSL(port: number, factory: IProtocolFactory, tls: TLSOptions, options?: TCPListenOptions): ListeningPort;
    /**
     * Connects with TLS, as `connectTCP`; the server's certificate and host name (`tls.hostname`,
     * default `host`) are verified unless `rejectUnauthorized: false`. A failed handshake is
     * `clientConnectionFailed` with the TLS error.
     */
    connectSSL(host: string, port: number, factory: ClientFactory, tls: TLSOptions, options?: TCPConnectOptions): Connector;
  }
}

installReactorMethod("listenTCP", function (this: Reactor, port: number, factory: IProtocolFactory, options?: TCPListenOptions) {
  return listenTCP(this, port, factory, options);
});
installReactorMethod("connectTCP", function (this: Reactor, host: string, port: number, factory: ClientFactory, options?: TCPConnectOptions) {
  return connectTCP(this, host, port, factory, options);
});
installReactorMethod("listenUNIX", function (this: Reactor, address: string, factory: IProtocolFactory, options?: UNIXListenOptions) {
  return listenUNIX(this, address, factory, options);
});
installReactorMethod("connectUNIX", function (this: Reactor, address: string, factory: ClientFactory, options?: UNIXConnectOptions) {
  return connectUNIX(this, address, factory, options);
});
installReactorMethod("listenSSL", function (this: Reactor, port: number, factory: IProtocolFactory, tls: TLSOptions, options?: TCPListenOptions) {
  return listenSSL(this, port, factory, tls, options);
});
installReactorMethod("connectSSL", function (
  this: Reactor,
  host: string,
  port: number,
  factory: ClientFactory,
  tls: TLSOptions,
  options?: TCPConnectOptions,
) {
  return connectSSL(this, host, port, factory, tls, options);
});
