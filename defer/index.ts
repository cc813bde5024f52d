/**
 * `twisted-ts/defer`: Failure, Deferred and the helpers built on them.
 * @module
 */
import { fastExports } from "../core/fast-exports";
export { Failure } from "../core/failure";
export { NamedError } from "../core/named-error";
export type { ErrorType } from "../core/failure";
export { Deferred } from "./deferred";
export type { Awaitable, ResultOf } from "./deferred";
export {
  AlreadyCalledError,
  CancelledError,
  TimeoutError,
  FirstError,
  FailureGroup,
  NotACoroutineError,
  QueueOverflow,
  QueueUnderflow,
} from "./errors";
export { succeed, fail, maybeDeferred, execute, ensureDeferred, setDebugging, getDebugging } from "./functions";
export { inlineCallbacks } from "./inline-callbacks";
export { DeferredList, gatherResults, race } from "./deferred-list";
export type { DeferredListOptions, DeferredListEntry, DeferredListEntries, DeferredResult, DeferredResults } from "./deferred-list";
export { DeferredLock, DeferredSemaphore } from "./locks";
export { DeferredQueue } from "./deferred-queue";

// Undoes the slow object layout that CommonJS re-exports leave (see internal/fast-exports.ts).
fastExports(module.exports as object); // @types/node types `module.exports` as any
