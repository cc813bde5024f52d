/**
 * `Scheduler` and `createTask`: named, cancellable background tasks on a clock, as
 * `pydis_core.utils.scheduling` offers them on asyncio.
 * @module
 */
import { markObserved } from "../defer/unhandled";
import { Deferred, _adopt } from "../defer/deferred";
import { CancelledError } from "../defer/errors";
import { Failure, type ErrorType } from "../core/failure";
import { maybeDeferred } from "../defer/functions";
import { driveGenerator, isGenerator } from "../defer/inline-callbacks";
import { Logger, err } from "../log";
import { reactor } from "../reactor";
import type { IDelayedCall, IReactorTime } from "../core/interfaces";
import { checkDelay, describeValue } from "../core/validate";

/**
 * What a task runs: a function, called when the task is due with an `AbortSignal` that is
 * aborted (with a `CancelledError` as its reason) when the task is cancelled, whose return value
 * (a Deferred, a Promise, a generator or a plain value) is the task; or a generator, driven as
 * `inlineCallbacks` drives one (each yielded Deferred or Promise is waited on).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Work = ((signal: AbortSignal) => unknown) | Generator<unknown, unknown, any>;

/** Throws a TypeError at the call when `work` is neither a function nor a generator. */
function checkWork(caller: string, work: unknown): asserts work is Work {
  if (typeof work !== "function" && !isGenerator(work)) {
    throw new TypeError(`${caller}: work must be a function or a generator, got ${describeValue(work)}`);
  }
}

/** True for the errors a DOM-style abort produces (`DOMException` named "AbortError"). */
function isAbortError(value: unknown): boolean {
  try {
    return typeof value === "object" && value !== null && (value as { name?: unknown }).name === "AbortError";
  } catch {
    return false; // a Proxy whose get trap throws is no AbortError
  }
}

/**
 * Closes work that will never run: a generator is `return()`ed (so the `finally` blocks it is
 * suspended in run); a function is simply never called. A throw from the generator's `finally`
 * goes to `report`.
 */
function closeWork(work: Work, report: (f: Failure) => void): void {
  if (typeof work === "function") return;
  try {
    work.return(undefined);
  } catch (e) {
    report(e instanceof Failure ? e : new Failure(e));
  }
}

/**
 * One task: the delayed call that starts the work on the clock, and the Deferred (`deferred`)
 * of the work's outcome. Cancelling `deferred` cancels the task:
 * - not started: the delayed call is cancelled and the work closed (it never runs);
 * - running: the work's AbortSignal is aborted and the Deferred it returned (or the Deferred of
 *   the generator being driven) is cancelled; `deferred` then takes whatever that does next (a
 *   generator may catch the CancelledError and go on), as `driveGenerator` does.
 */
class Task {
  /** Fires with the work's outcome; fails with CancelledError when cancelled. */
  readonly deferred: Deferred<unknown>;
  #work: Work | undefined;
  #call: IDelayedCall | undefined;
  #controller: AbortController | undefined = undefined;
  /** The Deferred of the running work, once `#start` has it. */
  #inner: Deferred<unknown> | undefined = undefined;
  #started = false;
  #cancelRequested = false;
  /** `deferred` was made to wait on `#inner` by a cancel while the work was running. */
  #adopted = false;
  readonly #report: (f: Failure) => void;

  /**
   * @param report where failures go that `deferred` cannot carry: a throw from a closed
   *   generator, or the outcome of work cancelled while it was running synchronously.
   */
  constructor(work: Work, clock: IReactorTime, delay: number, report: (f: Failure) => void) {
    this.#work = work;
    this.#report = report;
    this.deferred = new Deferred<unknown>((d) => this.#cancel(d));
    this.#call = clock.callLater(delay, () => this.#start());
  }

  /**
   * Whether `f` is this task's cancellation rather than an error: a CancelledError, or, once the
   * task was cancelled, the signal's reason or an AbortError.
   */
  isCancellation(f: Failure): boolean {
    if (f.check(CancelledError) !== null) return true;
    if (!this.#cancelRequested) return false;
    return f.value === this.#controller?.signal.reason || isAbortError(f.value);
  }

  #start(): void {
    this.#call = undefined;
    this.#started = true;
    const work = this.#work as Work;
    this.#work = undefined;
    let inner: Deferred<unknown>;
    if (typeof work === "function") {
      const controller = new AbortController();
      this.#controller = controller;
      // A throw fails it; a Deferred, Promise or plain value (a Failure takes the errback path)
      // is what the task waits on; a generator is driven as inlineCallbacks drives one.
      inner = maybeDeferred((signal: AbortSignal) => {
        const r = work(signal);
        return isGenerator(r) ? driveGenerator(r) : r;
      }, controller.signal);
    } else {
      inner = driveGenerator(work);
    }
    if (this.#cancelRequested) {
      // Cancelled while the work ran synchronously: `deferred` already failed with
      // CancelledError. Cancel what the work returned too; what it does next is only reported.
      inner.cancel();
      inner.addBoth((r: unknown) => {
        if (r instanceof Failure && !this.isCancellation(r)) this.#report(r);
        return null;
      });
      return;
    }
    this.#inner = inner;
    inner.addBoth((r: unknown) => {
      if (this.#adopted) return r; // `deferred` waits on `inner` and takes this result
      if (r instanceof Failure) this.deferred.errback(r);
      else this.deferred.callback(r);
      return null; // handed over: `deferred` carries it now
    });
  }

  /** The canceller of `deferred` (only called while it has no result). */
  #cancel(d: Deferred<unknown>): void {
    this.#cancelRequested = true;
    if (!this.#started) {
      const call = this.#call;
      this.#call = undefined;
      if (call !== undefined && call.active()) call.cancel();
      const work = this.#work;
      this.#work = undefined;
      if (work !== undefined) closeWork(work, this.#report);
      return; // Deferred.cancel() fails `d` with CancelledError
    }
    this.#controller?.abort(new CancelledError());
    const inner = this.#inner;
    // Still inside the work's synchronous run: `d` fails with CancelledError now, and #start
    // cancels the work's Deferred once it has it.
    if (inner === undefined) return;
    this.#adopted = true;
    _adopt(d, inner);
    inner.cancel();
  }
}

/**
 * Schedules work under ids and keeps track of it, so it can be looked up (`has`) and cancelled
 * (`cancel`, `cancelAll`) by id: the counterpart of `pydis_core.utils.scheduling.Scheduler`.
 *
 * Work starts on the clock's next turn (`clock.callLater(0, …)`, as asyncio's `call_soon`), or
 * later with `scheduleAt`/`scheduleLater`. A task is forgotten once it finishes, fails or is
 * cancelled. An exception in a task is logged with `err(failure, why, { namespace: name })`;
 * cancellation (CancelledError, or an AbortError once the task was cancelled) is not. A task's
 * outcome is consumed by the Scheduler: nothing is left to be reported as an unhandled error.
 *
 * Ids are Map keys (SameValueZero): `1` and `"1"` are different ids, objects and arrays are
 * compared by identity. The Scheduler logs what it schedules and cancels at level `debug`, and
 * warnings (duplicate id, unknown id) at level `warn`, with its name as namespace.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler("reminders");
 * scheduler.scheduleLater(60, reminder.id, (signal) => sendReminder(reminder, { signal }));
 * scheduler.schedule("sync", function* () {
 *   const users = yield api.fetchUsers();
 *   yield db.store(users);
 * }());
 * // later
 * if (scheduler.has(reminder.id)) scheduler.cancel(reminder.id);
 * scheduler.cancelAll();
 * ```
 */
export class Scheduler {
  /** The name given to the constructor: the namespace of everything this Scheduler logs. */
  readonly name: string;
  readonly #clock: IReactorTime;
  readonly #log: Logger;
  readonly #tasks = new Map<unknown, Task>();

  /**
   * @param name distinguishes this Scheduler's log events (their `namespace`); the name of the
   *   class or module that owns it is a good choice.
   * @param options.clock where tasks are scheduled (default: the global `reactor`); a test Clock
   *   makes it deterministic.
   * @throws TypeError when `name` is not a string.
   */
  constructor(name: string, options?: { clock?: IReactorTime }) {
    if (typeof name !== "string") throw new TypeError(`Scheduler: name must be a string, got ${describeValue(name)}`);
    this.name = name;
    this.#clock = options?.clock ?? reactor;
    this.#log = new Logger(name);
    // Every method works passed as a value (`reactor.callLater(60, scheduler.cancelAll)`).
    this.has = this.has.bind(this);
    this.schedule = this.schedule.bind(this);
    this.scheduleAt = this.scheduleAt.bind(this);
    this.scheduleLater = this.scheduleLater.bind(this);
    this.cancel = this.cancel.bind(this);
    this.cancelAll = this.cancelAll.bind(this);
  }

  /** True when a task with this id is scheduled or running (from the moment `schedule*` returns). */
  has(taskId: unknown): boolean {
    return this.#tasks.has(taskId);
  }

  /**
   * Starts `work` on the clock's next turn, as the task `taskId`. When a task with that id is
   * already scheduled or running, logs a warning and drops `work` instead: a generator is closed
   * (`return()`), a function is never called.
   * @throws TypeError when `work` is neither a function nor a generator.
   */
  schedule(taskId: unknown, work: Work): void {
    checkWork("schedule", work);
    this.#schedule(taskId, work, 0);
  }

  /**
   * Starts `work` at the wall-clock `time` (the delay is `time - Date.now()`, then counted on
   * the clock), as the task `taskId`; a `time` in the past starts it on the clock's next turn.
   * A duplicate id is handled as by `schedule`.
   * @throws TypeError when `time` is not a Date or `work` is neither a function nor a generator.
   * @throws RangeError when `time` is an invalid Date.
   */
  scheduleAt(time: Date, taskId: unknown, work: Work): void {
    if (!(time instanceof Date)) throw new TypeError(`scheduleAt: time must be a Date, got ${describeValue(time)}`);
    const ms = time.getTime();
    if (Number.isNaN(ms)) throw new RangeError("scheduleAt: time is an invalid Date");
    checkWork("scheduleAt", work);
    this.#schedule(taskId, work, Math.max(0, (ms - Date.now()) / 1000));
  }

  /**
   * Starts `work` `delay` seconds from now (on the clock), as the task `taskId`. The task counts
   * as scheduled (`has` is true) while it waits. A duplicate id is handled as by `schedule`.
   * @throws TypeError when `delay` is not a number or `work` is neither a function nor a generator.
   * @throws RangeError when `delay` is negative or NaN.
   */
  scheduleLater(delay: number, taskId: unknown, work: Work): void {
    checkDelay("scheduleLater", delay);
    checkWork("scheduleLater", work);
    this.#schedule(taskId, work, delay);
  }

  /**
   * Cancels the task `taskId` and forgets it at once. Not started yet: it never starts (a
   * generator is closed). Running: the function's AbortSignal is aborted and what the work waits
   * on is cancelled. An unknown id logs a warning; nothing is thrown.
   */
  cancel(taskId: unknown): void {
    const task = this.#tasks.get(taskId);
    if (task === undefined) {
      this.#log.warn("Failed to unschedule task {label} (no task found).", { taskId, label: `#${describeValue(taskId)}` });
      return;
    }
    this.#tasks.delete(taskId);
    task.deferred.cancel();
    this.#log.debug("Unscheduled task {label}.", { taskId, label: `#${describeValue(taskId)}` });
  }

  /** Cancels every task this Scheduler knows, as `cancel` does for each. */
  cancelAll(): void {
    this.#log.debug("Unscheduling all tasks.");
    for (const taskId of [...this.#tasks.keys()]) this.cancel(taskId);
  }

  #schedule(taskId: unknown, work: Work, delay: number): void {
    const label = `#${describeValue(taskId)}`;
    const report = (f: Failure): void => err(f, `Error in task ${label}:`, { namespace: this.name });
    if (this.#tasks.has(taskId)) {
      this.#log.warn("Did not schedule task {label}; a task with that id is already scheduled.", { taskId, label });
      closeWork(work, report);
      return;
    }
    const task = new Task(work, this.#clock, delay, report);
    this.#tasks.set(taskId, task);
    task.deferred.addBoth((r: unknown) => {
      // Only forget the id if it is still this task's (it may have been cancelled and reused).
      if (this.#tasks.get(taskId) === task) this.#tasks.delete(taskId);
      if (r instanceof Failure && !task.isCancellation(r)) report(r);
      return null; // the outcome is consumed: logged above, never reported as unhandled
    });
    this.#log.debug("Scheduled task {label} in {delay} seconds.", { taskId, label, delay });
  }
}

/**
 * Runs `work` as a background task on the clock's next turn (`clock.callLater(0, …)`) and
 * returns a Deferred of its outcome: the counterpart of pydis_core's `create_task`. An exception
 * in the work is logged once, with `err(failure, "Error in task:")`, unless it is an instance of
 * one of `suppressedExceptions` or a cancellation.
 *
 * The returned Deferred fails with that exception, so callers may handle it; since the error was
 * already logged (or deliberately suppressed, or is a cancellation), its Failure is marked as
 * observed, and a caller that ignores it gets no second "Unhandled error in Deferred" report.
 * Cancelling the Deferred cancels the task: before it starts, the work never runs (a generator
 * is closed); while it runs, the function's AbortSignal is aborted and what the work waits on is
 * cancelled.
 *
 * @param options.suppressedExceptions error classes that are expected: not logged.
 * @param options.clock where the task is scheduled (default: the global `reactor`).
 * @throws TypeError when `work` is neither a function nor a generator, or
 *   `suppressedExceptions` is not an array.
 * @example
 * ```ts
 * const d = createTask((signal) => fetch(url, { signal }), { suppressedExceptions: [TimeoutError] });
 * d.addCallback((response) => console.log(response.status));
 * d.cancel(); // aborts the fetch
 * ```
 */
export function createTask(
  work: Work,
  options?: { suppressedExceptions?: ErrorType[]; clock?: IReactorTime },
): Deferred<unknown> {
  checkWork("createTask", work);
  const suppressed = options?.suppressedExceptions ?? [];
  if (!Array.isArray(suppressed)) {
    throw new TypeError(`createTask: suppressedExceptions must be an array, got ${describeValue(suppressed)}`);
  }
  const clock = options?.clock ?? reactor;
  const report = (f: Failure): void => {
    if (suppressed.length > 0 && f.check(...suppressed) !== null) return;
    err(f, "Error in task:");
  };
  const task = new Task(work, clock, 0, report);
  task.deferred.addErrback((f: Failure) => {
    if (!task.isCancellation(f)) report(f);
    markObserved(f); // logged once above (or not to be logged): no unhandled-error report
    return f;
  });
  return task.deferred;
}
