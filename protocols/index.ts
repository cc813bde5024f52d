/**
 * `twisted-ts/protocols`: Twisted's ready-made protocols (`twisted.protocols.basic`) and
 * policies (`twisted.protocols.policies`): line, netstring and length-prefixed protocols,
 * FileSender, TimeoutMixin, ProtocolWrapper and WrappingFactory.
 * @module
 */
import { fastExports } from "../core/fast-exports";

export { NotImplementedError, StringTooLongError, NetstringParseError, IncompleteNetstring } from "./errors";
export { LineReceiver } from "./line-receiver";
export { LineOnlyReceiver } from "./line-only-receiver";
export { NetstringReceiver } from "./netstring";
export { IntNStringReceiver, Int32StringReceiver, Int16StringReceiver, Int8StringReceiver } from "./int-n-string";
export { FileSender } from "./file-sender";
export type { FileLike } from "./file-sender";
export { TimeoutMixin } from "./timeout-mixin";
export type { TimeoutMixinMembers, MixinBase } from "./timeout-mixin";
export { ProtocolWrapper, WrappingFactory } from "./protocol-wrapper";
export { TimeoutProtocol, TimeoutFactory } from "./timeout-protocol";
export { ThrottlingProtocol, ThrottlingFactory } from "./throttling";
export { LimitTotalConnectionsFactory, LimitConnectionsByPeer } from "./limits";
export { SpewingProtocol, SpewingFactory } from "./spewing";
export { TrafficLoggingProtocol, TrafficLoggingFactory } from "./traffic-logging";
export type { TrafficLogFile } from "./traffic-logging";
export type { ProtocolWrapperClass } from "./protocol-wrapper";

fastExports(module.exports as object); // @types/node types `module.exports` as any
