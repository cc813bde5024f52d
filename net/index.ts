/**
 * `twisted-ts/net`: Twisted's I/O model on Node's I/O: protocols, factories, transports,
 * addresses, errors and the interfaces they share.
 * @module
 */
import { fastExports } from "../core/fast-exports";

export { IPv4Address, IPv6Address, UNIXAddress } from "./address";
export type { Address } from "./address";
export {
  ConnectionClosed,
  ConnectionDone,
  ConnectionLost,
  ConnectionAborted,
  ConnectError,
  ConnectionRefusedError,
  DNSLookupError,
  NoRouteError,
  ConnectingCancelledError,
  ConnectTimeoutError,
  CannotListenError,
  NotConnectingError,
  AlreadyListened,
  ProcessDone,
  ProcessTerminated,
  ProcessExitedAlready,
} from "./errors";
export type {
  Data,
  ITransport,
  ITCPTransport,
  ITLSTransport,
  TLSOptions,
  IProducer,
  IPushProducer,
  IPullProducer,
  IConsumer,
  IListeningPort,
  IConnector,
  IHalfCloseableProtocol,
  IProtocol,
  IProtocolFactory,
  IListeningPortReady,
  TCPListenOptions,
  TCPConnectOptions,
  UNIXListenOptions,
  UNIXConnectOptions,
  IReactorTCP,
  IReactorUNIX,
  IReactorSSL,
} from "./interfaces";
export { BaseProtocol, Protocol } from "./protocol";
export type { ProtocolClass } from "./protocol";
export { Factory, ServerFactory, ClientFactory, ReconnectingClientFactory, ValueError } from "./factory";

// Endpoints (twisted.internet.endpoints): where to listen or connect, and description strings.
export {
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  TCP4ClientEndpoint,
  TCP6ClientEndpoint,
  UNIXServerEndpoint,
  UNIXClientEndpoint,
  SSL4ServerEndpoint,
  SSL4ClientEndpoint,
  connectProtocol,
} from "./endpoints";
export { NoProtocol } from "./wrapping-factory";
export type {
  IStreamServerEndpoint,
  IStreamClientEndpoint,
  ServerEndpointOptions,
  ClientEndpointOptions,
  UNIXServerEndpointOptions,
  UNIXClientEndpointOptions,
} from "./endpoints";
export { HostnameEndpoint, HostnameAddress } from "./hostname-endpoint";
export type { HostnameEndpointOptions, HostnameEndpointReactor, ResolvedAddress } from "./hostname-endpoint";
export { serverFromString, clientFromString, quoteStringArgument } from "./endpoint-strings";
export type { EndpointReactor } from "./endpoint-strings";

fastExports(module.exports);
