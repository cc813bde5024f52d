/**
 * What the transports share about calling a protocol: how a callback's returned Deferred or
 * Promise is watched, and how a protocol (or factory) is named in a log message.
 * @module
 */
import { className, textOf } from "../core/validate";
import type { Failure } from "../core/failure";
import { Deferred } from "../defer/deferred";
import { err } from "../log";
import type { IProducer } from "./interfaces";

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

/**
 * The name of a protocol or factory in a log message (Twisted's `_getLogPrefix`): its
 * `logPrefix()` if it has one, else its class name (also when `logPrefix()` throws). @internal
 */
export function logPrefixOf(thing: object): string {
  const prefix = (thing as { logPrefix?: unknown }).logPrefix;
  if (typeof prefix === "function") {
    try {
      return String((prefix as () => unknown).call(thing));
    } catch {
      // a throwing logPrefix falls back to the class name
    }
  }
  return className(thing);
}

/** Tells a producer the connection is gone (`stopProducing()`); what it throws is logged. */
export function stopProducerOnLoss(producer: IProducer | null): void {
  if (producer === null) return;
  try {
    producer.stopProducing();
  } catch (e) {
    err(e, `Unhandled error from ${textOf(producer)}.stopProducing:`);
  }
}
