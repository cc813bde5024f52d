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
 * - `control[0]`: a generation counter, bumped (and notified) on every change, which the worker
 *   sleeps on; `control[1 + slot]`: the slot's arm sequence, bumped on every arm or disarm.
 *
 * Invariants: the main thread writes a deadline before bumping its sequence; the worker posts a
 * slot at most once per sequence value and only once `hrtime` has reached the deadline it read.
 * A message can still arrive for a slot that was re-armed or released meanwhile: owners treat a
 * wake as a hint and check their own clock.
 * @module
 */
import { Worker } from "node:worker_threads";
import { err } from "../log";

/** At most this many reactors use the thread at once; others fall back to host timers. */
const SLOTS = 64;

/** The worker's code, run with `eval`, so it needs no file beside the compiled one. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const control = new Int32Array(workerData.control);
const deadlines = new Float64Array(workerData.deadlines);
const slots = deadlines.length;
const posted = new Int32Array(slots);
const now = () => Number(process.hrtime.bigint()) / 1e6;
for (;;) {
  const generation = Atomics.load(control, 0);
  let next = Infinity;
  const t = now();
  for (let slot = 0; slot < slots; slot++) {
    const seq = Atomics.load(control, 1 + slot);
    if (seq === posted[slot]) continue;
    const deadline = deadlines[slot];
    if (deadline <= t) {
      posted[slot] = seq;
      parentPort.postMessage(slot);
    } else if (deadline < next) {
      next = deadline;
    }
  }
  if (next === Infinity) Atomics.wait(control, 0, generation);
  else Atomics.wait(control, 0, generation, Math.max(0, next - now()));
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
  readonly #owners: Array<(() => void) | undefined> = new Array<(() => void) | undefined>(SLOTS).fill(undefined);

  private constructor() {
    this.#control = new Int32Array(new SharedArrayBuffer(4 * (1 + SLOTS)));
    this.#deadlines = new Float64Array(new SharedArrayBuffer(8 * SLOTS)).fill(Infinity);
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control: this.#control.buffer, deadlines: this.#deadlines.buffer },
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
    this.#deadlines[slot] = hrtimeMs() + delayMs;
    this.#bump(slot);
  }

  /** Cancels the wake of `slot`, if one is pending. */
  disarm(slot: number): void {
    if (this.#deadlines[slot] === Infinity) return;
    this.#deadlines[slot] = Infinity;
    this.#bump(slot);
  }

  #bump(slot: number): void {
    Atomics.add(this.#control, 1 + slot, 1);
    Atomics.add(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
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
