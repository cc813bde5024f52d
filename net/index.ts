/**
 * `twisted-ts/net`: Twisted's I/O model on Node's I/O: protocols, factories, transports,
 * addresses, errors and the interfaces they share.
 * @module
 */
import { fastExports } from "../core/fast-exports";
// Installs listenTCP, connectTCP, listenUNIX, connectUNIX, listenSSL and connectSSL on Reactor.
import "./reactor-io";

export { IPv4Address, IPv6Address, UNIXAddress } from "./address";
export type { Address } from "./address";
export {
  ConnectionClosed,
  ConnectionDone,
  ConnectionLost,
  ConnectionAborted,
  ConnectError,
  ConnectBindError,
  ConnectionRefusedError,
  DNSLookupError,
  NoRouteError,
  ConnectingCancelledError,
  ConnectTimeoutError,
  CannotListenError,
  NotConnectingError,
  UserError,
  AlreadyListened,
  ProcessDone,
  ProcessTerminated,
  ProcessExitedAlready,
} from "./errors";
export type { ConnectErrorOptions } from "./errors";
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
export { ListeningPort } from "./listening-port";
export { Connector, connectErrorFor } from "./connector";
export { StreamTransport } from "./stream-transport";
export type { LostHook } from "./stream-transport";
export { Factory, ServerFactory, ClientFactory, ReconnectingClientFactory, ValueError } from "./factory";
export { ClientCreator, _InstanceFactory } from "./client-creator";
export { ProtocolToConsumerAdapter, ConsumerToProtocolAdapter } from "./protocol-adapters";
export type { DataReceiver } from "./protocol-adapters";
export type { ClientCreatorReactor, ClientCreatorUNIXOptions } from "./client-creator";

// --- UDP, processes and threads (twisted.internet.udp, process, utils, threads) -----------------
export { DatagramProtocol } from "./datagram-protocol";
export { UDPPort, InvalidAddressError, MessageLengthError, MulticastJoinError } from "./udp";
export type { IReactorUDP, UDPListenOptions, MulticastListenOptions } from "./udp";
export { ProcessProtocol, ProcessAddress } from "./process-protocol";
export type { IProcessTransport, ProcessSignal } from "./process-protocol";
export { Process } from "./process";
export type { IReactorProcess, SpawnOptions } from "./process";
export { StandardIO, PipeAddress } from "./stdio";
export type { StandardIOOptions } from "./stdio";
export { getProcessOutput, getProcessValue, getProcessOutputAndValue, IOError } from "./process-utils";
export type { ProcessUtilsOptions } from "./process-utils";
export { ThreadPool } from "./thread-pool";
export type { ThreadPoolOptions, ThreadResultCallback } from "./thread-pool";
export { deferToThread, deferToThreadPool } from "./threads";
export { transferToThread } from "./thread-pool";
export type { IReactorThreads } from "./threads";
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

fastExports(module.exports as object); // @types/node types `module.exports` as any
