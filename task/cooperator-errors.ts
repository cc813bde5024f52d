/**
 * The errors of the Cooperator and its tasks, named as in `twisted.internet.task`.
 *
 * Each sets `name` to its class name, so stacks and `String(error)` say which one it is.
 * @module
 */
import { NamedError } from "../core/named-error";

/**
 * The base class of the Cooperator's errors: an operation could not be done because the
 * Cooperator or one of its tasks was in the wrong state. Not thrown itself; catch it to catch
 * any of its subclasses.
 */
export class SchedulerError extends NamedError {}

/**
 * The Cooperator was stopped: the result of every task it had when `Cooperator.stop()` was
 * called, of `coiterate`/`cooperate` on a stopped Cooperator, and what `CooperativeTask.pause()`
 * throws for a task of a stopped Cooperator.
 */
export class SchedulerStopped extends SchedulerError {}

/**
 * The task has already finished for good (completed, stopped or failed): the base class of
 * {@link TaskDone}, {@link TaskStopped} and {@link TaskFailed}.
 */
export class TaskFinished extends SchedulerError {}

/** Thrown by `pause()`/`stop()` of a task whose iterator was exhausted. */
export class TaskDone extends TaskFinished {}

/**
 * A task was stopped with `CooperativeTask.stop()`: its `whenDone()` Deferreds fail with it, and
 * `pause()`/`stop()` throw it afterwards.
 */
export class TaskStopped extends TaskFinished {}

/**
 * Thrown by `pause()`/`stop()` of a task that failed: its iterator threw (or a Deferred or
 * Promise it gave failed). Its `whenDone()` Deferreds fail with that error itself, not this one.
 */
export class TaskFailed extends TaskFinished {}

/** Thrown by `CooperativeTask.resume()` when the task is not paused. */
export class NotPaused extends SchedulerError {}
