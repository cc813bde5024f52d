/**
 * The Reactor: a single-threaded event loop with its own timer queue, running on top of Node's.
 * @module
 */
import { err, msg } from "../log";
import { DelayedCall, EMPTY_ARGS } from "./delayed-call";
import { ReactorAlreadyRunning, ReactorNotRestartable, ReactorNotRunning } from "./errors";
import type { IReactorCore, IReactorTime, TriggerId } from "../core/interfaces";
import { SystemEvent, Trigger, checkPhase, type Phase } from "./system-event";
import { TimerQueue } from "./timer-heap";
import { checkCallable, checkDelay, checkTime } from "../core/validate";

type Fn = (...args: unknown[]) => unknown;

/** Options of {@link Reactor}. */
export interface ReactorOptions {
  /** Stop gracefully on SIGINT and SIGTERM while running (default true). */
  installSignalHandlers?: boolean;
}

/** The signals the reactor stops on. */
export type ExitSignal = "SIGINT" | "SIGTERM";

/** Node's timers take at most this many milliseconds; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Node's timers have millisecond granularity and measure from a cached loop time, so they may
 * fire up to a millisecond early or late. The host timer is aimed this much before the deadline;
 * the last stretch is slept out precisely at the start of the pass's own turn of Node's loop
 * (see #pass), and its final sliver polled with setImmediate, checking the reactor's own clock.
 * Polling the whole millisecond instead kept a core about 70% busy at 2,000 calls a second.
 */
const SPIN_MS = 1;
/**
 * A futex wait may oversleep by tens of microseconds (the kernel's timer slack): the sleep ends
 * this much early and the rest is polled.
 */
const WAKE_EARLY_MS = 0.1;
/** What the sub-millisecond stretch before a deadline is slept on (Atomics.wait: no CPU). */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * A single-threaded event loop in the style of Twisted's reactor, running on Node's event loop.
 *
 * Time is `seconds()`: monotonic seconds (fractions allowed). `callLater` schedules calls on the
 * reactor's own timer queue; whatever is due runs in a *pass*, in deadline order (equal
 * deadlines in the order they were scheduled), and between passes control goes back to Node so
 * that I/O and other callbacks run. However many calls are pending, the reactor holds one host
 * timer, armed for the earliest deadline.
 *
 * `run()` starts it (firing the "startup" system event) and returns a Promise that resolves once
 * `stop()` has fired the "shutdown" event and the reactor has stopped. While it runs, the process
 * stays alive even with nothing scheduled; once stopped it holds no handle. An exception thrown
 * by a delayed call is reported with `log.err` and the pass goes on.
 *
 * @example
 * ```ts
 * const r = new Reactor();
 * r.callLater(0.5, (name: string) => { console.log(`hello, ${name}`); r.stop(); }, "world");
 * await r.run();
 * ```
 */
export class Reactor implements IReactorTime, IReactorCore {
  readonly #timers: TimerQueue;
  readonly #threadCalls: Array<() => unknown> = [];
  readonly #events = new Map<string, SystemEvent>();
  readonly #installSignalHandlers: boolean;
  /** Twisted's `_started`: from run() to the "during shutdown" phase (or crash()). */
  #started = false;
  /** The loop is alive: passes are scheduled and host handles held, from run() to #finish(). */
  #looping = false;
  /** Twisted's `running`: from the "during startup" phase to the "during shutdown" phase. */
  #running = false;
  /** stop() was called: a second call is an error, and the reactor cannot run again (as Twisted). */
  #stopCalled = false;
  /** The shutdown event waits for the end of the current pass. */
  #shutdownRequested = false;
  #crashRequested = false;
  #inPass = false;
  #hostTimer: NodeJS.Timeout | undefined = undefined;
  #hostTimerDeadline = Infinity;
  #immediate: NodeJS.Immediate | undefined = undefined;
  /** The next pass may first sleep until just before the earliest deadline (under SPIN_MS away). */
  #sleepFirst = false;
  #resolveRun: (() => void) | undefined = undefined;
  #exitSignal: ExitSignal | null = null;
  #signalsInstalled = false;

  /** @param options `installSignalHandlers` (default true): SIGINT/SIGTERM stop the reactor gracefully. */
  constructor(options: ReactorOptions = {}) {
    this.#installSignalHandlers = options.installSignalHandlers ?? true;
    this.#timers = new TimerQueue(this, (deadline) => this.#onEarlierDeadline(deadline));
    // As Twisted: the reactor is "running" from the during-startup phase on; this trigger comes
    // first, so user "during" triggers already see running === true.
    this.addSystemEventTrigger("during", "startup", this.#reallyStartRunning);
    this.addSystemEventTrigger("during", "shutdown", this.#reallyStopRunning);
  }

  // --- IReactorTime ---------------------------------------------------------------------------

  /** Monotonic seconds (from an arbitrary origin); never goes backwards. */
  seconds(): number {
    return performance.now() / 1000;
  }

  /**
   * Calls `f(...args)` after `delay` seconds. Equal deadlines run in the order they were
   * scheduled. `Infinity` is accepted and never falls due.
   * @throws TypeError when `delay` is not a number or `f` is not a function.
   * @throws RangeError when `delay` is negative or NaN.
   * @example
   * ```ts
   * const call = reactor.callLater(2.5, console.log, "two and a half seconds later");
   * call.cancel();
   * ```
   */
  callLater<A extends unknown[]>(delay: number, f: (...args: A) => unknown, ...args: A): DelayedCall<A>;
  callLater(delay: number, f: (...args: unknown[]) => unknown): DelayedCall {
    checkDelay("callLater", delay);
    checkCallable("callLater", f);
    // No rest parameter and no `arguments` object for the usual call, with no arguments for f:
    // either would be allocated on every call (this is the hottest entry point of the reactor).
    // `arguments.length` alone, and `apply(this, arguments)`, are compiled without one.
    if (arguments.length === 2) return this.#timers.schedule(this.seconds() + delay, f, EMPTY_ARGS as unknown as unknown[]);
    // eslint-disable-next-line prefer-rest-params, prefer-spread
    return this.#callLaterWithArgs.apply(this, arguments as unknown as [number, Fn, ...unknown[]]);
  }

  #callLaterWithArgs(delay: number, f: Fn, ...args: unknown[]): DelayedCall {
    return this.#timers.schedule(this.seconds() + delay, f, args);
  }

  /**
   * Calls `f(...args)` in the next pass, after the calls already due (asyncio's `call_soon`):
   * the same as `callLater(0, f, ...args)`.
   * @throws TypeError when `f` is not a function.
   */
  callSoon<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): DelayedCall<A>;
  callSoon(f: Fn): DelayedCall {
    checkCallable("callSoon", f);
    // As callLater: no array for the usual call without arguments.
    if (arguments.length === 1) return this.#timers.schedule(this.seconds(), f, EMPTY_ARGS as unknown as unknown[]);
    // eslint-disable-next-line prefer-rest-params, prefer-spread
    return this.#callSoonWithArgs.apply(this, arguments as unknown as [Fn, ...unknown[]]);
  }

  #callSoonWithArgs(f: Fn, ...args: unknown[]): DelayedCall {
    return this.#timers.schedule(this.seconds(), f, args);
  }

  /**
   * Calls `f(...args)` at time `when`, in `seconds()` time (asyncio's `call_at`). A time in the
   * past is accepted (`getTime() === when`) and runs in the next pass.
   * @throws TypeError when `when` is not a number or `f` is not a function.
   * @throws RangeError when `when` is NaN.
   */
  callAt<A extends unknown[]>(when: number, f: (...args: A) => unknown, ...args: A): DelayedCall<A>;
  callAt(when: number, f: Fn): DelayedCall {
    checkTime("callAt", when);
    checkCallable("callAt", f);
    if (arguments.length === 2) return this.#timers.schedule(when, f, EMPTY_ARGS as unknown as unknown[]);
    // eslint-disable-next-line prefer-rest-params, prefer-spread
    return this.#callAtWithArgs.apply(this, arguments as unknown as [number, Fn, ...unknown[]]);
  }

  #callAtWithArgs(when: number, f: Fn, ...args: unknown[]): DelayedCall {
    return this.#timers.schedule(when, f, args);
  }

  /**
   * Queues `f(...args)` to run at the start of the next pass, before the timed calls due in it,
   * in FIFO order. (JavaScript has no threads sharing this reactor; the name is Twisted's.)
   * @throws TypeError when `f` is not a function.
   */
  callFromThread<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): void {
    checkCallable("callFromThread", f);
    this.#threadCalls.push(args.length === 0 ? (f as () => unknown) : () => f(...args));
    if (this.#looping && !this.#inPass) this.#armImmediate();
  }

  /** The calls scheduled and still active, in the order they would run. */
  getDelayedCalls(): DelayedCall[] {
    return this.#timers.getDelayedCalls();
  }

  // --- IReactorCore ---------------------------------------------------------------------------

  /** True from the "during startup" phase until the "during shutdown" phase (as Twisted). */
  get running(): boolean {
    return this.#running;
  }

  /** The signal that stopped the reactor, if one did (`react` turns it into an exit code). */
  get exitSignal(): ExitSignal | null {
    return this.#exitSignal;
  }

  /**
   * Runs the reactor: fires the "startup" event, then runs delayed calls until `stop()`.
   * @returns a Promise that resolves after the reactor has stopped and shutdown has finished.
   * @throws ReactorAlreadyRunning (synchronously) when it is already running.
   * @throws ReactorNotRestartable (synchronously) when it was stopped before.
   */
  run(): Promise<void> {
    if (this.#started) throw new ReactorAlreadyRunning();
    if (this.#stopCalled) throw new ReactorNotRestartable();
    // Run again right after crash(), before its pass ended: finish the crashed run first.
    if (this.#looping) this.#finish();
    this.#started = true;
    this.#looping = true;
    this.#crashRequested = false;
    this.#exitSignal = null;
    const done = new Promise<void>((resolve) => {
      this.#resolveRun = resolve;
    });
    this.fireSystemEvent("startup");
    this.#scheduleWake();
    return done;
  }

  /**
   * Stops the reactor: at the end of the current pass, fires the "shutdown" event (before,
   * during, after; delayed calls keep running while "before" triggers' Deferreds are pending),
   * then stops and lets `run()`'s Promise resolve. Calls still pending stay scheduled.
   * @throws ReactorNotRunning before `run()`, after the stop, or while already stopping.
   */
  stop(): void {
    if (!this.#started || this.#stopCalled) {
      throw new ReactorNotRunning(
        this.#stopCalled ? "Can't stop reactor that is already stopping." : "Can't stop reactor that isn't running.",
      );
    }
    this.#stopCalled = true;
    this.#shutdownRequested = true;
    if (!this.#inPass) this.#armImmediate();
  }

  /**
   * Stops the reactor without the shutdown triggers: the current pass finishes, then `run()`'s
   * Promise resolves. The reactor may be run again.
   */
  crash(): void {
    this.#running = false;
    if (!this.#started) return;
    this.#started = false;
    this.#crashRequested = true;
    this.addSystemEventTrigger("during", "startup", this.#reallyStartRunning);
    if (!this.#inPass) this.#armImmediate();
  }

  /**
   * Calls `f(...args)` now if the reactor is running, else once it is (an "after startup"
   * trigger, whose handle is returned).
   */
  callWhenRunning<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): TriggerId | undefined {
    checkCallable("callWhenRunning", f);
    if (this.#running) {
      f(...args);
      return undefined;
    }
    return this.addSystemEventTrigger("after", "startup", f, ...args);
  }

  /**
   * Adds a trigger to a phase of a system event ("startup", "shutdown" or any name). Each
   * trigger runs once, the next time its event fires. "before" triggers may return a Deferred or
   * Promise: the "during" phase waits until they have all settled.
   * @throws Error naming the valid phases for an unknown `phase`; TypeError for a non-function.
   */
  addSystemEventTrigger<A extends unknown[]>(
    phase: Phase,
    eventType: string,
    f: (...args: A) => unknown,
    ...args: A
  ): TriggerId {
    checkPhase("addSystemEventTrigger", phase);
    checkCallable("addSystemEventTrigger", f);
    const trigger = new Trigger(phase, String(eventType), f as (...a: unknown[]) => unknown, args);
    this.#event(trigger.eventType).add(trigger);
    return trigger;
  }

  /**
   * Removes a trigger that has not run yet (also while its event is firing).
   * @throws Error for an unknown or already removed handle.
   */
  removeSystemEventTrigger(id: TriggerId): void {
    if (!(id instanceof Trigger)) {
      throw new Error(`removeSystemEventTrigger: ${String(id)} is not a trigger handle`);
    }
    const event = this.#events.get(id.eventType);
    if (event === undefined) throw new Error(`removeSystemEventTrigger: unknown trigger ${id.toString()}`);
    event.remove(id);
  }

  /** Fires a system event: its "before", "during" and "after" triggers, in turn. */
  fireSystemEvent(eventType: string): void {
    const type = String(eventType);
    this.#event(type).fire(type === "shutdown" ? this.#afterShutdown : undefined);
  }

  toString(): string {
    const state = this.#running ? "running" : this.#looping ? "starting/stopping" : "stopped";
    return `<Reactor ${state}, ${this.#timers.size} delayed calls>`;
  }

  // --- The loop -------------------------------------------------------------------------------

  /**
   * One pass: the calls queued by callFromThread, then the timed calls due at the pass's start
   * (those scheduled during the pass wait for the next one), then the shutdown event if stop()
   * asked for it, then the wake-up for the next pass. Runs from a host timer or setImmediate.
   */
  readonly #pass = (): void => {
    this.#immediate = undefined;
    if (!this.#looping) return;
    if (this.#sleepFirst) {
      // Here, not where the wake-up was decided: the previous pass's microtasks have run and
      // Node has polled I/O since. The sleep is under a millisecond.
      this.#sleepFirst = false;
      if (this.#threadCalls.length === 0 && !this.#shutdownRequested && !this.#crashRequested) {
        const ms = (this.#timers.earliest() - this.seconds()) * 1000;
        if (ms > WAKE_EARLY_MS && ms <= SPIN_MS) Atomics.wait(SLEEPER, 0, 0, ms - WAKE_EARLY_MS);
      }
    }
    this.#inPass = true;
    this.#runThreadCalls();
    this.#runTimedCalls();
    this.#inPass = false;
    if (this.#crashRequested) {
      this.#finish();
      return;
    }
    if (this.#shutdownRequested) {
      this.#shutdownRequested = false;
      this.fireSystemEvent("shutdown");
    }
    this.#scheduleWake();
  };

  #runThreadCalls(): void {
    const queue = this.#threadCalls;
    // Calls queued while these run wait for the next pass.
    const count = queue.length;
    if (count === 0) return;
    const calls = queue.splice(0, count);
    for (const f of calls) {
      try {
        f();
      } catch (e) {
        err(e, "Unhandled error in a callFromThread call:");
      }
    }
  }

  /**
   * Runs every call due at the pass's start. The try/catch sits around the loop, not inside it
   * (a try inside the hot loop costs V8 optimisations); a throw is reported and the loop resumes.
   */
  #runTimedCalls(): void {
    const timers = this.#timers;
    const now = this.seconds();
    const limit = timers.sequence;
    let call: DelayedCall | null = null;
    for (;;) {
      try {
        while ((call = timers.popDue(now, limit)) !== null) {
          const args = call.args;
          if (args.length === 0) (call.func as () => unknown)();
          else call.func(...args);
        }
        return;
      } catch (e) {
        err(e, `Unhandled error in delayed call ${String(call)}:`);
      }
    }
  }

  /** Arms whatever wakes the next pass: setImmediate when work is due now, else the host timer. */
  #scheduleWake(): void {
    if (!this.#looping) return;
    if (this.#threadCalls.length > 0 || this.#shutdownRequested || this.#crashRequested) {
      this.#armImmediate();
      return;
    }
    this.#armFor(this.#timers.earliest());
  }

  /** The timer queue reports a call scheduled sooner than the host timer is armed for. */
  #onEarlierDeadline(deadline: number): void {
    // Inside a pass the wake-up is worked out at its end; before run() nothing is armed.
    if (this.#looping && !this.#inPass) this.#armFor(deadline);
  }

  #armFor(deadline: number): void {
    const ms = (deadline - this.seconds()) * 1000;
    if (ms <= SPIN_MS) {
      // Due now or within the last stretch, which Node's timers cannot aim at: the next pass,
      // on the next turn of Node's loop, sleeps it out first.
      if (ms > WAKE_EARLY_MS) this.#sleepFirst = true;
      this.#armImmediate();
      return;
    }
    if (this.#hostTimer !== undefined) {
      if (this.#hostTimerDeadline === deadline) return;
      clearTimeout(this.#hostTimer);
    }
    // With nothing scheduled (Infinity) the timer still keeps the process alive while running.
    this.#hostTimerDeadline = deadline;
    this.#hostTimer = setTimeout(this.#onHostTimer, Math.min(MAX_TIMER_MS, Math.floor(ms - SPIN_MS)));
  }

  readonly #onHostTimer = (): void => {
    this.#hostTimer = undefined;
    this.#hostTimerDeadline = Infinity;
    this.#pass();
  };

  #armImmediate(): void {
    if (this.#immediate === undefined) this.#immediate = setImmediate(this.#pass);
  }

  // --- Life cycle -----------------------------------------------------------------------------

  #event(type: string): SystemEvent {
    let event = this.#events.get(type);
    if (event === undefined) {
      event = new SystemEvent(type);
      this.#events.set(type, event);
    }
    return event;
  }

  readonly #reallyStartRunning = (): void => {
    // A "before startup" Deferred that fired only after stop() or crash(): the run is over, so
    // do not turn the reactor (and its signal handlers) back on.
    if (!this.#started) return;
    this.#running = true;
    if (this.#installSignalHandlers) this.#installSignals();
  };

  readonly #reallyStopRunning = (): void => {
    // As Twisted's crash() at this point: not running, and run() now says "not restartable".
    this.#running = false;
    this.#started = false;
  };

  readonly #afterShutdown = (): void => {
    this.#finish();
  };

  /** The reactor has stopped (or crashed): release every handle and resolve run()'s Promise. */
  #finish(): void {
    if (!this.#looping) return;
    this.#looping = false;
    this.#started = false;
    this.#running = false;
    this.#crashRequested = false;
    this.#shutdownRequested = false;
    if (this.#hostTimer !== undefined) clearTimeout(this.#hostTimer);
    this.#hostTimer = undefined;
    this.#hostTimerDeadline = Infinity;
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    this.#removeSignals();
    // As Twisted's mainLoop (startLogging's files end with it).
    msg("Main loop terminated.");
    const resolve = this.#resolveRun;
    this.#resolveRun = undefined;
    resolve?.();
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    if (this.#stopCalled) {
      // A second signal during a slow shutdown: stop waiting for it.
      this.#exitSignal ??= signal as ExitSignal;
      this.#finish();
      return;
    }
    this.#exitSignal = signal as ExitSignal;
    if (this.#started) this.stop();
  };

  #installSignals(): void {
    if (this.#signalsInstalled) return;
    this.#signalsInstalled = true;
    process.on("SIGINT", this.#onSignal);
    process.on("SIGTERM", this.#onSignal);
  }

  #removeSignals(): void {
    if (!this.#signalsInstalled) return;
    this.#signalsInstalled = false;
    process.off("SIGINT", this.#onSignal);
    process.off("SIGTERM", this.#onSignal);
  }
}
