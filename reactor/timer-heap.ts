/**
 * The timer queue shared by the Reactor and the test Clock: one implementation of
 * "which delayed call runs next", so that equal deadlines run in the same order on both.
 *
 * ## Design (and why not heap-js)
 *
 * Measured by bench/timer-heap-experiment.ts (Node 20, 2 shared cores; N = 1,000,000 calls,
 * delays random in 0-50 ms; median of 5 runs; setTimeout side by side in the same process,
 * fired through Node's own loop):
 *
 *   design                        fire-all µs/call (schedule part)  schedule + cancel µs   bytes/pending
 *   setTimeout / clearTimeout     1.28  1.00x                       0.52 + 0.20 = 0.73     136
 *   heap-js, compare (t, seq)     2.50  0.51x  (0.38)               0.35 + 0.80 = 1.15      99
 *   own 4-ary heap, indexed       2.13  0.60x  (0.31)               0.30 + 0.26 = 0.56      98
 *   ms wheel + Array#sort         0.91  1.42x  (0.33)               -                       97
 *   this TimerQueue               0.46  2.78x  (0.32)               0.28 + 0.11 = 0.40      97
 *     on a real clock with one host timer (a minimal reactor loop): 0.51, 2.51x
 *     floor, no queue at all (allocate 1M DelayedCalls, call each): 0.21
 * Over six runs setTimeout varied 0.95-1.3 µs and TimerQueue 0.37-0.48 µs: 2.0-2.8x.
 *
 * Why not heap-js: popping a binary heap of a million calls costs ~35 comparator calls (2 per
 * level, ~18 levels, measured), each comparing two call objects scattered in memory, so the pops
 * alone cost twice setTimeout's whole run; entries carry no index, so reset()/delay() would need
 * its O(n) `remove`; and Twisted-style compaction through `toArray().filter()` + `init()` makes
 * cancelling cost 0.8 µs. An own indexed 4-ary heap halves the levels and fixes reset/cancel, but
 * pops stay ~1.8 µs. A millisecond wheel makes inserting O(1); what remains is ordering a due
 * millisecond exactly: `Array.prototype.sort` with a comparator costs ~0.4 µs per call (cache
 * misses through the objects), a stable distribution sort over typed-array copies of the keys a
 * few tens of ns. Hence this design.
 *
 * Targets: cancel (faster than setTimeout + clearTimeout) and memory (<= 150 B; a DelayedCall is
 * 88 B plus its slot) are met. Firing all reaches 2.0-2.8x here (the Reactor's bench/timers.ts:
 * 2.2x), short of 3x: the API returns one object per call, and making and collecting a million
 * of them already costs ~0.2 µs (the floor line, mostly scavenges); the queue adds ~0.2 µs
 * (scattering into 50 growing buckets under GC ~0.1, sorting ~0.03, one cache miss per call when
 * read in deadline order, at the sort and at the pop). Tried and dropped, measured A/B: keys
 * stored beside each bucket (pop -0.04 µs but schedule +0.1 µs), intrusive linked buckets
 * (slower), 4 ms and 8 ms buckets (no gain), `#private` fields on the queue (~3% slower).
 *
 * Where the rest goes, and what did not close the gap (the Reactor's fired workload, 1M calls,
 * A/B in alternating processes, ~320-340 ns per call for this design against setTimeout's
 * ~620-700 ns; bench/survivor-experiment.ts isolates the first two items):
 * - Survival. A million pending DelayedCalls are each copied twice by the young-generation
 *   collector: holding 1M objects of DelayedCall's shape (88 B) costs ~130 ns each against
 *   ~33 ns when they die young; 56 B (4 fields) ~98 ns, 32 B ~57 ns. The old generation's
 *   marking adds ~20 ns. A larger young generation (--max-semi-space-size 16-128) changes
 *   nothing, since every call outlives its scavenges anyway.
 * - The clock. `callLater` reads `performance.now()` (~35 ns; Date.now and process.hrtime are
 *   slower) so that a deadline is never computed from a stale time; setTimeout reads libuv's
 *   cached loop time instead.
 * - A smaller DelayedCall in this design: `func` and `args` merged into one field (80 B) gave
 *   2-4%, within noise.
 * - A slab: times, sequence numbers and positions in process-wide typed arrays indexed by a slot,
 *   containers of slot numbers, a 48-56 B handle: 550-630 ns. Popping in deadline order reads
 *   each slot's entries at random (three or four cache misses per call instead of one), and the
 *   scavenges got dearer, not cheaper.
 * - Keys (time, seq) stored beside each bucket with a 56 B handle (no object touched when a
 *   bucket is sorted): 314-317 ns against 330 ns; the smaller objects are paid back by three
 *   parallel growing arrays per bucket.
 * - Pretenuring: V8 allocates object literals whose objects survive directly in the old
 *   generation (held 1M: ~33 ns each), but not class instances. A literal with `__proto__` gets
 *   the class's methods only through a run-time call (~46 ns per object): 290-390 ns, no gain. A
 *   plain literal carrying the methods as own properties (15 fields): ~400 ns, worse.
 * - Pretenuring through a private realm: the literal compiled in a `node:vm` context whose
 *   `Object.prototype` carries DelayedCall's methods (`instanceof` kept by `Symbol.hasInstance`).
 *   Its objects held cost ~34 ns each, as plain literals. In a process that runs only the fired
 *   workload: ~255-270 ns against ~300 in two processes of three, unchanged in the third;
 *   scheduled+cancelled ~215 against ~270 ns. But V8 decides per allocation site and process, and
 *   only switches to old-generation allocation after a scavenge with the young generation at its
 *   largest; once the site's code is optimized it stopped reporting survivals in our traces, so a
 *   process could stay with young allocation for good. In one full `npm run bench -- timers` run
 *   each way (small sizes first) 1e6 fired was unchanged (331 against 320 ns) and 1e5
 *   scheduled+cancelled doubled (382 against 188 ns). Dropped: the gain depends on the process's
 *   history.
 * - Calls that are not touched when they fire (function and keys beside each bucket, `called`
 *   read from a per-slot generation table): 350-400 ns in a minimal prototype; the extra
 *   growing arrays per bucket cost more in scavenges than the cache misses they avoid.
 * - Buckets made of preallocated fixed-size chunks instead of growing arrays: in a minimal model
 *   ~5% (233 against 245 ns). Keeping every chunk for reuse looked like ~25%, but that came from
 *   the retained memory moving V8's old-generation limit, not from the buckets.
 *
 * A floor, measured by bench/survivor-experiment.ts: no queue at all, only what every design
 * with one handle per call pays (a clock read; the handle kept until it runs; the handles, sorted
 * and lined up untimed, then each marked and its function called, in deadline order). With a
 * 4-field handle (56 B) it is ~160-190 ns per call, 3.3-4.1x faster than setTimeout on the same
 * delays in the same process; with DelayedCall's 8 fields (88 B) ~240 ns, 2.6-2.7x (medians of
 * three runs; single repetitions 2.2-4.0x). So 3x needs a handle of about 4 fields, and then leaves the queue
 * (bucketing, sorting, state, the reactor's pass) some 20-60 ns; this design runs ~80-100 ns
 * above the floor of its own 8-field calls (~320-340 against ~240 ns). (The "floor" line of the
 * table above is another measure: no clock read, calls run in the order they were made.)
 *
 * ## Structure
 *
 * Calls are ordered by (deadline, sequence number); the sequence number is taken from a
 * counter on every schedule, `reset()` and `delay()`, so equal deadlines run first come,
 * first served. The counter is an int32 compared modulo 2**32, so it never overflows into a
 * slower representation; FIFO holds between calls scheduled less than 2**31 schedulings apart.
 * Three containers, by how far away the call is from the wheel's cursor
 * `_baseTick` (a millisecond, `tick = floor(deadline * 1000)`):
 * - the **run**: calls of ticks `<= _baseTick`, i.e. due now or nearly, as an array sorted by
 *   (deadline, seq) and consumed from the front. A millisecond is sorted only when it is
 *   reached, by a stable distribution sort on the deadline (O(n) for any smooth spread of
 *   deadlines, with an O(n log n) merge sort as the fallback), on typed-array copies of the keys.
 * - the **wheel**: 4096 unsorted buckets, one per millisecond of the next ~4 s; insert and
 *   remove are O(1) (each call knows its bucket and index; removal swaps in the last one).
 * - the **far heap**: a binary heap, indexed (each call knows its position) for O(log n)
 *   re-positioning, of the calls further away; they move to the wheel as it turns.
 *
 * Cancelling is O(1): a call in the wheel is removed at once; one in the run or the heap is
 * only marked and skipped later, and those dead entries are compacted away when they are more
 * than 50 and more than half of the run and heap together (as Twisted), so after a million
 * calls scheduled and cancelled only the live calls are held. `reset()`/`delay()` of a pending
 * call move it, sooner or later, to where its new deadline belongs. A deadline of `Infinity`
 * stays in the heap and never falls due. The cursor follows the time given to `popDue`, and
 * catches up with `clock.seconds()` when a call would otherwise go to the far heap only because
 * nothing was popped for a while (so an idle queue still files near calls in the wheel).
 *
 * ## How an owner (Reactor, Clock) uses it
 *
 * ```ts
 * const timers = new TimerQueue(this, (deadline) => this.rearm(deadline)); // `this.seconds()` is the clock
 * // callLater(delay, f, ...args): validate, then
 * return timers.schedule(this.seconds() + delay, f, args);   // a DelayedCall, already queued
 * // A Reactor pass: calls scheduled during the pass wait for the next one.
 * const now = this.seconds(), limit = timers.sequence;
 * for (let call; (call = timers.popDue(now, limit)) !== null; ) call.func(...call.args); // popDue marked it called
 * // (call.args.length === 0 ? call.func() : call.func(...call.args) spares the spread)
 * const next = timers.earliest();   // arm the single host timer for `next` (Infinity: nothing to wait for)
 * // A Clock: `advance()` runs everything due, including calls made while it runs:
 * for (let call; (call = timers.popDue(this.rightNow)) !== null; ) call.func(...call.args);
 * ```
 * `onEarlierDeadline(deadline)` is called when a call is scheduled (or moved) to a deadline
 * earlier than the last value `earliest()` returned (or than the last one reported), i.e.
 * exactly when a host timer armed for `earliest()` must be re-armed sooner. Cancelling never
 * calls it (waking up for nothing once is cheaper than tracking it).
 *
 * `popDue` takes the call out of the queue and marks it called before returning it, so the
 * owner only runs it; `cancel()`/`reset()` of it then throw `AlreadyCalled`. The queue calls
 * out only to `onEarlierDeadline`, at the end of `schedule`/`reset`/`delay`, and is never in
 * an inconsistent state while the owner runs a call.
 * @module
 */
import {
  DelayedCall,
  EMPTY_ARGS,
  HI_WORD,
  LO_WORD,
  LOC_CALLED,
  LOC_CANCELLED,
  LOC_HEAP,
  LOC_RUN,
  setTime,
  timeOf,
  type DelayedCallOwner,
  type DelayedFunction,
  type TimeSource,
} from "./delayed-call";

/** Wheel resolution: buckets per second. */
const TICKS_PER_SECOND = 1000;
/** Number of wheel buckets (a power of two): how many milliseconds ahead the wheel covers. */
const WHEEL_SIZE = 4096;
const WHEEL_MASK = WHEEL_SIZE - 1;
const BITMAP_WORDS = WHEEL_SIZE >>> 5;
/** Beyond this tick the wheel is not used (ticks stop being exact integers near 2**53). */
const MAX_TICK = 2 ** 50;
/** Dead entries tolerated before compaction is considered (Twisted: 50). */
const COMPACT_MIN = 50;
/** Above this many keys, the distribution sort's bucket count stops growing. */
const MAX_SORT_BUCKETS = 1 << 22;

function tickOf(time: number): number {
  return Math.floor(time * TICKS_PER_SECOND);
}

/** (deadline, seq) order; sequence numbers compare modulo 2**32 so that they never overflow. */
function before(a: DelayedCall, b: DelayedCall): boolean {
  const ta = timeOf(a);
  const tb = timeOf(b);
  return ta < tb || (ta === tb && ((a._seq - b._seq) | 0) < 0);
}

function compareCalls(a: DelayedCall, b: DelayedCall): number {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

/** Fills the run's free slots: a dead call that is never active. */
const TOMB: DelayedCall = new DelayedCall(
  {
    clock: { seconds: () => 0 },
    _cancel() {},
    _reschedule() {},
  },
  -Infinity,
  0,
  () => undefined,
  EMPTY_ARGS as unknown as unknown[],
);

// ---------------------------------------------------------------------------------------------
// Sorting a millisecond's calls. Module-level scratch (sorting is never re-entered), keys in
// typed arrays so the comparisons touch no objects; the result is a permutation.

let keyT = new Float64Array(1024); // input deadlines
let keyW = new Int32Array(keyT.buffer); // the same, as int32 words (filled from DelayedCall._hi/_lo)
let keyS = new Int32Array(1024); // input sequence numbers
let outT = new Float64Array(1024); // sorted deadlines
let outS = new Int32Array(1024); // sorted sequence numbers
let outP = new Int32Array(1024); // sorted -> input index
let tmpI = new Int32Array(1024); // distribution keys, then merge-sort scratch
let counts = new Int32Array(1025);

function ensureScratch(n: number): void {
  if (keyT.length >= n) return;
  let size = keyT.length;
  while (size < n) size *= 2;
  keyT = new Float64Array(size);
  keyW = new Int32Array(keyT.buffer);
  keyS = new Int32Array(size);
  outT = new Float64Array(size);
  outS = new Int32Array(size);
  outP = new Int32Array(size);
  tmpI = new Int32Array(size);
}

/** Gives large scratch arrays back after a huge sort, so one burst does not pin them. */
function shrinkScratch(): void {
  if (keyT.length > 1 << 16) {
    keyT = new Float64Array(1024);
    keyW = new Int32Array(keyT.buffer);
    keyS = new Int32Array(1024);
    outT = new Float64Array(1024);
    outS = new Int32Array(1024);
    outP = new Int32Array(1024);
    tmpI = new Int32Array(1024);
    counts = new Int32Array(1025);
  }
}

/**
 * Insertion sort of (T, S, P)[from, to) by (T, S); gives up (leaving a permutation) once more
 * than `budget` moves were needed. True when sorted.
 */
function insertionSort(T: Float64Array, S: Int32Array, P: Int32Array, from: number, to: number, budget: number): boolean {
  for (let i = from + 1; i < to; i++) {
    const t = T[i];
    const s = S[i];
    let j = i - 1;
    if (!(t < T[j] || (t === T[j] && ((s - S[j]) | 0) < 0))) continue;
    const p = P[i];
    do {
      T[j + 1] = T[j];
      S[j + 1] = S[j];
      P[j + 1] = P[j];
      j--;
    } while (j >= from && (t < T[j] || (t === T[j] && ((s - S[j]) | 0) < 0)));
    T[j + 1] = t;
    S[j + 1] = s;
    P[j + 1] = p;
    budget -= i - j;
    if (budget < 0) return false;
  }
  return true;
}

/** Bottom-up merge sort of (outT, outS, outP)[0, n), using (keyT, keyS, tmpI) as scratch. */
function mergeSort(n: number): void {
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) insertionSort(outT, outS, outP, lo, Math.min(lo + RUN, n), Infinity);
  let srcT = outT, srcS = outS, srcP = outP;
  let dstT = keyT, dstS = keyS, dstP = tmpI;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (srcT[j] < srcT[i] || (srcT[j] === srcT[i] && ((srcS[j] - srcS[i]) | 0) < 0)) {
          dstT[k] = srcT[j];
          dstS[k] = srcS[j];
          dstP[k++] = srcP[j++];
        } else {
          dstT[k] = srcT[i];
          dstS[k] = srcS[i];
          dstP[k++] = srcP[i++];
        }
      }
      for (; i < mid; i++, k++) {
        dstT[k] = srcT[i];
        dstS[k] = srcS[i];
        dstP[k] = srcP[i];
      }
      for (; j < hi; j++, k++) {
        dstT[k] = srcT[j];
        dstS[k] = srcS[j];
        dstP[k] = srcP[j];
      }
    }
    const t = srcT;
    srcT = dstT;
    dstT = t;
    const s = srcS;
    srcS = dstS;
    dstS = s;
    const p = srcP;
    srcP = dstP;
    dstP = p;
  }
  if (srcT !== outT) {
    outT.set(srcT.subarray(0, n));
    outS.set(srcS.subarray(0, n));
    outP.set(srcP.subarray(0, n));
  }
}

/**
 * Sorts the keys (keyT, keyS)[0, n) by (deadline, seq). Returns true when they already are in
 * order (nothing written); otherwise the order is left in (outT, outS, outP).
 */
function sortKeys(n: number): boolean {
  const T = keyT;
  const S = keyS;
  let i = 1;
  while (i < n && !(T[i] < T[i - 1] || (T[i] === T[i - 1] && ((S[i] - S[i - 1]) | 0) < 0))) i++;
  if (i >= n) return true;

  if (n <= 32) {
    for (let k = 0; k < n; k++) {
      outT[k] = T[k];
      outS[k] = S[k];
      outP[k] = k;
    }
    insertionSort(outT, outS, outP, 0, n, Infinity);
    return false;
  }

  // A stable distribution (counting) sort on the deadline into about n buckets, which leaves
  // the keys nearly sorted, then an insertion sort finishes them (and orders equal deadlines
  // by seq). Skewed deadlines (e.g. a crowd of equal ones in shuffled seq order) exhaust the
  // insertion sort's budget and fall back to the merge sort.
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = T[k];
    if (t < lo && t > -Infinity) lo = t;
    if (t > hi) hi = t;
  }
  let buckets = 1;
  while (buckets < n && buckets < MAX_SORT_BUCKETS) buckets <<= 1;
  let scale = (buckets - 1) / (hi - lo);
  if (!(scale < Infinity)) scale = 0; // hi === lo, or a non-finite spread
  if (counts.length < buckets + 1) counts = new Int32Array(buckets + 1);
  else counts.fill(0, 0, buckets + 1);
  const C = counts;
  const K = tmpI;
  for (let k = 0; k < n; k++) {
    const t = T[k];
    let key = t > lo ? ((t - lo) * scale) | 0 : 0;
    if (key >= buckets) key = buckets - 1;
    K[k] = key;
    C[key + 1]++;
  }
  for (let k = 0; k < buckets; k++) C[k + 1] += C[k];
  for (let k = 0; k < n; k++) {
    const p = C[K[k]]++;
    outT[p] = T[k];
    outS[p] = S[k];
    outP[p] = k;
  }
  if (!insertionSort(outT, outS, outP, 0, n, 8 * n + 64)) mergeSort(n);
  return false;
}

// ---------------------------------------------------------------------------------------------

/** Read-only figures about a {@link TimerQueue}'s storage, for tests and diagnostics. */
export interface TimerQueueStats {
  /** Calls scheduled and still active (as {@link TimerQueue.size}). */
  readonly live: number;
  /** Entries held in all containers, live or dead (the run's unconsumed slots, the wheel, the heap). */
  readonly stored: number;
  /** Dead entries (cancelled or moved away) still held, waiting to be skipped or compacted. */
  readonly dead: number;
  /** Calls in the run (the current millisecond and before), including dead slots. */
  readonly run: number;
  /** Calls in the wheel's buckets (all live). */
  readonly wheel: number;
  /** Entries in the far heap, including cancelled ones. */
  readonly heap: number;
}

/**
 * The delayed calls of one Reactor or Clock, in (deadline, sequence number) order.
 * See the module documentation for the design and for how an owner drives it.
 */
export class TimerQueue implements DelayedCallOwner {
  /** The owner's clock: `reset()` of a call reads `clock.seconds()`, and the wheel reads it to catch up. */
  readonly clock: TimeSource;
  /**
   * Called with the new deadline when a call is scheduled (or moved by `reset`/`delay`) to a
   * deadline earlier than the last one {@link TimerQueue.earliest} returned (or reported
   * here): the owner re-arms its host timer. `null` for none.
   */
  onEarlierDeadline: ((deadline: number) => void) | null;

  // Plain `_fields` rather than `#fields`: see the note in delayed-call.ts and the
  // "#private vs _field" figures of bench/timer-heap-experiment.ts.
  private _seq = 0;
  private _live = 0;
  private _dead = 0;
  private _threshold = Infinity;

  // The run: calls of ticks <= _baseTick, sorted by (deadline, seq) while _runSorted, consumed
  // from _runPos. _runTimes[i]/_runSeqs[i] are the deadline and seq the call at i had when it
  // was put there: a call moved or cancelled since no longer matches, and its slot is dead.
  private _runObjs: DelayedCall[] = [];
  private _runTimes = new Float64Array(64);
  private _runSeqs = new Int32Array(64);
  private _runPos = 0;
  private _runLen = 0;
  private _runSorted = true;
  private _spare: DelayedCall[] = [];

  // The wheel: slot (tick & WHEEL_MASK) holds the calls of tick, for _baseTick < tick < _baseTick + WHEEL_SIZE.
  private _baseTick = -1;
  private readonly _buckets: (DelayedCall[] | undefined)[] = new Array<DelayedCall[] | undefined>(WHEEL_SIZE);
  private readonly _bitmap = new Int32Array(BITMAP_WORDS);
  private _wheelCount = 0;

  // The far heap: calls of ticks >= _baseTick + WHEEL_SIZE (and cancelled ones not yet dropped).
  private _heap: DelayedCall[] = [];

  /**
   * @param clock - the owner's clock (the Reactor or Clock itself will do): `reset()` reads its `seconds()`.
   * @param onEarlierDeadline - see {@link TimerQueue.onEarlierDeadline}.
   */
  constructor(clock: TimeSource, onEarlierDeadline: ((deadline: number) => void) | null = null) {
    this.clock = clock;
    this.onEarlierDeadline = onEarlierDeadline;
  }

  /** How many calls are scheduled and still active. */
  get size(): number {
    return this._live;
  }

  /**
   * The sequence number the next scheduled (or moved) call will get. A Reactor reads it at the
   * start of a pass and gives it to {@link TimerQueue.popDue} as `limit`, so calls scheduled
   * during the pass wait for the next pass.
   */
  get sequence(): number {
    return this._seq;
  }

  /**
   * Schedules `func(...args)` for the absolute time `when` (in the clock's seconds) and
   * returns its DelayedCall. Validating a delay or a function is the caller's job
   * (see `validate.ts`); `when` may be in the past (due at once) or `Infinity` (never due).
   * @throws RangeError when `when` is NaN.
   */
  schedule<A extends unknown[]>(when: number, func: DelayedFunction<A>, args: A): DelayedCall<A> {
    if (when !== when) throw new RangeError("schedule: the deadline is NaN");
    const seq = this._seq;
    this._seq = (seq + 1) | 0;
    const call = new DelayedCall<A>(this, when, seq, func, args.length === 0 ? (EMPTY_ARGS as unknown as A) : args);
    this._live++;
    this._insert(call as DelayedCall, when);
    if (when < this._threshold) this._earlier(when);
    return call;
  }

  /**
   * Takes the next call due at `now` (deadline `<= now`) out of the queue, marks it called and
   * returns it; `null` when none is due. With `limit` (a {@link TimerQueue.sequence} read
   * earlier) it also returns `null` when the next call in order was scheduled (or moved) after
   * that reading: such a call, and whatever follows it, waits for the next pass, so the order
   * stays (deadline, seq) across passes. Calls at `Infinity` are never due.
   * @throws RangeError when `now` is NaN.
   */
  popDue(now: number, limit?: number): DelayedCall | null {
    if (now !== now) throw new RangeError("popDue: now is NaN");
    for (;;) {
      const pos = this._runPos;
      if (pos < this._runLen) {
        if (!this._runSorted) {
          this._sortRun();
          continue;
        }
        const objs = this._runObjs;
        const call = objs[pos];
        if (call._loc !== LOC_RUN || call._seq !== this._runSeqs[pos]) {
          objs[pos] = TOMB;
          this._runPos = pos + 1;
          this._dead--;
          continue;
        }
        if (this._runTimes[pos] > now) return null;
        if (limit !== undefined && ((call._seq - limit) | 0) >= 0) return null;
        objs[pos] = TOMB;
        this._runPos = pos + 1;
        call._loc = LOC_CALLED;
        this._live--;
        return call;
      }
      if (pos !== 0) this._runPos = this._runLen = 0;
      if (!this._fill(tickOf(now))) break;
    }
    // The run and the wheel hold nothing due: the heap's head can still be, when its deadline
    // lies beyond the wheel's range of ticks (times above 2**50 ms).
    const heap = this._heap;
    if (this._wheelCount !== 0 || heap.length === 0) return null;
    const top = heap[0];
    const time = timeOf(top);
    if (!(time <= now) || time === Infinity) return null;
    if (limit !== undefined && ((top._seq - limit) | 0) >= 0) return null;
    this._heapPop();
    top._loc = LOC_CALLED;
    this._live--;
    return top;
  }

  /**
   * The earliest deadline of the active calls (`Infinity` when there is none, or only calls at
   * `Infinity`). The owner arms its host timer for it; from then on `onEarlierDeadline`
   * reports any call scheduled sooner.
   */
  earliest(): number {
    const time = this._peek();
    this._threshold = time;
    return time;
  }

  /** The active calls, in the order they would run (deadline, then scheduling order). */
  getDelayedCalls(): DelayedCall[] {
    const out: DelayedCall[] = [];
    const objs = this._runObjs;
    const seqs = this._runSeqs;
    for (let i = this._runPos; i < this._runLen; i++) {
      const call = objs[i];
      if (call._loc === LOC_RUN && call._seq === seqs[i]) out.push(call);
    }
    if (this._wheelCount > 0) {
      for (const bucket of this._buckets) if (bucket !== undefined) for (const call of bucket) out.push(call);
    }
    for (const call of this._heap) if (call._loc === LOC_HEAP) out.push(call);
    return out.sort(compareCalls);
  }

  /** Figures about the storage (live and dead entries per container), for tests and diagnostics. */
  stats(): TimerQueueStats {
    const run = this._runLen - this._runPos;
    return {
      live: this._live,
      stored: run + this._wheelCount + this._heap.length,
      dead: this._dead,
      run,
      wheel: this._wheelCount,
      heap: this._heap.length,
    };
  }

  // --- DelayedCallOwner --------------------------------------------------------------------

  /** Drops an active call. Called by `DelayedCall.cancel()` only. @internal */
  _cancel(call: DelayedCall): void {
    const loc = call._loc;
    call._loc = LOC_CANCELLED;
    this._live--;
    if (loc >= 0) {
      this._bucketRemove(call, loc);
    } else if (++this._dead > COMPACT_MIN) {
      this._maybeCompact();
    }
  }

  /** Moves an active call to `when` with a new sequence number. Called by `DelayedCall` only. @internal */
  _reschedule(call: DelayedCall, when: number): void {
    if (when !== when) throw new RangeError("reschedule: the deadline is NaN");
    const loc = call._loc;
    const seq = this._seq;
    this._seq = (seq + 1) | 0;
    if (loc === LOC_HEAP) {
      const index = call._index;
      if (!(tickOf(when) - this._baseTick < WHEEL_SIZE)) {
        // Stays in the heap: re-key it in place.
        setTime(call, when);
        call._seq = seq;
        this._heapFix(index);
        if (when < this._threshold) this._earlier(when);
        return;
      }
      this._heapRemoveAt(index);
    } else if (loc >= 0) {
      this._bucketRemove(call, loc);
    } else {
      this._dead++; // its run slot is now dead (its seq no longer matches)
    }
    setTime(call, when);
    call._seq = seq;
    this._insert(call, when);
    if (loc === LOC_RUN && this._dead > COMPACT_MIN) this._maybeCompact();
    if (when < this._threshold) this._earlier(when);
  }

  // --- internals -----------------------------------------------------------------------------

  private _earlier(when: number): void {
    this._threshold = when;
    const hook = this.onEarlierDeadline;
    if (hook !== null) hook(when);
  }

  /** Files an active call (deadline `time`, its seq set) into the run, the wheel or the heap. */
  private _insert(call: DelayedCall, time: number): void {
    const tick = tickOf(time);
    const base = this._baseTick;
    if (tick <= base) {
      this._runAppend(call, time);
    } else if (tick - base < WHEEL_SIZE) {
      const slot = tick & WHEEL_MASK;
      let bucket = this._buckets[slot];
      if (bucket === undefined) this._buckets[slot] = bucket = [];
      call._loc = slot;
      call._index = bucket.length;
      if (bucket.push(call) === 1) this._bitmap[slot >>> 5] |= 1 << (slot & 31);
      this._wheelCount++;
    } else if (this._catchUpOnInsert()) {
      this._insert(call, time);
    } else {
      call._loc = LOC_HEAP;
      const heap = this._heap;
      heap.push(call);
      this._siftUp(heap.length - 1);
    }
  }

  /**
   * A call is about to go to the far heap: if the wheel's cursor has fallen behind the clock
   * (nothing popped for a while, or a first call), moves it up to now when that is safe (nothing
   * in the run, nothing in the wheel up to now), so the call lands in the wheel. True if moved.
   */
  private _catchUpOnInsert(): boolean {
    const nowTick = tickOf(this.clock.seconds());
    if (!(nowTick < MAX_TICK) || this._runPos < this._runLen) return false;
    if (this._wheelCount === 0 && this._heap.length === 0) {
      // Empty: the cursor may move anywhere, even back (a test clock set back).
      if (nowTick === this._baseTick) return false;
      this._baseTick = nowTick;
      this._runPos = this._runLen = 0;
      return true;
    }
    if (!(nowTick > this._baseTick)) return false;
    if (this._wheelCount > 0) {
      const slot = this._firstSlot();
      if (this._baseTick + ((slot - this._baseTick) & WHEEL_MASK) <= nowTick) return false;
    }
    this._baseTick = nowTick;
    this._runPos = this._runLen = 0;
    this._cascade();
    return true;
  }

  private _bucketRemove(call: DelayedCall, slot: number): void {
    const bucket = this._buckets[slot]!;
    const last = bucket.pop()!;
    if (last !== call) {
      const index = call._index;
      bucket[index] = last;
      last._index = index;
    } else if (bucket.length === 0) {
      this._bitmap[slot >>> 5] &= ~(1 << (slot & 31));
    }
    this._wheelCount--;
  }

  private _runAppend(call: DelayedCall, time: number): void {
    const n = this._runLen;
    if (n === this._runSeqs.length) this._growRun(n * 2);
    const objs = this._runObjs;
    if (n < objs.length) objs[n] = call;
    else objs.push(call);
    const seq = call._seq;
    this._runTimes[n] = time;
    this._runSeqs[n] = seq;
    this._runLen = n + 1;
    call._loc = LOC_RUN;
    if (n === this._runPos) {
      this._runSorted = true;
    } else if (this._runSorted) {
      const last = this._runTimes[n - 1];
      if (time < last || (time === last && ((seq - this._runSeqs[n - 1]) | 0) < 0)) this._runSorted = false;
    }
  }

  private _growRun(size: number): void {
    const times = new Float64Array(size);
    const seqs = new Int32Array(size);
    times.set(this._runTimes.subarray(0, this._runLen));
    seqs.set(this._runSeqs.subarray(0, this._runLen));
    this._runTimes = times;
    this._runSeqs = seqs;
  }

  /** The first non-empty wheel slot after the cursor (ticks increase cyclically). Needs _wheelCount > 0. */
  private _firstSlot(): number {
    const bitmap = this._bitmap;
    const start = (this._baseTick + 1) & WHEEL_MASK;
    let word = start >>> 5;
    let bits = bitmap[word] & (-1 << (start & 31));
    while (bits === 0) {
      word = (word + 1) & (BITMAP_WORDS - 1);
      bits = bitmap[word];
    }
    return (word << 5) + 31 - Math.clz32(bits & -bits);
  }

  /**
   * Refills the empty run with the calls of the earliest tick `<= nowTick`, turning the wheel;
   * false when nothing is due by then (the cursor is still moved up to `nowTick`).
   */
  private _fill(nowTick: number): boolean {
    if (this._wheelCount > 0) {
      const slot = this._firstSlot();
      const tick = this._baseTick + ((slot - this._baseTick) & WHEEL_MASK);
      if (tick > nowTick) {
        this._catchUp(nowTick);
        return false;
      }
      this._baseTick = tick;
      this._loadBucket(slot);
      this._cascade();
      return true;
    }
    const heap = this._heap;
    while (heap.length > 0 && heap[0]._loc === LOC_CANCELLED) {
      this._heapPop();
      this._dead--;
    }
    if (heap.length > 0) {
      const tick = tickOf(timeOf(heap[0]));
      if (tick <= nowTick && tick < MAX_TICK) {
        this._baseTick = tick; // jump: the wheel is empty
        this._cascade();
        return true;
      }
    }
    this._catchUp(nowTick);
    return false;
  }

  /** With the run empty and nothing in the wheel at or before `nowTick`, moves the cursor there. */
  private _catchUp(nowTick: number): void {
    if (nowTick > this._baseTick && nowTick < MAX_TICK) {
      this._baseTick = nowTick;
      this._cascade();
    }
    if (this._runObjs.length > 1 << 16) this._shrinkRun();
  }

  /** Moves the heap's calls that the wheel now covers into the wheel (or the run). */
  private _cascade(): void {
    const heap = this._heap;
    const end = this._baseTick + WHEEL_SIZE;
    while (heap.length > 0) {
      const top = heap[0];
      if (top._loc === LOC_CANCELLED) {
        this._heapPop();
        this._dead--;
        continue;
      }
      const time = timeOf(top);
      if (!(tickOf(time) < end)) break;
      this._heapPop();
      this._insert(top, time);
    }
  }

  /** Makes the (empty) run the sorted calls of wheel slot `slot`. */
  private _loadBucket(slot: number): void {
    const bucket = this._buckets[slot]!;
    const n = bucket.length;
    ensureScratch(n);
    const W = keyW;
    const S = keyS;
    for (let i = 0, w = 0; i < n; i++, w += 2) {
      const call = bucket[i];
      W[w + LO_WORD] = call._lo;
      W[w + HI_WORD] = call._hi;
      S[i] = call._seq;
      call._loc = LOC_RUN;
    }
    this._wheelCount -= n;
    this._bitmap[slot >>> 5] &= ~(1 << (slot & 31));
    if (this._runSeqs.length < n) this._growRun(Math.max(n, this._runSeqs.length * 2));
    const objs = this._runObjs;
    while (objs.length < n) objs.push(TOMB);
    if (sortKeys(n)) {
      for (let i = 0; i < n; i++) objs[i] = bucket[i];
      this._runTimes.set(keyT.subarray(0, n));
      this._runSeqs.set(S.subarray(0, n));
    } else {
      const P = outP;
      for (let i = 0; i < n; i++) objs[i] = bucket[P[i]];
      this._runTimes.set(outT.subarray(0, n));
      this._runSeqs.set(outS.subarray(0, n));
    }
    bucket.length = 0;
    this._runPos = 0;
    this._runLen = n;
    this._runSorted = true;
    if (n > 1 << 16) shrinkScratch();
  }

  /** Sorts the run again after out-of-order appends, dropping its dead slots. */
  private _sortRun(): void {
    const objs = this._runObjs;
    const times = this._runTimes;
    const seqs = this._runSeqs;
    const end = this._runLen;
    ensureScratch(end - this._runPos);
    const T = keyT;
    const S = keyS;
    let m = 0;
    for (let i = this._runPos; i < end; i++) {
      const call = objs[i];
      if (call._loc === LOC_RUN && call._seq === seqs[i]) {
        T[m] = times[i];
        S[m] = seqs[i];
        objs[m++] = call;
      } else {
        this._dead--;
      }
    }
    for (let i = m; i < end; i++) objs[i] = TOMB;
    if (sortKeys(m)) {
      times.set(T.subarray(0, m));
      seqs.set(S.subarray(0, m));
    } else {
      const spare = this._spare;
      while (spare.length < m) spare.push(TOMB);
      const P = outP;
      for (let i = 0; i < m; i++) spare[i] = objs[P[i]];
      for (let i = 0; i < m; i++) objs[i] = TOMB;
      this._spare = objs;
      this._runObjs = spare;
      times.set(outT.subarray(0, m));
      seqs.set(outS.subarray(0, m));
    }
    this._runPos = 0;
    this._runLen = m;
    this._runSorted = true;
    if (m > 1 << 16) shrinkScratch();
  }

  /** Gives back the run's big arrays once it is empty. */
  private _shrinkRun(): void {
    if (this._runPos < this._runLen) return;
    this._runObjs = [];
    this._spare = [];
    this._runTimes = new Float64Array(64);
    this._runSeqs = new Int32Array(64);
    this._runPos = this._runLen = 0;
  }

  private _maybeCompact(): void {
    if (this._dead > (this._heap.length + this._runLen - this._runPos) >> 1) this._compact();
  }

  /** Drops every dead entry of the run and the heap, giving back the arrays' spare room. */
  private _compact(): void {
    const oldHeap = this._heap;
    const heap: DelayedCall[] = [];
    for (let i = 0; i < oldHeap.length; i++) {
      const call = oldHeap[i];
      if (call._loc === LOC_HEAP) {
        call._index = heap.length;
        heap.push(call);
      }
    }
    this._heap = heap;
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) this._siftDown(i);

    const objs = this._runObjs;
    const times = this._runTimes;
    const seqs = this._runSeqs;
    const size = Math.max(64, this._runLen - this._runPos);
    const run: DelayedCall[] = [];
    const runTimes = new Float64Array(size);
    const runSeqs = new Int32Array(size);
    for (let i = this._runPos; i < this._runLen; i++) {
      const call = objs[i];
      if (call._loc === LOC_RUN && call._seq === seqs[i]) {
        runTimes[run.length] = times[i];
        runSeqs[run.length] = seqs[i];
        run.push(call);
      }
    }
    this._runObjs = run;
    this._runTimes = runTimes;
    this._runSeqs = runSeqs;
    this._spare = [];
    this._runPos = 0;
    this._runLen = run.length;
    this._dead = 0;
  }

  /** The earliest active deadline, dropping dead entries met on the way. */
  private _peek(): number {
    for (;;) {
      const pos = this._runPos;
      if (pos >= this._runLen) break;
      if (!this._runSorted) {
        this._sortRun();
        continue;
      }
      const call = this._runObjs[pos];
      if (call._loc === LOC_RUN && call._seq === this._runSeqs[pos]) return this._runTimes[pos];
      this._runObjs[pos] = TOMB;
      this._runPos = pos + 1;
      this._dead--;
    }
    if (this._wheelCount > 0) {
      // Every wheel call comes before every heap call: the answer is in the first bucket.
      const bucket = this._buckets[this._firstSlot()]!;
      let time = Infinity;
      for (let i = 0; i < bucket.length; i++) {
        const t = timeOf(bucket[i]);
        if (t < time) time = t;
      }
      return time;
    }
    const heap = this._heap;
    while (heap.length > 0 && heap[0]._loc === LOC_CANCELLED) {
      this._heapPop();
      this._dead--;
    }
    return heap.length > 0 ? timeOf(heap[0]) : Infinity;
  }

  // --- the far heap (binary, indexed) ---------------------------------------------------------

  private _siftUp(i: number): void {
    const heap = this._heap;
    const call = heap[i];
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex];
      if (!before(call, parent)) break;
      heap[i] = parent;
      parent._index = i;
      i = parentIndex;
    }
    heap[i] = call;
    call._index = i;
  }

  private _siftDown(i: number): void {
    const heap = this._heap;
    const n = heap.length;
    const call = heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let child = heap[c];
      if (c + 1 < n && before(heap[c + 1], child)) child = heap[++c];
      if (!before(child, call)) break;
      heap[i] = child;
      child._index = i;
      i = c;
    }
    heap[i] = call;
    call._index = i;
  }

  private _heapPop(): DelayedCall {
    const heap = this._heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this._siftDown(0);
    }
    return top;
  }

  private _heapRemoveAt(i: number): void {
    const heap = this._heap;
    const last = heap.pop()!;
    if (i < heap.length) {
      heap[i] = last;
      last._index = i;
      this._heapFix(i);
    }
  }

  private _heapFix(i: number): void {
    if (i > 0 && before(this._heap[i], this._heap[(i - 1) >> 1])) this._siftUp(i);
    else this._siftDown(i);
  }
}
