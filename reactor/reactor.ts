/**
 * The Reactor: a single-threaded event loop with its own timer queue, running on top of Node's.
 * @module
 */
import { err, msg } from "../log";
import type { DelayedCall } from "./delayed-call";
import { ReactorAlreadyRunning, ReactorNotRestartable, ReactorNotRunning } from "./errors";
import type { IReactorCore, IReactorTime, TriggerId } from "../core/interfaces";
import { SystemEvent, Trigger, checkPhase, type Phase } from "./system-event";
import { TimerQueue } from "./timer-queue";
import { WakeThread } from "./wake-thread";
import { checkCallable, checkDelay, checkTime, describeValue } from "../core/validate";


/**
 * The public methods bound to their reactor in the constructor, so that each works when passed
 * as a value, as Twisted code does (`reactor.callLater(4, reactor.stop)`).
 */
const BOUND_METHODS = [
  "seconds",
  "callLater",
  "callSoon",
  "callAt",
  "callFromThread",
  "getDelayedCalls",
  "run",
  "stop",
  "crash",
  "callWhenRunning",
  "addSystemEventTrigger",
  "removeSystemEventTrigger",
  "fireSystemEvent",
] as const;

/** See the Reactor's class comment. */
type LifePhase = "idle" | "starting" | "running" | "ending" | "stopped";
/** What the end of the current pass does: nothing, fire "shutdown" (then it is firing), or finish a crash. */
type Pending = "none" | "stop" | "shutdown" | "crash" | "crashAfterStop";

/** What the keep-alive interval runs (never, in practice: it fires every 24.8 days). */
function keepAlive(): void {}

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
 * Deadlines nearer than this are waited on the wake thread (precise to tens of microseconds);
 * farther ones on a host timer first, which has millisecond granularity and may fire early.
 */
const PRECISE_MS = 3;
/** With the wake thread, a host timer is aimed this much before the deadline and hands over. */
const HANDOVER_MS = 2;

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
 * Its life is one phase value, plus what stop() or crash() has asked for and not yet happened:
 *
 * ```text
 *  idle ──run()──▶ starting ──"during startup"──▶ running
 *   ▲                 │  stop(): pending "stop"       │
 *   │                 └────────────┬──────────────────┘
 *   │            end of the pass: pending "shutdown", the "shutdown" event fires
 *   │                              ▼ "during shutdown"
 *   │                           ending ──"after shutdown"──▶ stopped (run() throws ReactorNotRestartable)
 *   │                              ▲
 *   └── end of the pass ── crash() from starting or running: ending, pending "crash"
 *                                  ("crashAfterStop" when a stop was pending: then stopped)
 * ```
 * Twisted's `_started` is "starting or running"; its `running` is "running"; the loop (passes,
 * host handles) is alive in starting, running and ending.
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
  /** Where the reactor is in its life (see the class comment). */
  #phase: LifePhase = "idle";
  /** What stop() or crash() asked for and has not happened yet (see the class comment). */
  #pending: Pending = "none";
  #inPass = false;
  #hostTimer: NodeJS.Timeout | undefined = undefined;
  #hostTimerDeadline = Infinity;
  #immediate: NodeJS.Immediate | undefined = undefined;
  /** Keeps Node's loop alive while the reactor runs, whatever is (or is not) scheduled. */
  #keepAlive: NodeJS.Timeout | undefined = undefined;
  /** The wake thread and this reactor's slot on it (-1: none claimed yet). */
  #wake: WakeThread | null = null;
  #wakeSlot = -1;
  /** The deadline the wake thread is armed for (Infinity: not armed). */
  #wakeDeadline = Infinity;
  #resolveRun: (() => void) | undefined = undefined;
  #exitSignal: ExitSignal | null = null;
  #signalsInstalled = false;

  /** @param options `installSignalHandlers` (default true): SIGINT/SIGTERM stop the reactor gracefully. */
  constructor(options: ReactorOptions = {}) {
    this.#installSignalHandlers = options.installSignalHandlers ?? true;
    const self = this as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of BOUND_METHODS) self[name] = self[name].bind(this);
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
  callLater<A extends unknown[]>(delay: number, f: (...args: A) => unknown, ...args: A): DelayedCall<A> {
    checkDelay("callLater", delay);
    checkCallable("callLater", f);
    return this.#timers.schedule(this.seconds() + delay, f, args);
  }

  /**
   * Calls `f(...args)` in the next pass, after the calls already due (asyncio's `call_soon`):
   * the same as `callLater(0, f, ...args)`.
   * @throws TypeError when `f` is not a function.
   */
  callSoon<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): DelayedCall<A> {
    checkCallable("callSoon", f);
    return this.#timers.schedule(this.seconds(), f, args);
  }

  /**
   * Calls `f(...args)` at time `when`, in `seconds()` time (asyncio's `call_at`). A time in the
   * past is accepted (`getTime() === when`) and runs in the next pass.
   * @throws TypeError when `when` is not a number or `f` is not a function.
   * @throws RangeError when `when` is NaN.
   */
  callAt<A extends unknown[]>(when: number, f: (...args: A) => unknown, ...args: A): DelayedCall<A> {
    checkTime("callAt", when);
    checkCallable("callAt", f);
    return this.#timers.schedule(when, f, args);
  }

  /**
   * Queues `f(...args)` to run at the start of the next pass, before the timed calls due in it,
   * in FIFO order. (JavaScript has no threads sharing this reactor; the name is Twisted's.)
   * @throws TypeError when `f` is not a function.
   */
  callFromThread<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): void {
    checkCallable("callFromThread", f);
    this.#threadCalls.push(args.length === 0 ? f : () => f(...args));
    if (this.#looping() && !this.#inPass) this.#armImmediate();
  }

  /** The calls scheduled and still active, in the order they would run. */
  getDelayedCalls(): DelayedCall[] {
    return this.#timers.getDelayedCalls();
  }

  // --- IReactorCore ---------------------------------------------------------------------------

  /** True from the "during startup" phase until the "during shutdown" phase (as Twisted). */
  get running(): boolean {
    return this.#phase === "running";
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
    if (this.#started()) throw new ReactorAlreadyRunning();
    if (this.#stopCalled()) throw new ReactorNotRestartable();
    // Run again right after crash(), before its pass ended: finish the crashed run first.
    if (this.#phase === "ending") this.#finish();
    this.#phase = "starting";
    this.#pending = "none";
    this.#exitSignal = null;
    const done = new Promise<void>((resolve) => {
      this.#resolveRun = resolve;
    });
    this.#keepAlive ??= setInterval(keepAlive, MAX_TIMER_MS);
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
    if (!this.#started() || this.#stopCalled()) {
      throw new ReactorNotRunning(
        this.#stopCalled() ? "Can't stop reactor that is already stopping." : "Can't stop reactor that isn't running.",
      );
    }
    this.#pending = "stop";
    if (!this.#inPass) this.#armImmediate();
  }

  /**
   * Stops the reactor without the shutdown triggers: the current pass finishes, then `run()`'s
   * Promise resolves. The reactor may be run again.
   */
  crash(): void {
    if (!this.#started()) return;
    this.#phase = "ending";
    this.#pending = this.#stopCalled() ? "crashAfterStop" : "crash";
    this.addSystemEventTrigger("during", "startup", this.#reallyStartRunning);
    if (!this.#inPass) this.#armImmediate();
  }

  /**
   * Calls `f(...args)` now if the reactor is running, else once it is (an "after startup"
   * trigger, whose handle is returned).
   */
  callWhenRunning<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): TriggerId | undefined {
    checkCallable("callWhenRunning", f);
    if (this.#phase === "running") {
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
      throw new Error(`removeSystemEventTrigger: ${describeValue(id)} is not a trigger handle`);
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
    return `<Reactor ${this.#phase}, ${this.#timers.size} delayed calls>`;
  }

  /** Twisted's `_started`: run() was called and neither the "during shutdown" phase nor crash() came yet. */
  #started(): boolean {
    return this.#phase === "starting" || this.#phase === "running";
  }

  /** Passes are scheduled and host handles held: from run() to #finish(). */
  #looping(): boolean {
    return this.#phase === "starting" || this.#phase === "running" || this.#phase === "ending";
  }

  /** stop() was called in this run, or the reactor stopped: a stop() is an error, a run() too. */
  #stopCalled(): boolean {
    const pending = this.#pending;
    return this.#phase === "stopped" || pending === "stop" || pending === "shutdown" || pending === "crashAfterStop";
  }

  // --- The loop -------------------------------------------------------------------------------

  /**
   * One pass: the calls queued by callFromThread, then the timed calls due at the pass's start
   * (those scheduled during the pass wait for the next one), then the shutdown event if stop()
   * asked for it, then the wake-up for the next pass. Runs from a host timer, the wake thread or setImmediate.
   */
  readonly #pass = (): void => {
    this.#immediate = undefined;
    if (!this.#looping()) return;
    this.#inPass = true;
    this.#runThreadCalls();
    this.#runTimedCalls();
    this.#inPass = false;
    const pending = this.#pending;
    if (pending === "crash" || pending === "crashAfterStop") {
      this.#finish();
      return;
    }
    if (pending === "stop") {
      this.#pending = "shutdown";
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
          if (args.length === 0) call.func();
          else call.func(...args);
        }
        return;
      } catch (e) {
        err(e, `Unhandled error in delayed call ${String(call)}:`);
      }
    }
  }

  /** Arms whatever wakes the next pass: setImmediate when work is due now, else see armFor. */
  #scheduleWake(): void {
    if (!this.#looping()) return;
    const pending = this.#pending;
    if (this.#threadCalls.length > 0 || pending === "stop" || pending === "crash" || pending === "crashAfterStop") {
      this.#armImmediate();
      return;
    }
    this.#armFor(this.#timers.earliest());
  }

  /** The timer queue reports a call scheduled sooner than the host timer is armed for. */
  #onEarlierDeadline(deadline: number): void {
    // Inside a pass the wake-up is worked out at its end; before run() nothing is armed.
    if (this.#looping() && !this.#inPass) this.#armFor(deadline);
  }

  /**
   * Arms the wake-up for `deadline`: at once when it is due; on the wake thread when it is
   * under PRECISE_MS away; else on a host timer, aimed HANDOVER_MS early when the wake thread
   * can take the last stretch (at the deadline or after it otherwise). A wake-up that comes
   * early runs nothing early: the pass finds nothing due and arms again.
   */
  #armFor(deadline: number): void {
    const ms = (deadline - this.seconds()) * 1000;
    if (ms <= 0) {
      this.#armImmediate();
      return;
    }
    if (ms <= PRECISE_MS && this.#armWakeThread(deadline, ms)) {
      this.#clearHostTimer();
      return;
    }
    this.#disarmWakeThread();
    if (this.#hostTimer !== undefined && this.#hostTimerDeadline === deadline) return;
    this.#clearHostTimer();
    // Nothing scheduled (Infinity): no timer; the keep-alive handle holds the loop meanwhile.
    if (deadline === Infinity) return;
    this.#hostTimerDeadline = deadline;
    const aim = this.#wake !== null || this.#wakeSlot === -1 ? ms - HANDOVER_MS : Math.ceil(ms);
    this.#hostTimer = setTimeout(this.#onHostTimer, Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(aim))));
  }

  /** Arms the wake thread for `deadline` (`ms` from now); false when there is no wake thread. */
  #armWakeThread(deadline: number, ms: number): boolean {
    if (this.#wakeSlot === -1) {
      this.#wake = WakeThread.get();
      this.#wakeSlot = this.#wake?.claim(this.#onWake) ?? -2; // -2: no thread, host timers only
    }
    if (this.#wakeSlot < 0 || this.#wake === null) return false;
    if (this.#wakeDeadline === deadline) return true;
    this.#wakeDeadline = deadline;
    this.#wake.arm(this.#wakeSlot, ms);
    return true;
  }

  #disarmWakeThread(): void {
    if (this.#wakeDeadline === Infinity) return;
    this.#wakeDeadline = Infinity;
    if (this.#wake !== null && this.#wakeSlot >= 0) this.#wake.disarm(this.#wakeSlot);
  }

  #clearHostTimer(): void {
    if (this.#hostTimer === undefined) return;
    clearTimeout(this.#hostTimer);
    this.#hostTimer = undefined;
    this.#hostTimerDeadline = Infinity;
  }

  /**
   * A message from the wake thread (or a hint that it died: then host timers only). The pass runs
   * in the message event itself: a setImmediate hop would add its latency to every wake-up.
   */
  readonly #onWake = (): void => {
    this.#wakeDeadline = Infinity;
    if (this.#wake !== null && WakeThread.get() !== this.#wake) {
      this.#wake = null;
      this.#wakeSlot = -2;
    }
    if (this.#looping() && !this.#inPass) this.#pass();
  };

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
    if (this.#phase !== "starting") return;
    this.#phase = "running";
    if (this.#installSignalHandlers) this.#installSignals();
  };

  readonly #reallyStopRunning = (): void => {
    // As Twisted's crash() at this point: not running, and run() now says "not restartable".
    if (this.#started()) this.#phase = "ending";
  };

  readonly #afterShutdown = (): void => {
    this.#finish();
  };

  /** The reactor has stopped (or crashed): release every handle and resolve run()'s Promise. */
  #finish(): void {
    if (!this.#looping()) return;
    this.#phase = this.#stopCalled() ? "stopped" : "idle";
    this.#pending = "none";
    this.#clearHostTimer();
    if (this.#wake !== null && this.#wakeSlot >= 0) this.#wake.release(this.#wakeSlot);
    this.#wake = null;
    this.#wakeSlot = -1;
    this.#wakeDeadline = Infinity;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
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
    if (this.#stopCalled()) {
      // A second signal during a slow shutdown: stop waiting for it.
      this.#exitSignal ??= signal as ExitSignal;
      this.#finish();
      return;
    }
    this.#exitSignal = signal as ExitSignal;
    if (this.#started()) this.stop();
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
