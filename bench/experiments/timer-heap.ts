/**
 * Which timer queue? Measures the candidate designs for reactor/timer-heap.ts side by side
 * with Node's own setTimeout/clearTimeout, in one process:
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/experiments/timer-heap.ts [reps]
 *
 * Designs (all hold the same DelayedCall objects, ordered by (deadline, seq)):
 * - heap-js:     heap-js's binary Heap with a comparator on (time, seq); lazy cancel + compaction.
 * - 4-ary heap:  an own 4-ary heap, each call holding its index; lazy cancel + compaction.
 * - naive wheel: millisecond buckets, each sorted with Array.prototype.sort(comparator) when due.
 * - TimerQueue:  the chosen design (reactor/timer-heap.ts): millisecond wheel + typed-array
 *                distribution sort of a bucket when due + indexed far heap.
 *
 * Workloads (N = 1,000,000, delays uniformly random in 0-50 ms, one seeded PRNG):
 * - fire-all:    schedule N, then pop them all in order, calling each (a clock advancing 1 ms
 *                per pass, no real waiting); µs per timer for the whole.
 *                setTimeout is fired through Node's event loop (real waiting, so its figure
 *                includes ~50 ms of idle time at most: < 0.05 µs per timer).
 * - real loop:   TimerQueue driven by a real clock (performance.now) and one host timer,
 *                as a minimal reactor would; schedule N, run until all have fired.
 * - cancel:      schedule N, then cancel them all in scheduling order; µs per timer for each half.
 * - bytes:       heap bytes per pending call (gc() before and after scheduling N; handles not kept).
 *
 * Each timing is the median of `reps` runs (default 3), designs interleaved.
 */
import { Heap } from "heap-js";
import { DelayedCall, EMPTY_ARGS, LOC_CALLED, LOC_CANCELLED, LOC_HEAP, setTime, timeOf } from "../../reactor/delayed-call";
import type { DelayedCallOwner, DelayedFunction, TimeSource } from "../../reactor/delayed-call";
import { TimerQueue } from "../../reactor/timer-queue";
import { gc } from "../harness";

const N = 1_000_000;
const REPS = Number(process.argv[2] ?? 3);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function before(a: DelayedCall, b: DelayedCall): boolean {
  const ta = timeOf(a);
  const tb = timeOf(b);
  return ta < tb || (ta === tb && ((a._seq - b._seq) | 0) < 0);
}
function compare(a: DelayedCall, b: DelayedCall): number {
  return timeOf(a) - timeOf(b) || ((a._seq - b._seq) | 0);
}

/** The interface every candidate offers the workloads. */
interface Candidate extends DelayedCallOwner {
  schedule(when: number, func: DelayedFunction<unknown[]>, args: unknown[]): DelayedCall;
  popDue(now: number): DelayedCall | null;
}

const fakeClock = { now: 0, seconds(): number { return this.now; } };

// --- heap-js -----------------------------------------------------------------------------------
class HeapJsQueue implements Candidate {
  readonly clock: TimeSource = fakeClock;
  private heap = new Heap<DelayedCall>(compare);
  private seq = 0;
  private cancelled = 0;
  schedule(when: number, func: DelayedFunction<unknown[]>, args: unknown[]): DelayedCall {
    const call = new DelayedCall(this, when, this.seq, func, args.length === 0 ? (EMPTY_ARGS as unknown as unknown[]) : args);
    this.seq = (this.seq + 1) | 0;
    call._loc = LOC_HEAP;
    this.heap.add(call);
    return call;
  }
  popDue(now: number): DelayedCall | null {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || timeOf(top) > now) return null;
      this.heap.pop();
      if (top._loc === LOC_CANCELLED) {
        this.cancelled--;
        continue;
      }
      top._loc = LOC_CALLED;
      return top;
    }
  }
  _cancel(call: DelayedCall): void {
    call._loc = LOC_CANCELLED;
    if (++this.cancelled > 50 && this.cancelled > this.heap.size() >> 1) {
      this.heap.init(this.heap.toArray().filter((c) => c._loc !== LOC_CANCELLED));
      this.cancelled = 0;
    }
  }
  _reschedule(): void {
    throw new Error("not measured");
  }
}

// --- 4-ary indexed heap -----------------------------------------------------------------------
class QuadHeapQueue implements Candidate {
  readonly clock: TimeSource = fakeClock;
  private heap: DelayedCall[] = [];
  private seq = 0;
  private cancelled = 0;
  schedule(when: number, func: DelayedFunction<unknown[]>, args: unknown[]): DelayedCall {
    const call = new DelayedCall(this, when, this.seq, func, args.length === 0 ? (EMPTY_ARGS as unknown as unknown[]) : args);
    this.seq = (this.seq + 1) | 0;
    call._loc = LOC_HEAP;
    this.heap.push(call);
    this.up(this.heap.length - 1);
    return call;
  }
  popDue(now: number): DelayedCall | null {
    const heap = this.heap;
    while (heap.length > 0) {
      const top = heap[0];
      if (timeOf(top) > now) return null;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        this.down(0);
      }
      if (top._loc === LOC_CANCELLED) {
        this.cancelled--;
        continue;
      }
      top._loc = LOC_CALLED;
      return top;
    }
    return null;
  }
  _cancel(call: DelayedCall): void {
    call._loc = LOC_CANCELLED;
    if (++this.cancelled > 50 && this.cancelled > this.heap.length >> 1) {
      const live = this.heap.filter((c) => c._loc !== LOC_CANCELLED);
      for (let i = 0; i < live.length; i++) live[i]._index = i;
      this.heap = live;
      for (let i = (live.length - 2) >> 2; i >= 0; i--) this.down(i);
      this.cancelled = 0;
    }
  }
  _reschedule(call: DelayedCall, when: number): void {
    const older = when > timeOf(call);
    setTime(call, when);
    call._seq = this.seq;
    this.seq = (this.seq + 1) | 0;
    if (older) this.down(call._index);
    else this.up(call._index);
  }
  private up(i: number): void {
    const heap = this.heap;
    const call = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 2;
      const parent = heap[p];
      if (!before(call, parent)) break;
      heap[i] = parent;
      parent._index = i;
      i = p;
    }
    heap[i] = call;
    call._index = i;
  }
  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const call = heap[i];
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let best = first;
      let bestCall = heap[first];
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) {
        if (before(heap[c], bestCall)) {
          best = c;
          bestCall = heap[c];
        }
      }
      if (!before(bestCall, call)) break;
      heap[i] = bestCall;
      bestCall._index = i;
      i = best;
    }
    heap[i] = call;
    call._index = i;
  }
}

// --- naive millisecond wheel (Array.prototype.sort) --------------------------------------------
class NaiveWheelQueue implements Candidate {
  readonly clock: TimeSource = fakeClock;
  private buckets = new Map<number, DelayedCall[]>();
  private ticks: number[] = []; // a small heap would do; 50 distinct ticks here
  private current: DelayedCall[] = [];
  private pos = 0;
  private seq = 0;
  schedule(when: number, func: DelayedFunction<unknown[]>, args: unknown[]): DelayedCall {
    const call = new DelayedCall(this, when, this.seq, func, args.length === 0 ? (EMPTY_ARGS as unknown as unknown[]) : args);
    this.seq = (this.seq + 1) | 0;
    call._loc = 0;
    const tick = Math.floor(when * 1000);
    let bucket = this.buckets.get(tick);
    if (bucket === undefined) {
      this.buckets.set(tick, (bucket = []));
      this.ticks.push(tick);
      this.ticks.sort((a, b) => a - b);
    }
    bucket.push(call);
    return call;
  }
  popDue(now: number): DelayedCall | null {
    for (;;) {
      if (this.pos < this.current.length) {
        const call = this.current[this.pos];
        if (call._loc === LOC_CANCELLED) {
          this.pos++;
          continue;
        }
        if (timeOf(call) > now) return null;
        this.pos++;
        call._loc = LOC_CALLED;
        return call;
      }
      if (this.ticks.length === 0 || this.ticks[0] > Math.floor(now * 1000)) return null;
      const tick = this.ticks.shift()!;
      this.current = this.buckets.get(tick)!.sort(compare);
      this.buckets.delete(tick);
      this.pos = 0;
    }
  }
  _cancel(call: DelayedCall): void {
    call._loc = LOC_CANCELLED; // lazily skipped; never compacted (not measured for cancel)
  }
  _reschedule(): void {
    throw new Error("not measured");
  }
}

type Design = { name: string; make: () => Candidate; cancel: boolean };
const designs: Design[] = [
  { name: "heap-js", make: () => new HeapJsQueue(), cancel: true },
  { name: "4-ary heap", make: () => new QuadHeapQueue(), cancel: true },
  { name: "naive wheel", make: () => new NaiveWheelQueue(), cancel: false },
  { name: "TimerQueue", make: () => new TimerQueue(fakeClock) as unknown as Candidate, cancel: true },
];

let sink = 0;
const tickFn = (): void => {
  sink++;
};

/** Fire-all on the fake clock: [schedule, pop + call] in µs per timer. */
function fireAll(make: () => Candidate, seed: number): [number, number] {
  const r = rng(seed);
  const q = make();
  fakeClock.now = 0;
  gc();
  sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) q.schedule(r() * 0.05, tickFn, EMPTY_ARGS as unknown as unknown[]);
  const tScheduled = performance.now();
  for (let ms = 0; ms <= 51; ms++) {
    const now = ms / 1000;
    for (let call; (call = q.popDue(now)) !== null; ) {
      const args = call.args;
      if (args.length === 0) call.func();
      else call.func(...args);
    }
  }
  const t1 = performance.now();
  if (sink !== N) throw new Error(`fired ${sink} of ${N}`);
  return [((tScheduled - t0) * 1000) / N, ((t1 - tScheduled) * 1000) / N];
}

/** Why a binary heap is slow here: heap-js comparator calls per push and per pop, for N entries. */
function heapJsComparisons(seed: number): [number, number] {
  const r = rng(seed);
  let count = 0;
  const heap = new Heap<number>((a, b) => {
    count++;
    return a - b;
  });
  for (let i = 0; i < N; i++) heap.add(r() * 0.05);
  const pushes = count;
  count = 0;
  while (heap.pop() !== undefined);
  return [pushes / N, count / N];
}

/** The floor every design pays: allocate N DelayedCalls (no queue at all), then call each. */
function allocFloor(seed: number): number {
  const r = rng(seed);
  const owner = new TimerQueue(fakeClock);
  const calls = new Array<DelayedCall>(N);
  gc();
  sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) calls[i] = new DelayedCall(owner, r() * 0.05, i, tickFn, EMPTY_ARGS as unknown as unknown[]);
  for (let i = 0; i < N; i++) {
    const call = calls[i];
    const args = call.args;
    if (args.length === 0) call.func();
    else call.func(...args);
  }
  const t1 = performance.now();
  if (sink !== N) throw new Error("floor");
  return ((t1 - t0) * 1000) / N;
}

function scheduleCancel(make: () => Candidate, seed: number): [number, number] {
  const r = rng(seed);
  const q = make();
  fakeClock.now = 0;
  const calls = new Array<DelayedCall>(N);
  gc();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) calls[i] = q.schedule(r() * 0.05, tickFn, EMPTY_ARGS as unknown as unknown[]);
  const t1 = performance.now();
  for (let i = 0; i < N; i++) calls[i].cancel();
  const t2 = performance.now();
  return [((t1 - t0) * 1000) / N, ((t2 - t1) * 1000) / N];
}

function bytesPerCall(make: () => Candidate, seed: number): number {
  const r = rng(seed);
  fakeClock.now = 0;
  gc();
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const q = make();
  for (let i = 0; i < N; i++) q.schedule(r() * 0.05, tickFn, EMPTY_ARGS as unknown as unknown[]);
  gc();
  gc();
  const h1 = process.memoryUsage().heapUsed;
  if (q.popDue(-1) !== null) throw new Error("unexpected"); // keeps q alive until measured
  return (h1 - h0) / N;
}

function setTimeoutFireAll(seed: number): Promise<[number, number]> {
  const r = rng(seed);
  gc();
  return new Promise((resolve) => {
    let fired = 0;
    let t1 = 0;
    const t0 = performance.now();
    const fn = (): void => {
      if (++fired === N) {
        const t2 = performance.now();
        resolve([((t1 - t0) * 1000) / N, ((t2 - t0) * 1000) / N]);
      }
    };
    for (let i = 0; i < N; i++) setTimeout(fn, r() * 50);
    t1 = performance.now();
  });
}

function setTimeoutCancel(seed: number): [number, number] {
  const r = rng(seed);
  const handles = new Array<NodeJS.Timeout>(N);
  gc();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) handles[i] = setTimeout(tickFn, r() * 50);
  const t1 = performance.now();
  for (let i = 0; i < N; i++) clearTimeout(handles[i]);
  const t2 = performance.now();
  return [((t1 - t0) * 1000) / N, ((t2 - t1) * 1000) / N];
}

function setTimeoutBytes(seed: number): number {
  const r = rng(seed);
  // The handles array is allocated (N slots) before the first reading, so it is not counted.
  const handles = new Array<NodeJS.Timeout | undefined>(N).fill(undefined);
  gc();
  gc();
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) handles[i] = setTimeout(tickFn, 60_000 + r() * 50);
  gc();
  gc();
  const h1 = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) clearTimeout(handles[i]);
  return (h1 - h0) / N;
}

/** A minimal reactor: TimerQueue on the real clock, one host timer, passes as a Reactor runs them. */
function realLoop(seed: number): Promise<number> {
  const r = rng(seed);
  const clock = { seconds: (): number => performance.now() / 1000 };
  const q = new TimerQueue(clock);
  gc();
  return new Promise((resolve) => {
    let fired = 0;
    const fn = (): void => {
      fired++;
    };
    const t0 = performance.now();
    for (let i = 0; i < N; i++) q.schedule(clock.seconds() + r() * 0.05, fn, EMPTY_ARGS as unknown as unknown[]);
    const pass = (): void => {
      const now = clock.seconds();
      const limit = q.sequence;
      for (let call; (call = q.popDue(now, limit)) !== null; ) {
        const args = call.args;
        if (args.length === 0) call.func();
        else call.func(...args);
      }
      if (fired === N) {
        resolve(((performance.now() - t0) * 1000) / N);
        return;
      }
      const wait = (q.earliest() - clock.seconds()) * 1000;
      if (wait >= 1) setTimeout(pass, Math.floor(wait));
      else setImmediate(pass);
    };
    pass();
  });
}

/** #private vs _field on an object shaped like DelayedCall: allocate N, then read two fields N times. */
class PlainFields {
  declare _time: number;
  declare _seq: number;
  declare _loc: number;
  constructor(time: number, seq: number) {
    this._time = time;
    this._seq = seq;
    this._loc = 0;
  }
  key(): number {
    return this._time + this._seq + this._loc;
  }
}
class HashFields {
  #time: number;
  #seq: number;
  #loc: number;
  constructor(time: number, seq: number) {
    this.#time = time;
    this.#seq = seq;
    this.#loc = 0;
  }
  key(): number {
    return this.#time + this.#seq + this.#loc;
  }
}
function fieldBench(kind: "plain" | "#private"): number {
  gc();
  const t0 = performance.now();
  const arr: (PlainFields | HashFields)[] = new Array(N);
  if (kind === "plain") for (let i = 0; i < N; i++) arr[i] = new PlainFields(i * 1e-6, i);
  else for (let i = 0; i < N; i++) arr[i] = new HashFields(i * 1e-6, i);
  let s = 0;
  for (let k = 0; k < 5; k++) for (let i = 0; i < N; i++) s += arr[i].key();
  sink += s > 0 ? 1 : 0;
  return ((performance.now() - t0) * 1000) / N;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
const fmt = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`timer queue experiment: N=${N}, reps=${REPS}, node ${process.version}`);
  const fire = new Map<string, number[]>();
  const fireSplit = new Map<string, number[]>(); // the schedule part of `fire`
  const sched = new Map<string, number[]>();
  const canc = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number): void => {
    m.set(k, [...(m.get(k) ?? []), v]);
  };
  for (let rep = 0; rep < REPS; rep++) {
    const seed = 1000 + rep;
    const [stSched, stFire] = await setTimeoutFireAll(seed);
    push(fire, "setTimeout", stFire);
    push(sched, "setTimeout (fire-all run)", stSched);
    for (const d of designs) {
      const [s, p] = fireAll(d.make, seed);
      push(fire, d.name, s + p);
      push(fireSplit, d.name, s);
    }
    push(fire, "TimerQueue, real loop", await realLoop(seed));
    push(fire, "floor: alloc + call only", allocFloor(seed));
    const [s0, c0] = setTimeoutCancel(seed);
    push(sched, "setTimeout", s0);
    push(canc, "setTimeout", c0);
    for (const d of designs) {
      if (!d.cancel) continue;
      const [s, c] = scheduleCancel(d.make, seed);
      push(sched, d.name, s);
      push(canc, d.name, c);
    }
  }
  const st = median(fire.get("setTimeout")!);
  console.log("\nfire-all, µs per timer (schedule + pop + call), median:");
  for (const [k, v] of fire) {
    const m = median(v);
    const split = fireSplit.get(k);
    const parts = split ? `  (schedule ${fmt(median(split))})` : "";
    console.log(`  ${k.padEnd(24)} ${fmt(m)}   ${(st / m).toFixed(2)}x setTimeout   [${v.map(fmt).join(", ")}]${parts}`);
  }
  const [perPush, perPop] = heapJsComparisons(1);
  console.log(`  (heap-js on ${N} entries: ${perPush.toFixed(1)} comparator calls per push, ${perPop.toFixed(1)} per pop)`);
  console.log("\nschedule then cancel, µs per timer (schedule + cancel), median:");
  for (const [k, v] of canc) {
    const s = median(sched.get(k)!);
    const c = median(v);
    console.log(`  ${k.padEnd(24)} ${fmt(s)} + ${fmt(c)} = ${fmt(s + c)}`);
  }

  console.log("\nheap bytes per pending call:");
  console.log(`  ${"setTimeout".padEnd(24)} ${setTimeoutBytes(7).toFixed(1)}`);
  for (const d of designs) console.log(`  ${d.name.padEnd(24)} ${bytesPerCall(d.make, 7).toFixed(1)}`);

  const plain: number[] = [];
  const hash: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    plain.push(fieldBench("plain"));
    hash.push(fieldBench("#private"));
  }
  console.log(`\n#private vs _field (allocate 1M, read 3 fields x5), µs per object: _field ${fmt(median(plain))}, #private ${fmt(median(hash))}`);
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

void main();
