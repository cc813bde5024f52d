/**
 * The reactor's interfaces, as `twisted.internet.interfaces` names them. Code that only needs
 * time (Deferred.addTimeout, the task utilities, a test Clock) depends on these, not on Reactor.
 * @module
 */

/** A call scheduled by {@link IReactorTime.callLater}. */
export interface IDelayedCall {
  /** When the call will run, in the scheduling clock's `seconds()`. */
  getTime(): number;
  /**
   * Unschedules the call.
   * @throws AlreadyCancelled / AlreadyCalled when it is no longer active.
   */
  cancel(): void;
  /**
   * Moves the call `secondsLater` seconds later (a negative number moves it sooner).
   * @throws AlreadyCancelled / AlreadyCalled when it is no longer active.
   */
  delay(secondsLater: number): void;
  /**
   * Re-schedules the call to run `secondsFromNow` seconds from now.
   * @throws AlreadyCancelled / AlreadyCalled when it is no longer active.
   */
  reset(secondsFromNow: number): void;
  /** True while the call is neither cancelled nor called. */
  active(): boolean;
  /** True once the call has run (or is running). */
  readonly called: boolean;
  /** True once the call has been cancelled. */
  readonly cancelled: boolean;
}

/** Something that tells the time and schedules calls: the Reactor, or a test Clock. */
export interface IReactorTime {
  /** The current time in seconds. Monotonic on the Reactor. */
  seconds(): number;
  /**
   * Calls `f(...args)` after `delay` seconds.
   * @throws RangeError / TypeError for a negative, NaN or non-number delay or a non-function `f`.
   */
  callLater<A extends unknown[]>(delay: number, f: (...args: A) => unknown, ...args: A): IDelayedCall;
  /** The calls scheduled and still active. */
  getDelayedCalls(): IDelayedCall[];
}

/** An opaque handle returned by `addSystemEventTrigger`, for `removeSystemEventTrigger`. */
export interface TriggerId {
  /** The phase the trigger runs in. */
  readonly phase: "before" | "during" | "after";
  /** The system event it belongs to ("startup", "shutdown" or any name). */
  readonly eventType: string;
}

/** The reactor's life cycle: run, stop, and system event triggers. */
export interface IReactorCore {
  /** True from `run()` until the reactor has stopped. */
  readonly running: boolean;
  /** Runs the reactor; the Promise resolves once it has stopped and shutdown has finished. */
  run(): Promise<void>;
  /** Fires the "shutdown" system event, then stops. */
  stop(): void;
  /** Stops at once, without the shutdown triggers. */
  crash(): void;
  /** Calls `f(...args)` once the reactor is running (at once when it already is). */
  callWhenRunning<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): unknown;
  /** Adds a trigger for the phase of a system event; returns a handle for removal. */
  addSystemEventTrigger<A extends unknown[]>(
    phase: "before" | "during" | "after",
    eventType: string,
    f: (...args: A) => unknown,
    ...args: A
  ): TriggerId;
  /** Removes a trigger added by `addSystemEventTrigger`. @throws Error for an unknown handle. */
  removeSystemEventTrigger(id: TriggerId): void;
  /** Fires a system event: its before, during and after triggers in turn. */
  fireSystemEvent(eventType: string): void;
}
