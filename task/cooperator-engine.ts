/**
 * The Cooperator's engine: the state of each task (`TaskCore`) and of each Cooperator
 * (`Engine`), and the tick loop that runs them. Internal: the public faces are `Cooperator` and
 * `CooperativeTask` (cooperator.ts).
 *
 * Design: the tasks that may run form a circular doubly-linked ring in the order they were
 * added; a tick runs one `next()` per task round the ring until the termination predicate says
 * stop, and the next tick picks up where this one ended (Twisted's `_metarator`). A task that
 * waits (on a Deferred or a thenable it gave, or an asynchronous `next()`) or is paused is out
 * of the ring.
 *
 * Invariants: a task is in the ring exactly when it is neither finished, paused nor waiting;
 * at most one tick is scheduled (`delayedCall`), and none while the ring is empty or a tick
 * runs; a task finishes once, leaving the ring before any of its whenDone Deferreds fires; a
 * throw from a task fails that task only, and never stops the tick loop.
 * @module
 */
import { Deferred } from "../defer/deferred";
import { Failure } from "../core/failure";
import { err } from "../log";
import { reactor } from "../reactor";
import type { IDelayedCall } from "../core/interfaces";
import { describeValue } from "../core/validate";
import { SchedulerError, SchedulerStopped, TaskDone, TaskFailed } from "./cooperator-errors";

/** How much work one tick may do with the default termination predicate (Twisted's 0.01 s). */
const MAX_SLICE_MS = 10;
/**
 * The default predicate reads the clock only every so many steps (a reading costs more than a
 * generator step: docs/design/cooperator.md): it estimates a step's cost from the tick so far
 * and aims the next reading at half the time left. This caps how many steps may pass between two
 * readings, so a tick whose steps turn suddenly slow overruns by at most this many slow steps.
 */
const MAX_STRIDE = 32;
/** The default scheduler's delay, in seconds: Twisted's `_EPSILON`. */
const EPSILON = 1e-8;

/**
 * The default termination predicate factory: a tick ends once MAX_SLICE_MS have passed since the
 * factory was called. The clock is read after the first step, then after strides that shrink as
 * the deadline comes near (see MAX_STRIDE), so a tick of slow steps still ends about on time.
 */
export function timeSlice(): () => boolean {
  const start = performance.now();
  const end = start + MAX_SLICE_MS;
  let countdown = 1;
  let stride = 1;
  let steps = 0;
  return () => {
    if (--countdown !== 0) return false;
    const now = performance.now();
    if (now >= end) return true;
    steps += stride;
    const perStep = (now - start) / steps;
    const s = perStep > 0 ? Math.floor((end - now) / (2 * perStep)) : MAX_STRIDE;
    stride = s < 1 ? 1 : s > MAX_STRIDE ? MAX_STRIDE : s;
    countdown = stride;
    return false;
  };
}

/** Schedules a tick on the global reactor, a tiny delay from now. */
export function defaultScheduler(x: () => void): IDelayedCall {
  return reactor.callLater(EPSILON, x);
}

/** An iterator as the tick loop sees it: something with a `next()`. */
export interface StepIterator {
  next(): unknown;
}

/** What `next()` returned, as the tick loop reads it (any of these may be missing). */
export interface StepResult {
  readonly done?: unknown;
  readonly value?: unknown;
  readonly then?: unknown;
}

/** The error class that `pause()`/`stop()` throw once a task has finished. */
export type Completion = new () => SchedulerError;

/** The handle kept for the scheduled tick: only `cancel()` is used. */
export interface Cancellable {
  cancel(): void;
}

/** Stands in for a scheduler that returned nothing: there is nothing to cancel. */
export const NOT_CANCELLABLE: Cancellable = { cancel(): void {} };
/** Marks a tick being scheduled (the scheduler has not returned yet). */
export const SCHEDULING: Cancellable = { cancel(): void {} };

export function isObjectLike(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

/**
 * The iterator that `x` stands for: `x` itself when it has a `next()` method, else the one its
 * `Symbol.asyncIterator` or `Symbol.iterator` method makes.
 */
export function toIterator(x: unknown, caller: string): StepIterator {
  if (x !== null && x !== undefined) {
    const o = x as { next?: unknown; [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
    if (isObjectLike(x) && typeof o.next === "function") return x as StepIterator;
    const make = typeof o[Symbol.asyncIterator] === "function" ? o[Symbol.asyncIterator] : o[Symbol.iterator];
    if (typeof make === "function") {
      const it = (make as () => unknown).call(x) as { next?: unknown } | null;
      if (isObjectLike(it) && typeof it.next === "function") return it as StepIterator;
      throw new TypeError(`${caller}: the iterator made from ${describeValue(x)} has no next() method`);
    }
  }
  throw new TypeError(`${caller}: ${describeValue(x)} is neither an iterator nor an iterable`);
}

/** Fires a whenDone Deferred; one that cannot be fired (already called) is reported, not thrown. */
function fire(d: Deferred<unknown>, result: unknown): void {
  try {
    if (result instanceof Failure) d.errback(result);
    else d.callback(result);
  } catch (e) {
    err(e, "Unable to fire a Deferred waiting on a cooperative task:");
  }
}

/**
 * The state of one task. Internal and not exported: the tick loop reads and writes these fields
 * directly on every step, so they are plain fields (one class, all fields set in the same order:
 * the loop's property accesses stay monomorphic). The public face is {@link CooperativeTask}.
 */
export class TaskCore {
  /** See the end of the module: keeps this class's hidden class alive. */
  static shapeKeeper: TaskCore | null = null;
  /** The next task in the engine's run ring; null while not in it (paused, waiting, finished). */
  next: TaskCore | null = null;
  prev: TaskCore | null = null;
  /** pause() calls not yet matched by resume(). */
  pauseCount = 0;
  /** The Deferred or thenable the task waits on (a step's value, or an async `next()`). */
  waitingOn: object | null = null;
  /** Set once the task has finished: the error class pause()/stop() throw from then on. */
  completion: Completion | null = null;
  /** What whenDone() Deferreds fire with once finished: the iterator, or a Failure. */
  completionResult: unknown = undefined;
  deferreds: Deferred<unknown>[] | null = null;
  /** The engine's stop count when the task was made: if it moved on, the task was stopped. */
  readonly epoch: number;

  constructor(
    readonly iterator: StepIterator,
    readonly engine: Engine,
  ) {
    this.epoch = engine.epoch;
  }

  /** The Cooperator was stopped since this task was added: it fails when it would next run. */
  get doomed(): boolean {
    return this.epoch !== this.engine.epoch;
  }

  whenDone(): Deferred<unknown> {
    const d = new Deferred<unknown>();
    if (this.completion === null) (this.deferreds ??= []).push(d);
    else fire(d, this.completionResult);
    return d;
  }

  /** Finishes the task: out of the ring first, then the whenDone Deferreds fire. */
  completeWith(completion: Completion, result: unknown): void {
    this.completion = completion;
    this.completionResult = result;
    // Unlinked before any Deferred fires, so a callback that stops the Cooperator, or touches
    // this task, finds it already finished.
    if (this.next !== null) this.engine.removeTask(this);
    const ds = this.deferreds;
    this.deferreds = null;
    if (ds !== null) for (const d of ds) fire(d, result);
  }

  finish(): void {
    if (this.completion === null) this.completeWith(TaskDone, this.iterator);
  }

  fail(e: unknown): void {
    if (this.completion === null) this.completeWith(TaskFailed, e instanceof Failure ? e : new Failure(e));
  }

  failStopped(): void {
    this.completeWith(SchedulerStopped, new Failure(new SchedulerStopped()));
  }

  /**
   * A step gave an object `v`: when it is a Deferred or a thenable, the task waits for it.
   * @returns whether the task now waits.
   */
  gotValue(v: object): boolean {
    if (this.completion !== null) return false;
    if (v instanceof Deferred) {
      this.#wait(v);
      (v as Deferred<unknown>).addCallbacks(
        () => {
          this.#settled(v, undefined, false);
          return undefined;
        },
        (f: Failure) => {
          this.#settled(v, f, true);
          return undefined; // handled: the failure fails the task, it is not "unhandled" too
        },
      );
      return true;
    }
    const then = (v as StepResult).then;
    if (typeof then !== "function") return false;
    this.#wait(v);
    try {
      (then as PromiseLike<unknown>["then"]).call(
        v,
        () => this.#settled(v, undefined, false),
        (e: unknown) => this.#settled(v, e, true),
      );
    } catch (e) {
      this.#settled(v, e, true);
    }
    return true;
  }

  /** `next()` gave a thenable (an asynchronous iterator) or something that is not an object. */
  gotOddResult(r: unknown): void {
    if (this.completion !== null) return;
    const then = isObjectLike(r) ? (r as StepResult).then : undefined;
    if (typeof then !== "function") {
      this.fail(new TypeError(`iterator result ${describeValue(r)} is not an object`));
      return;
    }
    const source = r as object;
    this.#wait(source);
    try {
      (then as PromiseLike<unknown>["then"]).call(
        source,
        (result: unknown) => this.#stepped(source, result),
        (e: unknown) => this.#settled(source, e, true),
      );
    } catch (e) {
      this.#settled(source, e, true);
    }
  }

  #wait(source: object): void {
    this.waitingOn = source;
    if (this.next !== null) this.engine.removeTask(this);
  }

  /** Ends a wait on `source`; false when it was not (or no longer) the thing waited on. */
  #endWait(source: object): boolean {
    if (this.waitingOn !== source) return false; // a thenable settling twice, or a stale one
    this.waitingOn = null;
    if (this.completion !== null) return false; // stopped meanwhile: the outcome is moot
    if (this.doomed) {
      // The Cooperator was stopped while this task waited: it fails now, if it would run now.
      if (this.pauseCount === 0) this.failStopped();
      return false;
    }
    return true;
  }

  /** A waited-on value settled (a failure fails the task); the task runs again unless paused. */
  #settled(source: object, error: unknown, failed: boolean): void {
    if (!this.#endWait(source)) return;
    if (failed) this.fail(error);
    else if (this.pauseCount === 0) this.engine.addTask(this);
  }

  /** An asynchronous `next()` settled with `result`: the step ends as a synchronous one would. */
  #stepped(source: object, result: unknown): void {
    if (!this.#endWait(source)) return;
    try {
      if (!isObjectLike(result)) throw new TypeError(`iterator result ${describeValue(result)} is not an object`);
      const r = result as StepResult;
      if (r.done) {
        this.finish();
        return;
      }
      const v = r.value;
      if (isObjectLike(v) && this.gotValue(v)) return;
      if (this.pauseCount === 0) this.engine.addTask(this);
    } catch (e) {
      this.fail(e);
    }
  }
}

/**
 * A Cooperator's state and its tick loop. Internal: plain fields for the hot loop; the public
 * face is {@link Cooperator}.
 *
 * The tasks that may run are a circular doubly-linked ring in the order they were added
 * (removal from the middle is O(1)); `cursor` is the next to run, so turns go round the ring and
 * a tick picks up where the last one ended, as Twisted's `_metarator` does.
 */
export class Engine {
  head: TaskCore | null = null;
  cursor: TaskCore | null = null;
  delayedCall: Cancellable | null = null;
  started: boolean;
  stopped = false;
  mustScheduleOnStart = false;
  inTick = false;
  /** How many times stop() was called: tasks made before the last stop are failed. */
  epoch = 0;
  readonly tick = (): void => this.runTick();

  constructor(
    readonly factory: () => () => boolean,
    readonly scheduler: (x: () => void) => { cancel(): void },
    started: boolean,
  ) {
    this.started = started;
  }

  /** Puts `t` at the end of the ring and makes sure a tick is coming; fails it if stopped. */
  addTask(t: TaskCore): void {
    if (this.stopped || t.doomed) {
      t.failStopped();
      return;
    }
    const head = this.head;
    if (head === null) {
      t.next = t.prev = t;
      this.head = this.cursor = t;
    } else {
      const tail = head.prev as TaskCore;
      tail.next = t;
      t.prev = tail;
      t.next = head;
      head.prev = t;
    }
    this.reschedule();
  }

  /** Fails every task in the ring with `e` (each leaves the ring as it fails). */
  failRunnable(e: unknown): void {
    const failure = e instanceof Failure ? e : new Failure(e);
    while (this.head !== null) this.head.fail(failure);
  }

  /** Takes `t` out of the ring; with no task left, the pending tick is cancelled. */
  removeTask(t: TaskCore): void {
    const next = t.next as TaskCore;
    if (next === t) {
      this.head = this.cursor = null;
    } else {
      const prev = t.prev as TaskCore;
      prev.next = next;
      next.prev = prev;
      if (this.head === t) this.head = next;
      if (this.cursor === t) this.cursor = next;
    }
    t.next = t.prev = null;
    if (this.head === null && this.delayedCall !== null) {
      const call = this.delayedCall;
      this.delayedCall = null;
      call.cancel();
    }
  }

  reschedule(): void {
    if (!this.started) {
      this.mustScheduleOnStart = true;
      return;
    }
    // During a tick nothing is scheduled: the tick reschedules as it ends.
    if (this.inTick || this.delayedCall !== null || this.head === null) return;
    this.delayedCall = SCHEDULING;
    let call: { cancel(): void } | undefined;
    try {
      call = this.scheduler(this.tick);
    } catch (e) {
      if (this.delayedCall === SCHEDULING) this.delayedCall = null;
      throw e;
    }
    // A scheduler that ran the tick at once has already moved on: keep what that tick left.
    if (this.delayedCall !== SCHEDULING) return;
    if (call === undefined || call === null) {
      this.delayedCall = NOT_CANCELLABLE;
    } else if (typeof (call as Partial<Cancellable>).cancel === "function") {
      this.delayedCall = call;
    } else {
      // The tick is probably coming (a Node Timeout, say), but cannot be cancelled.
      this.delayedCall = NOT_CANCELLABLE;
      throw new TypeError(
        `Cooperator: the scheduler must return a handle with a cancel() method (an IDelayedCall, as ` +
          `reactor.callLater returns) or nothing, got ${describeValue(call)}`,
      );
    }
  }

  start(): void {
    this.stopped = false;
    this.started = true;
    if (this.mustScheduleOnStart) {
      this.mustScheduleOnStart = false;
      this.reschedule();
    }
  }

  stop(): void {
    this.stopped = true;
    this.epoch++;
    const call = this.delayedCall;
    this.delayedCall = null;
    if (call !== null) call.cancel();
    // Every task that may run fails now; paused and waiting ones (not in the ring) see the new
    // epoch when they would next run. The ring is emptied before any whenDone callback runs.
    const first = this.head;
    this.head = this.cursor = null;
    if (first === null) return;
    const tasks: TaskCore[] = [];
    let t = first;
    do {
      tasks.push(t);
      t = t.next as TaskCore;
    } while (t !== first);
    for (const task of tasks) task.next = task.prev = null;
    for (const task of tasks) if (task.completion === null) task.failStopped();
  }

  /**
   * One tick: units of work, one task after another round the ring, until the termination
   * predicate says stop or no task can run. This is the hot path. The try/catch is around the
   * loop, not inside it: a throw from `next()` lands in the catch, fails that task, and the loop
   * resumes (after asking the predicate, as it would have after any unit of work).
   */
  runTick(): void {
    if (this.inTick) return;
    this.delayedCall = null;
    this.inTick = true;
    let terminator: (() => boolean) | null = null;
    let current: TaskCore | null = null;
    let afterFailure = false;
    for (;;) {
      try {
        if (terminator === null) terminator = this.factory();
        if (afterFailure) {
          afterFailure = false;
          if (terminator()) break;
        }
        for (;;) {
          const t = this.cursor;
          if (t === null) break;
          this.cursor = t.next;
          current = t;
          const r = t.iterator.next() as StepResult;
          if (typeof r === "object" && r !== null && typeof r.then !== "function") {
            if (r.done) {
              t.finish();
            } else {
              const v = r.value;
              if ((typeof v === "object" && v !== null) || typeof v === "function") t.gotValue(v);
            }
          } else {
            t.gotOddResult(r);
          }
          current = null;
          if (terminator()) break;
        }
        break;
      } catch (e) {
        if (current === null) {
          // The termination predicate (or its factory) threw: report it, end this tick.
          err(e, "Unhandled error in a Cooperator's termination predicate:");
          // A factory that throws runs no step at all: rescheduling would throw again on every
          // tick, a livelock of error reports. The tasks that would run fail with its error.
          if (terminator === null) this.failRunnable(e);
          break;
        }
        current.fail(e);
        current = null;
        afterFailure = true;
      }
    }
    this.inTick = false;
    this.reschedule();
  }
}

