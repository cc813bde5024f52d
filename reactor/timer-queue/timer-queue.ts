/**
 * The timer queue shared by the Reactor and the test Clock: one implementation of
 * "which delayed call runs next", so that equal deadlines run in the same order on both.
 * Why this design, with its measurements and what was tried and dropped:
 * docs/design/timer-queue.md.
 *
 * ## Structure
 *
 * Calls are ordered by (deadline, sequence number); the sequence number is taken from a
 * counter on every schedule, `reset()` and `delay()`, so equal deadlines run first come,
 * first served. The counter is an int32 compared modulo 2**32, so it never overflows into a
 * slower representation; FIFO holds between calls scheduled less than 2**31 schedulings apart.
 * Three containers, by how far away the call is from the wheel's cursor `_baseTick` (a
 * millisecond, `tick = floor(deadline * 1000)`):
 * - the **run**: calls of ticks `<= _baseTick` (due now or nearly), an array sorted by
 *   (deadline, seq) and consumed from the front. A millisecond is sorted only when it is
 *   reached, by the keyed distribution sort (keyed-sort.ts) on typed-array copies of the keys;
 * - the **wheel** (wheel.ts): one unsorted bucket per millisecond of the next ~4 s, O(1) insert
 *   and remove;
 * - the **far heap** (far-heap.ts): an indexed binary heap of the calls further away; they move
 *   to the wheel as it turns.
 *
 * Cancelling is O(1): a call in the wheel is removed at once; one in the run or the heap is
 * only marked and skipped later, and those dead entries are compacted away when they are more
 * than 50 and more than half of the run and heap together (as Twisted), so after a million
 * calls scheduled and cancelled only the live calls are held. `reset()`/`delay()` of a pending
 * call move it to where its new deadline belongs. A deadline of `Infinity` stays in the heap
 * and never falls due. The cursor follows the time given to `popDue`, and catches up with
 * `clock.seconds()` when a call would otherwise go to the far heap only because nothing was
 * popped for a while (so an idle queue still files near calls in the wheel).
 *
 * ## The owner's side (Reactor, Clock)
 *
 * The owner schedules with `schedule(now + delay, f, args)` after validating; a Reactor pass
 * reads `limit = sequence` and runs `popDue(now, limit)` until `null` (calls scheduled during
 * the pass wait for the next one), then arms its single host timer for `earliest()`; a Clock's
 * `advance()` runs `popDue(now)` until `null`, including calls made meanwhile.
 * `onEarlierDeadline(deadline)` is called exactly when a host timer armed for `earliest()` must
 * be re-armed sooner (cancelling never calls it: waking up for nothing once is cheaper than
 * tracking it). `popDue` takes the call out and marks it called before returning it, so the
 * owner only runs it. The queue calls out only to `onEarlierDeadline`, at the end of
 * `schedule`/`reset`/`delay`, and is never in an inconsistent state while the owner runs a call.
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
} from "../delayed-call";
import { heapFix, heapPop, heapPush, heapRemoveAt, siftDown } from "./far-heap";
import { ensureScratch, scratch, shrinkScratch, sortKeys } from "./keyed-sort";
import { compareCalls } from "./order";
import {
  MAX_TICK,
  WHEEL_MASK,
  WHEEL_SIZE,
  clearSlot,
  firstSlot,
  newBitmap,
  newBuckets,
  tickOf,
  tickOfSlot,
  wheelAdd,
  wheelRemove,
} from "./wheel";

/** Dead entries tolerated before compaction is considered (Twisted: 50). */
const COMPACT_MIN = 50;


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
  // "#private vs _field" figures of docs/design/timer-queue.md.
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
  private readonly _buckets = newBuckets();
  private readonly _bitmap = newBitmap();
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
    this._insert(call, when);
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
    heapPop(this._heap);
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
      wheelRemove(this._buckets, this._bitmap, call, loc);
      this._wheelCount--;
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
        heapFix(this._heap, index);
        if (when < this._threshold) this._earlier(when);
        return;
      }
      heapRemoveAt(this._heap, index);
    } else if (loc >= 0) {
      wheelRemove(this._buckets, this._bitmap, call, loc);
      this._wheelCount--;
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
      wheelAdd(this._buckets, this._bitmap, tick & WHEEL_MASK, call);
      this._wheelCount++;
    } else if (this._catchUpOnInsert()) {
      this._insert(call, time);
    } else {
      call._loc = LOC_HEAP;
      heapPush(this._heap, call);
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
      if (tickOfSlot(firstSlot(this._bitmap, this._baseTick), this._baseTick) <= nowTick) return false;
    }
    this._baseTick = nowTick;
    this._runPos = this._runLen = 0;
    this._cascade();
    return true;
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


  /**
   * Refills the empty run with the calls of the earliest tick `<= nowTick`, turning the wheel;
   * false when nothing is due by then (the cursor is still moved up to `nowTick`).
   */
  private _fill(nowTick: number): boolean {
    if (this._wheelCount > 0) {
      const slot = firstSlot(this._bitmap, this._baseTick);
      const tick = tickOfSlot(slot, this._baseTick);
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
      heapPop(this._heap);
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
        heapPop(this._heap);
        this._dead--;
        continue;
      }
      const time = timeOf(top);
      if (!(tickOf(time) < end)) break;
      heapPop(this._heap);
      this._insert(top, time);
    }
  }

  /** Makes the (empty) run the sorted calls of wheel slot `slot`. */
  private _loadBucket(slot: number): void {
    const bucket = this._buckets[slot]!;
    const n = bucket.length;
    ensureScratch(n);
    const W = scratch.keyW;
    const S = scratch.keyS;
    for (let i = 0, w = 0; i < n; i++, w += 2) {
      const call = bucket[i];
      W[w + LO_WORD] = call._lo;
      W[w + HI_WORD] = call._hi;
      S[i] = call._seq;
      call._loc = LOC_RUN;
    }
    this._wheelCount -= n;
    clearSlot(this._bitmap, slot);
    if (this._runSeqs.length < n) this._growRun(Math.max(n, this._runSeqs.length * 2));
    const objs = this._runObjs;
    while (objs.length < n) objs.push(TOMB);
    if (sortKeys(n)) {
      for (let i = 0; i < n; i++) objs[i] = bucket[i];
      this._runTimes.set(scratch.keyT.subarray(0, n));
      this._runSeqs.set(S.subarray(0, n));
    } else {
      const P = scratch.outP;
      for (let i = 0; i < n; i++) objs[i] = bucket[P[i]];
      this._runTimes.set(scratch.outT.subarray(0, n));
      this._runSeqs.set(scratch.outS.subarray(0, n));
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
    const T = scratch.keyT;
    const S = scratch.keyS;
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
      const P = scratch.outP;
      for (let i = 0; i < m; i++) spare[i] = objs[P[i]];
      for (let i = 0; i < m; i++) objs[i] = TOMB;
      this._spare = objs;
      this._runObjs = spare;
      times.set(scratch.outT.subarray(0, m));
      seqs.set(scratch.outS.subarray(0, m));
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
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);

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
      const bucket = this._buckets[firstSlot(this._bitmap, this._baseTick)]!;
      let time = Infinity;
      for (let i = 0; i < bucket.length; i++) {
        const t = timeOf(bucket[i]);
        if (t < time) time = t;
      }
      return time;
    }
    const heap = this._heap;
    while (heap.length > 0 && heap[0]._loc === LOC_CANCELLED) {
      heapPop(this._heap);
      this._dead--;
    }
    return heap.length > 0 ? timeOf(heap[0]) : Infinity;
  }
}
