/**
 * The exceptions of the `reactor` module, named as in `twisted.internet.error`.
 *
 * Each sets `name` to its class name, so stacks and `String(err)` say which one it is.
 * @module
 */
import { NamedError } from "../core/named-error";

/**
 * Thrown by `cancel()`, `reset()` or `delay()` of a `DelayedCall` that has already run
 * (or is running). As Twisted's `AlreadyCalled`.
 */
export class AlreadyCalled extends NamedError {
  constructor(message = "Tried to cancel an already-called event.") {
    super(message);
  }
}

/**
 * Thrown by `cancel()`, `reset()` or `delay()` of a `DelayedCall` that has already been
 * cancelled. As Twisted's `AlreadyCancelled`.
 */
export class AlreadyCancelled extends NamedError {
  constructor(message = "Tried to cancel an already-cancelled event.") {
    super(message);
  }
}

/** Thrown when trying to stop a reactor which is not running (or is already stopping). */
export class ReactorNotRunning extends NamedError {
  constructor(message = "Can't stop reactor that isn't running.") {
    super(message);
  }
}

/** Thrown by `run()` on a reactor that is already running. */
export class ReactorAlreadyRunning extends NamedError {
  constructor(message = "The reactor is already running.") {
    super(message);
  }
}

/** Thrown by `run()` on a reactor that has been stopped: a stopped reactor cannot run again. */
export class ReactorNotRestartable extends NamedError {
  constructor(message = "The reactor has been stopped and cannot be restarted.") {
    super(message);
  }
}

