/**
 * How the timer queue makes its {@link DelayedCall}s: as object literals of a private realm, so
 * that V8 may allocate them straight in the old generation.
 *
 * ## Why
 *
 * A pending call outlives its delay, so when many are scheduled at once (a burst of a million,
 * as in bench/timers.ts) V8's young-generation collector copies each one twice, to the survivor
 * space and then to the old generation: ~130 ns of a ~320 ns fired call (see the design note
 * of timer-heap.ts and bench/survivor-experiment.ts). V8 can skip those copies ("pretenuring"),
 * but only for objects made by an object or array literal: such an allocation site records how
 * many of its objects survive, and once nearly all do, allocates the next ones in the old
 * generation. Instances of a class (`new DelayedCall`) never get this.
 *
 * A literal's prototype is the `Object.prototype` of the realm its code was compiled in. So the
 * literal below is compiled in a realm of its own (a `node:vm` context, ~1 ms and ~150 KB once
 * per process), whose `Object.prototype` is given DelayedCall's methods and accessors. Its objects
 * have the same eight fields, in the same order, as a DelayedCall made by the constructor, and
 * `instanceof DelayedCall` holds for them (through `Symbol.hasInstance`).
 *
 * Measured (Node 20, A/B in alternating processes, 1M calls; bench/survivor-experiment.ts for the
 * first line):
 * - 1M objects of DelayedCall's shape held: ~160 ns each by `new`, ~85 ns by this literal;
 * - 1M calls scheduled then cancelled: ~250-290 ns → ~210-220 ns per call;
 * - 1M calls fired through a Reactor: ~300 ns → ~255-270 ns per call in most processes. V8 takes
 *   the decision per process and revisits it after a full collection in which most of the old
 *   generation died, so some runs keep allocating young and stay at the class figure;
 * - calls that die young (a `callLater(0)` loop, with or without 100k long-lived calls pending):
 *   unchanged, as V8 then keeps allocating them in the young generation.
 *
 * Should the realm not be had (a host whose `node:vm` cannot make a context, intrinsics frozen by
 * a hardening tool), or be switched off with the environment variable `TWISTED_TS_PRETENURE=0`
 * (read once, when this module loads), calls are made by the constructor: same fields, same
 * behaviour, without the pretenuring.
 * @module
 */
import * as vm from "node:vm";
import { DelayedCall, HI_WORD, LO_WORD, LOC_CANCELLED, type DelayedCallOwner, type DelayedFunction } from "./delayed-call";

/** Makes a DelayedCall from its eight fields' values (the deadline as its two int32 halves). */
type RawMaker = (
  owner: DelayedCallOwner,
  hi: number,
  lo: number,
  seq: number,
  func: DelayedFunction<unknown[]>,
  args: unknown[],
) => DelayedCall;

const timeBits = new Float64Array(1);
const timeWords = new Int32Array(timeBits.buffer);

/** The same fields, in the same order, as `DelayedCall`'s constructor writes them. */
const LITERAL_SOURCE = `(function newDelayedCall(owner, hi, lo, seq, func, args) {
  return { func: func, args: args, _loc: ${LOC_CANCELLED}, _seq: seq, _hi: hi, _lo: lo, _index: 0, _owner: owner };
})`;

/** The realm's `Object.prototype`, once it carries DelayedCall's methods; null without a realm. */
let realmPrototype: object | null = null;

function byConstructor(
  owner: DelayedCallOwner,
  hi: number,
  lo: number,
  seq: number,
  func: DelayedFunction<unknown[]>,
  args: unknown[],
): DelayedCall {
  timeWords[HI_WORD] = hi;
  timeWords[LO_WORD] = lo;
  return new DelayedCall(owner, timeBits[0], seq, func, args);
}

/** Sets up the private realm; null when it cannot be had or is switched off (the constructor is used then). */
function realmMaker(): RawMaker | null {
  if (process.env.TWISTED_TS_PRETENURE === "0") return null;
  try {
    const context = vm.createContext({}, { name: "twisted-ts DelayedCall realm" });
    const proto = vm.runInContext("Object.prototype", context) as object;
    for (const key of Reflect.ownKeys(DelayedCall.prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(DelayedCall.prototype, key)!;
      Object.defineProperty(proto, key, descriptor);
    }
    const make = vm.runInContext(LITERAL_SOURCE, context, { filename: "twisted-ts/reactor/delayed-call-factory" }) as RawMaker;
    realmPrototype = proto;
    return make;
  } catch {
    return null;
  }
}

const makeRaw: RawMaker = realmMaker() ?? byConstructor;

/**
 * True when calls are made as literals of the private realm (and may be pretenured); false when
 * they are made by `new DelayedCall` because the realm could not be set up.
 */
export const PRETENURABLE: boolean = realmPrototype !== null;

if (realmPrototype !== null) {
  const proto = realmPrototype;
  // `instanceof DelayedCall` for both kinds: the realm's literals and constructed calls.
  Object.defineProperty(DelayedCall, Symbol.hasInstance, {
    value: (value: unknown): boolean =>
      typeof value === "object" &&
      value !== null &&
      (Object.getPrototypeOf(value) === proto || Function.prototype[Symbol.hasInstance].call(DelayedCall, value)),
    configurable: true,
  });
}

/**
 * A new DelayedCall for the queue `owner` (which files it): deadline `time`, sequence number
 * `seq`. `args` is stored as given (the queue passes the shared empty array for none).
 * @internal
 */
export function newDelayedCall<A extends unknown[]>(
  owner: DelayedCallOwner,
  time: number,
  seq: number,
  func: DelayedFunction<A>,
  args: A,
): DelayedCall<A> {
  timeBits[0] = time;
  return makeRaw(owner, timeWords[HI_WORD], timeWords[LO_WORD], seq, func as DelayedFunction<unknown[]>, args) as DelayedCall<A>;
}
