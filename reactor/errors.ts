/**
 * The exceptions of the `reactor` module, named as in `twisted.internet.error`.
 *
 * Each sets `name` to its class name, so stacks and `String(err)` say which one it is.
 * @module
 */

/**
 * Thrown by `cancel()`, `reset()` or `delay()` of a `DelayedCall` that has already run
 * (or is running). As Twisted's `AlreadyCalled`.
 */
export class AlreadyCalled extends Error {
  constructor(message = "Tried to cancel an already-called event.") {
    super(message);
    this.name = "AlreadyCalled";
  }
}

/**
 * Thrown by `cancel()`, `reset()` or `delay()` of a `DelayedCall` that has already been
 * cancelled. As Twisted's `AlreadyCancelled`.
 */
export class AlreadyCancelled extends Error {
  constructor(message = "Tried to cancel an already-cancelled event.") {
    super(message);
    this.name = "AlreadyCancelled";
  }
}

/** Thrown when trying to stop a reactor which is not running (or is already stopping). */
export class ReactorNotRunning extends Error {
  constructor(message = "Can't stop reactor that isn't running.") {
    super(message);
    this.name = "ReactorNotRunning";
  }
}

/** Thrown by `run()` on a reactor that is already running. */
export class ReactorAlreadyRunning extends Error {
  constructor(message = "The reactor is already running.") {
    super(message);
    this.name = "ReactorAlreadyRunning";
  }
}

/** Thrown by `run()` on a reactor that has been stopped: a stopped reactor cannot run again. */
export class ReactorNotRestartable extends Error {
  constructor(message = "The reactor has been stopped and cannot be restarted.") {
    super(message);
    this.name = "ReactorNotRestartable";
  }
}

