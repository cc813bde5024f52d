/**
 * What the transports share about calling a protocol: how a callback's returned Deferred or
 * Promise is watched, and how a protocol is named in a log message.
 * @module
 */
import type { Failure } from "../core/failure";
import { Deferred } from "../defer/deferred";
import { err } from "../log";
import type { IProtocol } from "./interfaces";

/**
 * Logs a failure of what a protocol callback returned (a Deferred or Promise is not waited on,
 * as Twisted, but its failure is never lost). @internal
 */
export function watchResult(result: unknown, what: string): void {
  if (result === undefined || result === null) return;
  if (result instanceof Deferred) {
    result.addErrback((f: Failure) => {
      err(f, what);
    });
  } else if (typeof (result as PromiseLike<unknown>).then === "function") {
    (result as PromiseLike<unknown>).then(undefined, (e: unknown) => {
      err(e, what);
    });
  }
}

/** The protocol's name in a log message: its `logPrefix()` if it has one, else its class name. @internal */
export function protocolName(p: IProtocol): string {
  const prefix = (p as { logPrefix?: () => string }).logPrefix;
  try {
    return typeof prefix === "function" ? prefix.call(p) : p.constructor.name;
  } catch {
    return p.constructor.name;
  }
}
