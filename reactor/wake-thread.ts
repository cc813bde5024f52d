/**
 * The wake thread: one worker thread, shared by every Reactor of the process, that sleeps until
 * the nearest armed deadline and then wakes the main thread with a message. Node's own timers
 * have millisecond granularity and may fire up to a millisecond early; a futex sleep in a worker
 * (`Atomics.wait`, fine off the main thread) is precise to tens of microseconds, and the message
 * wakes Node's loop at once, without the main thread ever blocking or polling.
 *
 * Layout of the shared memory:
 * - `deadlines[slot]`: the slot's deadline in milliseconds on `process.hrtime` (the same
 *   monotonic clock in every thread), `Infinity` when disarmed;
 * - `control[0]`: a generation counter, bumped on every change, which the worker sleeps on;
 *   `control[1 + slot]`: the slot's arm sequence, bumped on every arm or disarm;
 * - `wakeAt[0]`: when the worker's current sleep ends at the latest, in nanoseconds on
 *   `process.hrtime` (`NEVER` for a sleep without a timeout), stored before it sleeps.
 *
 * Waking the worker (`Atomics.notify`) is the costly part of an arm: a futex wake of a thread on
 * another core, ~16 µs of the main thread's time here. So an arm notifies only when its deadline
 * is earlier than `wakeAt`; a later one is found by the worker when its sleep ends. A disarm never
 * notifies (the worker waking for nothing is harmless). And after posting, when its owner is
 * likely to arm again at once (a reactor re-arms at the end of the pass the message starts), the
 * worker sleeps at most `RECHECK_MS`, so that an arm for a deadline after that needs no notify.
 *
 * Invariants: the main thread writes a deadline before bumping its sequence; the worker posts a
 * slot at most once per sequence value and only once `hrtime` has reached the deadline it read.
 * The worker stores `wakeAt` before it sleeps on the generation it read before its scan, and the
 * main thread reads `wakeAt` after bumping the generation (all sequentially consistent): so
 * either the worker's scan sees the new deadline, or its sleep returns at once (the generation
 * moved), or it sleeps until `wakeAt` at the latest, which the deadline is not before.
 * A message can still arrive for a slot that was re-armed or released meanwhile: owners treat a
 * wake as a hint and check their own clock.
 * @module
 */
import { Worker } from "node:worker_threads";
import { err } from "../log";

/** At most this many reactors use the thread at once; others fall back to host timers. */
const SLOTS = 64;

/**
 * After posting, the worker looks again this soon at the latest: long enough for the owner to
 * have re-armed (receiving the message and running the pass take tens of microseconds), short
 * enough that the deadline it arms is nearly always after it, so needs no notify. 20 timers at
 * 3-17 ms periods: 12% of arms notify at 0.1 ms, 30% at 0.2, 40% at 0.3, 62% at 0.5, 80% at 1.
 */
const RECHECK_MS = 0.1;

/** `wakeAt` of a sleep without a timeout. */
const NEVER = 2n ** 63n - 1n;

/** The worker's code, run with `eval`, so it needs no file beside the compiled one. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const control = new Int32Array(workerData.control);
const deadlines = new Float64Array(workerData.deadlines);
const wakeAt = new BigInt64Array(workerData.wakeAt);
const slots = deadlines.length;
const posted = new Int32Array(slots);
const RECHECK_MS = ${RECHECK_MS};
const NEVER = ${NEVER}n;
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (;;) {
  const generation = Atomics.load(control, 0);
  let next = Infinity;
  let postedAny = false;
  const t = now();
  for (let slot = 0; slot < slots; slot++) {
    const seq = Atomics.load(control, 1 + slot);
    if (seq === posted[slot]) continue;
    const deadline = deadlines[slot];
    if (deadline <= t) {
      posted[slot] = seq;
      parentPort.postMessage(slot);
      postedAny = true;
    } else if (deadline < next) {
      next = deadline;
    }
  }
  if (postedAny && next > t + RECHECK_MS) next = t + RECHECK_MS;
  if (next === Infinity) {
    Atomics.store(wakeAt, 0, NEVER);
    Atomics.wait(control, 0, generation);
  } else {
    Atomics.store(wakeAt, 0, BigInt(Math.floor(next * 1e6)));
    Atomics.wait(control, 0, generation, Math.max(0, next - now()));
  }
}
`;

/** Milliseconds on the monotonic clock the worker reads. */
function hrtimeMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The shared wake thread (see the module comment). */
export class WakeThread {
  static #instance: WakeThread | null | undefined = undefined;

  readonly #worker: Worker;
  readonly #control: Int32Array;
  readonly #deadlines: Float64Array;
  readonly #wakeAt: BigInt64Array;
  readonly #owners: Array<(() => void) | undefined> = new Array<(() => void) | undefined>(SLOTS).fill(undefined);

  private constructor() {
    this.#control = new Int32Array(new SharedArrayBuffer(4 * (1 + SLOTS)));
    this.#deadlines = new Float64Array(new SharedArrayBuffer(8 * SLOTS)).fill(Infinity);
    // Until the worker's first sleep: "never", so the first arm notifies.
    this.#wakeAt = new BigInt64Array(new SharedArrayBuffer(8)).fill(NEVER);
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.#control.buffer, deadlines: this.#deadlines.buffer, wakeAt: this.#wakeAt.buffer },
      // Plain JavaScript: none of the parent's flags (a `-r ts-node/register` would load the
      // TypeScript compiler into the thread for nothing).
      execArgv: [],
    });
    this.#worker.on("message", (slot: number) => this.#owners[slot]?.());
    this.#worker.on("error", (e: unknown) => this.#disable(e));
    this.#worker.on("exit", (code: number) => this.#disable(new Error(`the wake thread exited with code ${code}`)));
    // After the listeners: adding a "message" listener refs the worker's port again.
    this.#worker.unref();
  }

  /** The process's wake thread, started on first use; null where a worker cannot be started. */
  static get(): WakeThread | null {
    if (WakeThread.#instance === undefined) {
      try {
        WakeThread.#instance = new WakeThread();
      } catch {
        WakeThread.#instance = null;
      }
    }
    return WakeThread.#instance;
  }

  /** Takes a free slot whose wakes call `onWake`; -1 when none is free. */
  claim(onWake: () => void): number {
    const slot = this.#owners.indexOf(undefined);
    if (slot >= 0) this.#owners[slot] = onWake;
    return slot;
  }

  /** Gives `slot` back (disarmed). */
  release(slot: number): void {
    this.disarm(slot);
    this.#owners[slot] = undefined;
  }

  /** Wakes the owner of `slot` once `delayMs` milliseconds from now have passed. */
  arm(slot: number, delayMs: number): void {
    const deadline = hrtimeMs() + delayMs;
    this.#deadlines[slot] = deadline;
    this.#bump(slot);
    // Only a worker that would sleep past the deadline needs waking (see the module comment).
    if (deadline * 1e6 < Number(Atomics.load(this.#wakeAt, 0))) Atomics.notify(this.#control, 0);
  }

  /** Cancels the wake of `slot`, if one is pending (no notify: a needless wake is harmless). */
  disarm(slot: number): void {
    if (this.#deadlines[slot] === Infinity) return;
    this.#deadlines[slot] = Infinity;
    this.#bump(slot);
  }

  #bump(slot: number): void {
    Atomics.add(this.#control, 1 + slot, 1);
    Atomics.add(this.#control, 0, 1);
  }

  /**
   * The worker died (it should not): reported once, then every owner is woken so that each
   * falls back to host timers (never early, about a millisecond late).
   */
  #disable(why: unknown): void {
    if (WakeThread.#instance !== this) return;
    WakeThread.#instance = null;
    err(why, "The reactor's wake thread stopped; timed calls fall back to host timers:");
    const owners = this.#owners.splice(0, SLOTS, ...new Array<undefined>(SLOTS).fill(undefined));
    for (const owner of owners) owner?.();
  }
}
