/**
 * `Cooperator`: runs many iterators a step at a time, taking turns, without holding the event
 * loop. The counterpart of `twisted.internet.task.Cooperator`, `coiterate` and `cooperate`.
 * @module
 */
import { Deferred } from "../defer/deferred";
import { Failure } from "../core/failure";
import { err } from "../log";
import { reactor } from "../reactor";
import type { IDelayedCall } from "../core/interfaces";
import { describeValue } from "../core/validate";
import {
  NotPaused,
  SchedulerError,
  SchedulerStopped,
  TaskDone,
  TaskFailed,
  TaskStopped,
} from "./cooperator-errors";

/**
 * What `coiterate`/`cooperate` accept: an iterator (its `next()` is called, with no argument, once
 * per unit of work), or something iterable that makes one (`Symbol.asyncIterator` is preferred
 * over `Symbol.iterator`, as `for await` does).
 */
export type CooperativeIterable<T> = Iterator<T> | Iterable<T> | AsyncIterator<T> | AsyncIterable<T>;

/** Options of {@link Cooperator}. */
export interface CooperatorOptions {
  /**
   * Called at the start of each tick; returns a predicate that is called after every unit of
   * work and says (true) when the tick should end. Default: end the tick once about 10 ms of
   * work has been done in it.
   */
  terminationPredicateFactory?: () => () => boolean;
  /**
   * Given the tick function, arranges for it to be called later and returns a handle whose
   * `cancel()` unschedules it. Default: the global reactor's `callLater` with a tiny delay, so
   * that the reactor runs its other due calls (and Node its I/O) between ticks.
   */
  scheduler?: (x: () => void) => IDelayedCall;
  /** Whether tasks run as soon as they are added (default true); otherwise from `start()`. */
  started?: boolean;
}

/** How much work one tick may do with the default termination predicate (Twisted's 0.01 s). */
const MAX_SLICE_MS = 10;
/**
 * The default predicate reads the clock (about 50 ns, three times the cost of a generator step)
 * only every so many steps: it estimates a step's cost from the tick so far and aims the next
 * reading at half the time left. This caps how many steps may pass between two readings: a clock
 * reading costs under 2 ns a step at this stride, and a tick whose steps turn suddenly slow
 * after fast ones overruns by at most this many of the slow steps.
 */
const MAX_STRIDE = 32;
/** The default scheduler's delay, in seconds: Twisted's `_EPSILON`. */
const EPSILON = 1e-8;

/**
 * The default termination predicate factory: a tick ends once MAX_SLICE_MS have passed since the
 * factory was called. The clock is read after the first step, then after strides that shrink as
 * the deadline comes near (see MAX_STRIDE), so a tick of slow steps still ends about on time.
 */
function timeSlice(): () => boolean {
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
function defaultScheduler(x: () => void): IDelayedCall {
  return reactor.callLater(EPSILON, x);
}

/** An iterator as the tick loop sees it: something with a `next()`. */
interface StepIterator {
  next(): unknown;
}

/** What `next()` returned, as the tick loop reads it (any of these may be missing). */
interface StepResult {
  readonly done?: unknown;
  readonly value?: unknown;
  readonly then?: unknown;
}

/** The error class that `pause()`/`stop()` throw once a task has finished. */
type Completion = new () => SchedulerError;

/** The handle kept for the scheduled tick: only `cancel()` is used. */
interface Cancellable {
  cancel(): void;
}

/** Stands in for a scheduler that returned nothing: there is nothing to cancel. */
const NOT_CANCELLABLE: Cancellable = { cancel(): void {} };
/** Marks a tick being scheduled (the scheduler has not returned yet). */
const SCHEDULING: Cancellable = { cancel(): void {} };

function isObjectLike(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

/**
 * The iterator that `x` stands for: `x` itself when it has a `next()` method, else the one its
 * `Symbol.asyncIterator` or `Symbol.iterator` method makes.
 */
function toIterator(x: unknown, caller: string): StepIterator {
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
class TaskCore {
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
class Engine {
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
    readonly scheduler: (x: () => void) => IDelayedCall,
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
    let call: IDelayedCall | undefined;
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

/** Module-private access to a Cooperator's engine (assigned in Cooperator's static block). */
let engineOf: (c: Cooperator) => Engine;

/**
 * A task inside a {@link Cooperator}: an iterator driven one `next()` at a time, which can be
 * paused, resumed and stopped, and whose end can be waited for. Made by `Cooperator.cooperate`
 * (or the module's `cooperate`).
 */
export class CooperativeTask {
  readonly #core: TaskCore;

  /**
   * Adds `iterator` to `cooperator` as a new task (what `cooperator.cooperate(iterator)` does;
   * Twisted's constructor is private, call `cooperate` instead).
   * @throws TypeError when `iterator` is neither an iterator nor an iterable.
   */
  constructor(iterator: CooperativeIterable<unknown>, cooperator: Cooperator) {
    const core = new TaskCore(toIterator(iterator, "cooperate"), engineOf(cooperator));
    this.#core = core;
    // Every method works passed as a value (`d.addCallback(task.stop)`).
    this.whenDone = this.whenDone.bind(this);
    this.pause = this.pause.bind(this);
    this.resume = this.resume.bind(this);
    this.stop = this.stop.bind(this);
    core.engine.addTask(core);
  }

  /**
   * A new Deferred for the end of this task. It fires with the iterator the task drives (the
   * one made from an iterable, if an iterable was given) once that is exhausted; it fails with
   * the iterator's error (or that of a Deferred or Promise it gave) if it failed, with
   * `TaskStopped` if the task was stopped, or with `SchedulerStopped` if its Cooperator was.
   * Every call gives a separate Deferred, and each fires; after the end they fire at once.
   */
  whenDone(): Deferred<unknown> {
    return this.#core.whenDone();
  }

  /**
   * Pauses the task: no work is done for it until `resume()` has been called as many times as
   * `pause()`. A task waiting on a Deferred waits for that too.
   * @throws TaskDone / TaskStopped / TaskFailed when the task has finished (SchedulerStopped when
   *   its Cooperator's stop() finished it).
   * @throws SchedulerStopped when the task's Cooperator has been stopped.
   */
  pause(): void {
    const core = this.#core;
    if (core.completion !== null) throw new core.completion();
    if (core.engine.stopped || core.doomed) throw new SchedulerStopped();
    core.pauseCount++;
    if (core.pauseCount === 1 && core.next !== null) core.engine.removeTask(core);
  }

  /**
   * Undoes one `pause()`. When none remain, the task takes its turn again (if it has not
   * finished and waits on nothing); a task of a stopped Cooperator then fails with
   * `SchedulerStopped`. Resuming does no work itself: that waits for the next tick.
   * @throws NotPaused when the task is not paused.
   */
  resume(): void {
    const core = this.#core;
    if (core.pauseCount === 0) throw new NotPaused();
    core.pauseCount--;
    if (core.pauseCount === 0 && core.completion === null && core.waitingOn === null) core.engine.addTask(core);
  }

  /**
   * Stops the task for good: no more work is done for it, and its `whenDone()` Deferreds fail
   * with `TaskStopped`. A Deferred or Promise it waits on is left alone (not cancelled).
   * @throws TaskDone / TaskStopped / TaskFailed (or SchedulerStopped) when it has already finished.
   */
  stop(): void {
    const core = this.#core;
    if (core.completion !== null) throw new core.completion();
    core.completeWith(TaskStopped, new Failure(new TaskStopped()));
  }
}

/**
 * A cooperative task scheduler: runs iterators a unit of work (one `next()`) at a time, in turns
 * (round robin), in ticks that each last only a little while (about 10 ms by default), so that a
 * long computation split into steps never holds the event loop.
 *
 * When a step gives a Deferred or a Promise (as its `value`), that task waits until it settles
 * (a failure fails the task) while the others go on. Asynchronous iterators work too: a `next()`
 * that returns a thenable is a step that ends when it settles.
 *
 * Several Cooperators do not cooperate with each other: most code should use the module's
 * {@link coiterate} and {@link cooperate}, which share one.
 *
 * @example
 * ```ts
 * const coop = new Cooperator();
 * function* sumSquares(n: number) {
 *   let total = 0;
 *   for (let i = 0; i < n; i++) { total += i * i; yield; }
 *   console.log(total);
 * }
 * coop.coiterate(sumSquares(10_000_000)).addCallback(() => console.log("done"));
 * const task = coop.cooperate(["a", "b", "c"]);  // any iterable
 * task.pause(); task.resume();
 * ```
 */
export class Cooperator {
  readonly #engine: Engine;

  static {
    engineOf = (c: Cooperator): Engine => c.#engine;
  }

  /**
   * @param options `terminationPredicateFactory` (default: end each tick after about 10 ms of
   *   work), `scheduler` (default: the global reactor, a tiny delay), `started` (default true).
   * @throws TypeError when `terminationPredicateFactory` or `scheduler` is given and is not a function.
   */
  constructor(options: CooperatorOptions = {}) {
    const factory = options.terminationPredicateFactory ?? timeSlice;
    const scheduler = options.scheduler ?? defaultScheduler;
    if (typeof factory !== "function") {
      throw new TypeError(`Cooperator: terminationPredicateFactory must be a function, got ${describeValue(factory)}`);
    }
    if (typeof scheduler !== "function") {
      throw new TypeError(`Cooperator: scheduler must be a function, got ${describeValue(scheduler)}`);
    }
    this.#engine = new Engine(factory, scheduler, options.started ?? true);
    // Every method works passed as a value (`reactor.callLater(5, coop.stop)`).
    this.coiterate = this.coiterate.bind(this);
    this.cooperate = this.cooperate.bind(this);
    this.start = this.start.bind(this);
    this.stop = this.stop.bind(this);
  }

  /**
   * Runs `iterator` as a task of this Cooperator and returns a Deferred of its end: it fires
   * with the iterator the task drives once exhausted, or fails with the iterator's error, or
   * with `SchedulerStopped` (at once if this Cooperator is stopped).
   * @param doneDeferred the Deferred to fire and return instead of a new one.
   * @throws TypeError (at the call) when `iterator` is neither an iterator nor an iterable.
   * @example
   * ```ts
   * async function* lines() { yield* ["a", "b"]; }
   * new Cooperator().coiterate(lines()).addCallback(() => console.log("all read"));
   * ```
   */
  coiterate<T>(iterator: CooperativeIterable<T>, doneDeferred?: Deferred<unknown> | null): Deferred<unknown> {
    const engine = this.#engine;
    const core = new TaskCore(toIterator(iterator, "coiterate"), engine);
    const done = doneDeferred ?? new Deferred<unknown>();
    core.deferreds = [done];
    engine.addTask(core);
    return done;
  }

  /**
   * Runs `iterator` as a task of this Cooperator and returns the task, to pause, resume, stop
   * or wait for. On a stopped Cooperator the task has already failed with `SchedulerStopped`.
   * @throws TypeError (at the call) when `iterator` is neither an iterator nor an iterable.
   * @example
   * ```ts
   * function* saveAll() { for (const row of rows) yield save(row); } // waits on each save's Promise
   * const task = new Cooperator().cooperate(saveAll());
   * task.whenDone().addCallback(() => console.log("saved"));
   * ```
   */
  cooperate<T>(iterator: CooperativeIterable<T>): CooperativeTask {
    return new CooperativeTask(iterator, this);
  }

  /** Starts (or, after `stop()`, restarts) running tasks; tasks added before `start()` begin now. */
  start(): void {
    this.#engine.start();
  }

  /**
   * Stops the Cooperator: every task fails with `SchedulerStopped` (their `whenDone()` Deferreds
   * fail): those that may run at once, paused or waiting ones when they would next run. Tasks
   * added afterwards fail at once, until `start()` is called again.
   */
  stop(): void {
    this.#engine.stop();
  }

  /** True when started and not stopped. */
  get running(): boolean {
    const engine = this.#engine;
    return engine.started && !engine.stopped;
  }
}

/** The Cooperator behind the module's `coiterate` and `cooperate` (Twisted's `_theCooperator`). */
const theCooperator = new Cooperator();

// A task that is never run, kept (as a static of its class) only so that TaskCore's hidden class
// stays alive. V8 holds map transitions weakly: when no task is alive at a full GC, the map dies,
// the tick loop's optimised code (which embeds it) is thrown away, and the next task runs the loop
// unoptimised until it is compiled again. Measured on the bench, which collects garbage between
// runs: about 40 ns a step without this, 25-30 ns with it. (theCooperator keeps Engine's alive.)
TaskCore.shapeKeeper = new TaskCore({ next: () => ({ done: true, value: undefined }) }, engineOf(theCooperator));

/**
 * Runs `iterator` as a task of the global Cooperator (driven by the global reactor), sharing
 * its time with every other task there; returns a Deferred of its end (see
 * {@link Cooperator.coiterate}).
 * @throws TypeError (at the call) when `iterator` is neither an iterator nor an iterable.
 * @example
 * ```ts
 * function* work() { for (const item of items) { process(item); yield; } }
 * coiterate(work()).addCallback(() => reactor.stop());
 * ```
 */
export function coiterate<T>(iterator: CooperativeIterable<T>, doneDeferred?: Deferred<unknown> | null): Deferred<unknown> {
  return theCooperator.coiterate(iterator, doneDeferred);
}

/**
 * Runs `iterator` as a task of the global Cooperator (driven by the global reactor) and
 * returns the task (see {@link Cooperator.cooperate}).
 * @throws TypeError (at the call) when `iterator` is neither an iterator nor an iterable.
 * @example
 * ```ts
 * const task = cooperate(bigComputation());
 * task.whenDone().addCallbacks(() => console.log("finished"), (f) => console.error(f.value));
 * ```
 */
export function cooperate<T>(iterator: CooperativeIterable<T>): CooperativeTask {
  return theCooperator.cooperate(iterator);
}
