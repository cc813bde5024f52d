/**
 * `Cooperator`: runs many iterators a step at a time, taking turns, without holding the event
 * loop. The counterpart of `twisted.internet.task.Cooperator`, `coiterate` and `cooperate`.
 * @module
 */
import { Deferred } from "../defer/deferred";
import { Failure } from "../core/failure";
import { describeValue } from "../core/validate";
import { NotPaused, SchedulerStopped, TaskStopped } from "./cooperator-errors";
import { Engine, TaskCore, defaultScheduler, timeSlice, toIterator } from "./cooperator-engine";

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
   * Only `cancel()` of the handle is used, so any `{ cancel(): void }` will do (an
   * IDelayedCall is one).
   */
  scheduler?: (x: () => void) => {
    /** Unschedules the tick. */
    cancel(): void;
  };
  /** Whether tasks run as soon as they are added (default true); otherwise from `start()`. */
  started?: boolean;
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
// stays alive across full garbage collections, and with it the tick loop's optimised code
// (docs/design/cooperator.md has the figures). theCooperator keeps Engine's alive.
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
