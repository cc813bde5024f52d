/**
 * The exceptions of the `defer` module, named as in `twisted.internet.defer`.
 *
 * Each sets `name` to its class name so stacks and `String(err)` say which one it is.
 * @module
 */
import { NamedError } from "../core/named-error";
import type { Failure } from "../core/failure";

/**
 * Thrown by `callback()`/`errback()` on a Deferred that already has a result.
 * With {@link setDebugging} on, the message carries where the Deferred was made and first fired.
 */
export class AlreadyCalledError extends NamedError {}

/** The result of a Deferred that was cancelled before it had a result. */
export class CancelledError extends NamedError {}

/**
 * The default result of a Deferred timed out by `addTimeout`. Twisted constructs it as
 * `TimeoutError(timeout, "Deferred")`; here the timeout (seconds) is kept as `timeout`.
 */
export class TimeoutError extends NamedError {
  /** The timeout that expired, in seconds, when known. */
  readonly timeout: number | undefined;
  constructor(timeout?: number | string, message?: string) {
    // Accept both `new TimeoutError("text")` and Twisted's `TimeoutError(timeout, "Deferred")`.
    const seconds = typeof timeout === "number" ? timeout : undefined;
    const text =
      typeof timeout === "string"
        ? timeout
        : seconds !== undefined
          ? `${message ?? "Deferred"} timed out after ${seconds} seconds`
          : (message ?? "timed out");
    super(text);
    this.timeout = seconds;
  }
}

/**
 * The error of a DeferredList/gatherResults that failed because one of its Deferreds failed
 * (`fireOnOneErrback`). `subFailure` is that Deferred's Failure and `index` its position.
 */
export class FirstError extends NamedError {
  /** The Failure of the Deferred that failed first. */
  readonly subFailure: Failure;
  /** That Deferred's position in the list given. */
  readonly index: number;
  constructor(failure: Failure, index: number) {
    super(`FirstError[#${index}, ${failure.toString()}]`);
    this.subFailure = failure;
    this.index = index;
  }
}

/** The error of `race()` when every Deferred failed; `failures` holds them in input order. */
export class FailureGroup extends NamedError {
  /** The Failure of each Deferred given, in the order given. */
  readonly failures: Failure[];
  constructor(failures: Failure[]) {
    super(`all ${failures.length} Deferreds failed`);
    this.failures = failures;
  }
}

/** Thrown by `ensureDeferred` given something that is neither a Deferred, a thenable nor a generator. */
export class NotACoroutineError extends TypeError {
  constructor(message?: string) {
    super(message);
    this.name = "NotACoroutineError";
  }
}

/** Thrown by `DeferredQueue.put` when the queue already holds `size` objects. */
export class QueueOverflow extends NamedError {}

/** Thrown by `DeferredQueue.get` when `backlog` getters are already waiting. */
export class QueueUnderflow extends NamedError {}
