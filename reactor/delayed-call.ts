/**
 * `DelayedCall`: the handle `callLater` returns, shared by the Reactor and the test `Clock`.
 *
 * A DelayedCall lives in the {@link TimerQueue} that made it (its owner) and asks that queue
 * to move or drop it on `reset`/`delay`/`cancel`; the time comes from the owner's clock
 * (`seconds()`: the Reactor's monotonic clock or the Clock's `rightNow`).
 *
 * This is the hottest object of the runtime (one per scheduled call), so (the measurements
 * behind each point are in docs/design/delayed-call-layout.md):
 * - every instance has the same eight fields, assigned in one order in the constructor and
 *   nowhere declared with an initialiser (one hidden class, no field generalisation);
 * - the deadline is kept as the two 32-bit halves of its float64 (`_hi`, `_lo`, small
 *   integers stored in the object) rather than as a number field, which V8 would box in a
 *   separate HeapNumber; `getTime()` rebuilds the number;
 * - `called`/`cancelled` are not fields but views of one small-integer state, `_loc`, that
 *   also says where the queue keeps the call;
 * - calls without arguments share one frozen empty `args` array;
 * - no closure is made per call (the queue is reached through `_owner`); the methods are
 *   getters returning a bound function, so they work passed as values (`d.addCallback(call.cancel)`)
 *   while a direct call allocates nothing once optimised;
 * - no `#private` members (a private method would add a brand to every instance).
 *
 * Why `_field` and not `#field` (the house style): the queue reads and writes these fields
 * directly on its hot paths (popping, sorting a due millisecond, moving a call), which a
 * `#field` forbids outside this class.
 * @module
 */
import { inspect } from "node:util";
import { AlreadyCalled, AlreadyCancelled } from "./errors";
import type { IDelayedCall } from "../core/interfaces";
import { checkDelay, checkFinite, describeValue } from "../core/validate";

/**
 * The type of a scheduled function taking the arguments `A`. Declared through a method
 * signature so that its parameters are checked bivariantly: a `DelayedCall<[number]>` is
 * then usable where a plain `DelayedCall` (of `unknown[]`) is expected.
 */
export type DelayedFunction<A extends unknown[]> = {
  bivarianceHack(...args: A): unknown;
}["bivarianceHack"];

/** Anything that tells the time in seconds: the Reactor, a test Clock. */
export interface TimeSource {
  /** The current time in seconds. */
  seconds(): number;
}

/**
 * What a {@link DelayedCall} needs from the queue that holds it. Implemented by
 * {@link TimerQueue}; not meant to be called by anything but `DelayedCall`.
 */
export interface DelayedCallOwner {
  /** The clock whose `seconds()` `reset()` reads. */
  readonly clock: TimeSource;
  /** Drops an active call from the queue (the call is then marked cancelled by the queue). */
  _cancel(call: DelayedCall): void;
  /** Moves an active call to the deadline `when`, counting as scheduled anew (new sequence number). */
  _reschedule(call: DelayedCall, when: number): void;
}

// Where a call is (`_loc`). Values >= 0 are a slot of the queue's timing wheel; the negative
// ones below name the other places, and the two states in which the call is no longer active.
/** `_loc` of a call in the queue's sorted run of due (or nearly due) calls. @internal */
export const LOC_RUN = -1;
/** `_loc` of a call in the queue's far-future heap. @internal */
export const LOC_HEAP = -2;
/** `_loc` of a call that has been taken out of the queue to run (`called` is true). @internal */
export const LOC_CALLED = -3;
/** `_loc` of a cancelled call (`cancelled` is true). @internal */
export const LOC_CANCELLED = -4;

// The deadline as two int32 halves: written and read through one float64 of scratch.
const timeBits = new Float64Array(1);
const timeWords = new Int32Array(timeBits.buffer);
/** Index of a float64's low 32-bit word in an Int32Array view of it (0 on little-endian hosts). @internal */
export const LO_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
/** Index of a float64's high 32-bit word in an Int32Array view of it. @internal */
export const HI_WORD = 1 - LO_WORD;

/** A call's deadline. @internal */
export function timeOf(call: DelayedCall): number {
  timeWords[LO_WORD] = call._lo;
  timeWords[HI_WORD] = call._hi;
  return timeBits[0];
}

/** Sets a call's deadline (its owner re-files it). @internal */
export function setTime(call: DelayedCall, time: number): void {
  timeBits[0] = time;
  call._lo = timeWords[LO_WORD];
  call._hi = timeWords[HI_WORD];
}

/** The `args` of every call scheduled without arguments: one frozen, shared empty array. */
export const EMPTY_ARGS: readonly [] = Object.freeze([]);

const noop = (): undefined => undefined;

/** Lazily given ids for `toString()`, so that no field is spent on them. */
const ids = new WeakMap<DelayedCall, number>();
let nextId = 1;

function idOf(call: DelayedCall): number {
  let id = ids.get(call);
  if (id === undefined) {
    id = nextId++;
    ids.set(call, id);
  }
  return id;
}

/**
 * A call scheduled for later by `callLater`/`callAt`/`callSoon` (Twisted's `DelayedCall`).
 *
 * `func(...args)` runs once the owner's clock reaches {@link DelayedCall.getTime}; calls with
 * equal deadlines run in the order they were scheduled, and `reset()`/`delay()` count as
 * scheduling anew for that order. Instances are made by the reactor's (or a Clock's) timer
 * queue: `callLater` and friends return them.
 *
 * @typeParam A - the argument list of `func`.
 */
export class DelayedCall<A extends unknown[] = unknown[]> implements IDelayedCall {
  /** The function to call. Released (replaced by a no-op) once the call is cancelled, as in Twisted. */
  declare func: DelayedFunction<A>;
  /** The arguments `func` is called with (a shared frozen empty array when there are none). Released on cancel. */
  declare args: A;
  /** Where the call is, or its final state: a wheel slot (>= 0) or one of the `LOC_*` values. @internal */
  declare _loc: number;
  /** The sequence number: FIFO order among equal deadlines (int32, compared modulo 2**32). @internal */
  declare _seq: number;
  /** The deadline's high 32 bits (see {@link timeOf}). @internal */
  declare _hi: number;
  /** The deadline's low 32 bits. @internal */
  declare _lo: number;
  /** The position inside the container `_loc` names (heap index or wheel bucket index). @internal */
  declare _index: number;
  /** The queue holding this call. @internal */
  declare _owner: DelayedCallOwner;

  /**
   * Made by the queue ({@link TimerQueue.schedule}), which then files the call; a
   * DelayedCall constructed by anything else is not scheduled.
   * @internal
   */
  constructor(owner: DelayedCallOwner, time: number, seq: number, func: DelayedFunction<A>, args: A) {
    // The order fixes the layout: what a pop and the run of a call touch comes first.
    this.func = func;
    this.args = args;
    this._loc = LOC_CANCELLED; // the queue files it at once
    this._seq = seq;
    timeBits[0] = time;
    this._hi = timeWords[HI_WORD];
    this._lo = timeWords[LO_WORD];
    this._index = 0;
    this._owner = owner;
  }

  // The methods below are getters that return a function bound to this call, so a call's
  // methods work passed as values (`d.addCallback(call.cancel)`). Called at once
  // (`call.cancel()`), the closure does not escape and the optimising compiler drops its
  // allocation: no field is added to this hot object.

  /** When the call will run (or was due to), in the owner's `seconds()`. */
  get getTime(): () => number {
    return (): number => timeOf(this);
  }

  /** True once the call has been taken from the queue to run (it is running or has run). */
  get called(): boolean {
    return this._loc === LOC_CALLED;
  }

  /** True once the call has been cancelled. */
  get cancelled(): boolean {
    return this._loc === LOC_CANCELLED;
  }

  /** True while the call is neither cancelled nor called. */
  get active(): () => boolean {
    return (): boolean => this._loc > LOC_CALLED;
  }

  /**
   * Unschedules the call. Its `func` and `args` are released.
   * @throws AlreadyCancelled when it was cancelled; AlreadyCalled when it has run.
   */
  get cancel(): () => void {
    return (): void => {
      if (this._loc <= LOC_CALLED) this._notActive("cancel");
      this._owner._cancel(this);
      this.func = noop;
      this.args = EMPTY_ARGS as unknown as A;
    };
  }

  /**
   * Re-schedules the call to run `secondsFromNow` seconds after the owner's `seconds()`.
   * Counts as scheduling anew for the order of equal deadlines.
   * `secondsFromNow` is a number `>= 0` (`Infinity` allowed), as `callLater`'s delay.
   * @throws AlreadyCancelled / AlreadyCalled when not active; TypeError / RangeError for a bad value.
   */
  get reset(): (secondsFromNow: number) => void {
    return (secondsFromNow: number): void => {
      if (this._loc <= LOC_CALLED) this._notActive("reset");
      checkDelay("reset", secondsFromNow, "secondsFromNow");
      const owner = this._owner;
      owner._reschedule(this, owner.clock.seconds() + secondsFromNow);
    };
  }

  /**
   * Moves the call `secondsLater` seconds later than its current deadline (a negative number
   * moves it sooner, as in Twisted). Counts as scheduling anew for the order of equal deadlines.
   * `secondsLater` is any finite number.
   * @throws AlreadyCancelled / AlreadyCalled when not active; TypeError / RangeError for a bad value.
   */
  get delay(): (secondsLater: number) => void {
    return (secondsLater: number): void => {
      if (this._loc <= LOC_CALLED) this._notActive("delay");
      checkFinite("delay", secondsLater, "secondsLater");
      this._owner._reschedule(this, timeOf(this) + secondsLater);
    };
  }

  /**
   * As Twisted's repr: `<DelayedCall id=3 [1.5s] called=0 cancelled=0 tick(1, "a")>`, where
   * `[1.5s]` is the time left (negative once past due). A cancelled call shows no function.
   */
  toString(): string {
    return describeCall(this);
  }

  /** `util.inspect` / `console.log` show {@link DelayedCall.toString}. */
  [inspect.custom](): string {
    return describeCall(this);
  }

  private _notActive(operation: string): never {
    if (this._loc === LOC_CANCELLED) {
      throw new AlreadyCancelled(`Tried to ${operation} an already-cancelled event: ${describeCall(this)}.`);
    }
    throw new AlreadyCalled(`Tried to ${operation} an already-called event: ${describeCall(this)}.`);
  }
}

/** The text of {@link DelayedCall.toString} (a function, not a private method: see the module comment). */
function describeCall(call: DelayedCall): string {
  let left: number;
  try {
    left = timeOf(call) - call._owner.clock.seconds();
  } catch {
    left = NaN;
  }
  let text = `<DelayedCall id=${idOf(call)} [${left}s] called=${+call.called} cancelled=${+call.cancelled}`;
  if (call._loc !== LOC_CANCELLED) {
    const name = call.func.name || "<anonymous>";
    text += ` ${name}(${call.args.map(describeValue).join(", ")})`;
  }
  return `${text}>`;
}
