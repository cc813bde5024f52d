/**
 * `twisted-ts/testing`: test doubles and result helpers, as `twisted.internet.testing`,
 * `twisted.test.iosim` and trial: StringTransport, MemoryReactor(Clock), connectedServerAndClient
 * and IOPump, successResultOf / failureResultOf / assertNoResult, flushLoggedErrors. The mocha
 * plugin is `twisted-ts/testing/mocha`.
 * @module
 */
import { fastExports } from "../core/fast-exports";

export { StringTransport, StringTransportWithDisconnection } from "./string-transport";
export { AccumulatingProtocol, LineSendingProtocol, NonStreamingProducer } from "./accumulating-protocol";
export {
  MemoryReactor,
  MemoryReactorClock,
  RaisingMemoryReactor,
  FakePort,
  FakeUDPPort,
  FakeConnector,
} from "./memory-reactor";
export type { MemoryReactorHook } from "./memory-reactor";
export {
  FakeAddress,
  FakeTransport,
  IOPump,
  connect,
  connectedServerAndClient,
  makeFakeClient,
  makeFakeServer,
  ConnectionCompleter,
  connectableEndpoint,
} from "./iosim";
export type { ConnectOptions, ConnectedServerAndClientOptions, ServerAndClient } from "./iosim";
export { successResultOf, failureResultOf, assertNoResult } from "./assertions";
export { FakeDatagramTransport, waitUntilAllDisconnected } from "./helpers";
export { flushLoggedErrors, loggedErrors } from "./logged-errors";
export {
  LoopbackQueue,
  LoopbackRelay,
  collapsingPumpPolicy,
  identityPumpPolicy,
  loopbackAsync,
  loopbackTCP,
  loopbackUNIX,
} from "./loopback";
export type { PumpPolicy } from "./loopback";

fastExports(module.exports as object); // @types/node types `module.exports` as any
