/**
 * What a pending call costs before the queue does anything: the measurements behind the
 * "why not 3x" part of reactor/timer-heap.ts's design note.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/experiments/survivor.ts [reps]
 *
 * A fired timer of `callLater` is an object that must outlive its delay, so V8's young-generation
 * collector copies it twice (to the survivor space, then to the old generation) whenever a
 * million of them are scheduled at once. These workloads isolate that cost (N = 1,000,000):
 * - held, by size:  allocate N objects of k fields into one preallocated array (so each survives
 *                   the scavenges that happen meanwhile), then drop them all; the same objects
 *                   dropped at once ("dies young") for comparison. k = 8 has DelayedCall's shape
 *                   (three pointers to old objects, five small integers).
 * - held, by kind:  4-field objects made by `new` of a class, by a plain object literal (V8 tracks
 *                   an allocation site for literals and may pretenure them, i.e. allocate them
 *                   straight in the old generation), by a literal with `__proto__` (V8 sets the
 *                   prototype at run time) and by a literal compiled in a private realm whose
 *                   Object.prototype is given the class's prototype members (the way to give
 *                   pretenurable objects a class's methods; tried for DelayedCall and dropped,
 *                   see the design note of reactor/timer-heap.ts).
 * - visit order:    1M held 4-field objects, lined up (untimed) in the order they were made or
 *                   in a random one, then each read and written once: the cost of reaching
 *                   objects spread over the heap, as a queue does when it runs its calls.
 * - floor:          a floor for a timer queue that keeps one object per call and runs the calls
 *                   in deadline order: per call one clock read and one handle (4 fields, or
 *                   DelayedCall's 8) kept in an array; on the next turn the handles, sorted and
 *                   lined up by their real deadlines (untimed: no sorting is counted), are each
 *                   marked and their function called. Against setTimeout firing the same delays,
 *                   side by side; wall ns per call.
 * - clock reads:    the monotonic clock `callLater` reads on every call (Node's setTimeout reads
 *                   libuv's cached loop time instead), against the other clocks Node offers.
 *
 * Each figure is the median of `reps` runs (default 5), workloads interleaved; ns per object or
 * per call.
 */
import { performance } from "node:perf_hooks";
import * as vm from "node:vm";
import { consume, gc, median } from "../harness";

const N = 1_000_000;
const REPS = Number(process.argv[2] ?? 5);

const fn = (): number => 0;
const noArgs: readonly unknown[] = Object.freeze([]);
const owner = { name: "owner" };

// One class per size; the fields hold what DelayedCall's do (pointers to old objects, small ints).
class F1 {
  a: number;
  constructor(i: number) {
    this.a = i;
  }
}
class F3 {
  a: () => number;
  b: number;
  c: number;
  constructor(i: number) {
    this.a = fn;
    this.b = i;
    this.c = i;
  }
}
class F4 {
  a: () => number;
  b: number;
  c: number;
  d: number;
  constructor(i: number) {
    this.a = fn;
    this.b = i;
    this.c = i;
    this.d = i;
  }
}
class F6 {
  a: () => number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: object;
  constructor(i: number) {
    this.a = fn;
    this.b = i;
    this.c = i;
    this.d = i;
    this.e = i;
    this.f = owner;
  }
}
class F8 {
  a: () => number;
  b: readonly unknown[];
  c: number;
  d: number;
  e: number;
  f: number;
  g: number;
  h: object;
  constructor(i: number) {
    this.a = fn;
    this.b = noArgs;
    this.c = i;
    this.d = i;
    this.e = i;
    this.f = i;
    this.g = i;
    this.h = owner;
  }
}

type Make = (i: number) => object;
const bySize: [string, number, Make][] = [
  ["1 field", 1, (i) => new F1(i)],
  ["3 fields", 3, (i) => new F3(i)],
  ["4 fields", 4, (i) => new F4(i)],
  ["6 fields", 6, (i) => new F6(i)],
  ["8 fields (DelayedCall's shape)", 8, (i) => new F8(i)],
];
const F4proto = F4.prototype;
/** A 4-field literal compiled in a realm of its own, whose Object.prototype is given F4's members. */
function realmLiteral(): Make {
  const context = vm.createContext({});
  const proto = vm.runInContext("Object.prototype", context) as object;
  for (const key of Reflect.ownKeys(F4proto)) Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(F4proto, key)!);
  return vm.runInContext("(function (fn) { return function (i) { return { a: fn, b: i, c: i, d: i }; }; })", context)(fn) as Make;
}
const byKind: [string, Make][] = [
  ["class, new", (i) => new F4(i)],
  ["object literal", (i) => ({ a: fn, b: i, c: i, d: i })],
  ["literal with __proto__", (i) => ({ __proto__: F4proto, a: fn, b: i, c: i, d: i })],
  ["literal of a private realm", realmLiteral()],
];

const held: object[] = new Array<object>(N).fill(owner);

/** ns per object: make N, keep each in `held` until all are made, then drop them. */
function heldCost(make: Make): number {
  gc();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) held[i] = make(i);
  for (let i = 0; i < N; i++) held[i] = owner;
  return ((performance.now() - t0) * 1e6) / N;
}

/** ns per object: make N, each dropped at once. */
function droppedCost(make: Make): number {
  gc();
  let last: object = owner;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) last = make(i);
  const t = ((performance.now() - t0) * 1e6) / N;
  consume(last);
  return t;
}

/** The indices 0..N-1, ordered by `keys` (ascending) when given. */
function indexOrder(keys?: Float64Array): Int32Array {
  const order = Int32Array.from({ length: N }, (_, i) => i);
  return keys === undefined ? order : order.sort((a, b) => keys[a] - keys[b]);
}
/** A visit order: the order objects were made, or a random one. */
const madeOrder = indexOrder();
const randomOrder = indexOrder(Float64Array.from({ length: N }, () => Math.random()));
const ordered: object[] = new Array<object>(N).fill(owner);

/**
 * ns per object: make N 4-field objects in `held`, line them up in `ordered` in `order` (not
 * timed), then read and write each once going through `ordered`: the objects' cache misses only.
 */
function visitCost(order: Int32Array): number {
  gc();
  for (let i = 0; i < N; i++) held[i] = new F4(i);
  for (let i = 0; i < N; i++) ordered[i] = held[order[i]];
  for (let i = 0; i < N; i++) held[i] = owner;
  const t0 = performance.now();
  let s = 0;
  for (let i = 0; i < N; i++) {
    const o = ordered[i] as F4;
    s += o.b;
    o.c = -1;
  }
  const t = ((performance.now() - t0) * 1e6) / N;
  for (let i = 0; i < N; i++) ordered[i] = owner;
  consume(s);
  return t;
}

/**
 * The floor's handles: F4 and F8 above. Their first field is the function a fired call runs and
 * their third a small integer it marks; the rest stand for the deadline and what else a call keeps.
 */
type Handle = F4 | F8;
const floorHandles: [string, Make][] = [
  ["4 fields (56 B)", (i) => new F4(i)],
  ["8 fields (88 B, DelayedCall's shape)", (i) => new F8(i)],
];

const delays = Float64Array.from({ length: N }, () => Math.random() * 0.05);
const deadlines = new Float64Array(N);

/**
 * Wall ns per call of the floor (see the header). Scheduling takes longer than the largest delay,
 * so every call is due by the next turn and the run need not wait or compare with the clock.
 * Sorting by the real deadlines (clock read + delay) and lining the handles up in that order
 * happen between the two timed parts.
 */
function floorCost(make: Make): Promise<number> {
  gc();
  const t0 = performance.now();
  return new Promise((resolve) => {
    for (let i = 0; i < N; i++) {
      deadlines[i] = performance.now() / 1000 + delays[i];
      held[i] = make(i);
    }
    const scheduled = performance.now() - t0;
    setImmediate(() => {
      const order = indexOrder(deadlines);
      for (let i = 0; i < N; i++) ordered[i] = held[order[i]];
      for (let i = 0; i < N; i++) held[i] = owner;
      const t1 = performance.now();
      for (let i = 0; i < N; i++) {
        const h = ordered[i] as Handle;
        ordered[i] = owner;
        h.c = -3;
        h.a();
      }
      resolve(((scheduled + performance.now() - t1) * 1e6) / N);
    });
  });
}

/** Wall ns per call of setTimeout firing the same delays. */
function setTimeoutCost(): Promise<number> {
  gc();
  const t0 = performance.now();
  return new Promise((resolve) => {
    let fired = 0;
    const tick = (): void => {
      if (++fired === N) resolve(((performance.now() - t0) * 1e6) / N);
    };
    for (let i = 0; i < N; i++) setTimeout(tick, delays[i] * 1000);
  });
}

const clocks: [string, () => number][] = [
  ["performance.now()", () => performance.now()],
  ["Date.now()", () => Date.now()],
  ["process.hrtime()", () => {
    const t = process.hrtime();
    return t[0] * 1e3 + t[1] / 1e6;
  }],
  ["process.hrtime.bigint()", () => Number(process.hrtime.bigint())],
];

function clockCost(read: () => number): number {
  let s = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) s += read();
  const t = ((performance.now() - t0) * 1e6) / N;
  consume(s);
  return t;
}

async function main(): Promise<void> {
  console.log(`survivor experiment: N=${N}, reps=${REPS}, node ${process.version}`);
  const results = new Map<string, number[]>();
  const push = (k: string, v: number): void => {
    results.set(k, [...(results.get(k) ?? []), v]);
  };
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name, , make] of bySize) {
      push(`held ${name}`, heldCost(make));
      push(`dropped ${name}`, droppedCost(make));
    }
    for (const [name, make] of byKind) {
      push(`kind ${name}`, heldCost(make));
      push(`kind-dropped ${name}`, droppedCost(make));
    }
    push("visit made", visitCost(madeOrder));
    push("visit random", visitCost(randomOrder));
    for (const [name, make] of floorHandles) push(`floor ${name}`, await floorCost(make));
    push("floor setTimeout", await setTimeoutCost());
    for (const [name, read] of clocks) push(`clock ${name}`, clockCost(read));
  }
  const fig = (k: string): string => median(results.get(k)!).toFixed(1).padStart(7);

  console.log("\nheld until all are made (survives scavenges) vs dies young, ns per object:");
  for (const [name, fields] of bySize) {
    const bytes = 24 + 8 * fields;
    console.log(`  ${name.padEnd(32)} ${String(bytes).padStart(3)} B   held ${fig(`held ${name}`)}   dies young ${fig(`dropped ${name}`)}`);
  }
  console.log("\n4-field objects by how they are made, ns per object:");
  for (const [name] of byKind) {
    console.log(`  ${name.padEnd(32)} held ${fig(`kind ${name}`)}   dies young ${fig(`kind-dropped ${name}`)}`);
  }
  console.log("\n1M held 4-field objects, lined up in an order, each read and written once, ns per object:");
  console.log(`  ${"in the order they were made".padEnd(38)} ${fig("visit made")}`);
  console.log(`  ${"in a random order".padEnd(38)} ${fig("visit random")}`);
  console.log("\nthe floor: clock read + handle kept, run in deadline order (sorting not counted); wall ns per call:");
  const anchor = results.get("floor setTimeout")!;
  for (const [name] of floorHandles) {
    const floor = results.get(`floor ${name}`)!;
    const ratios = floor.map((f, i) => anchor[i] / f);
    const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x`;
    console.log(`  ${name.padEnd(38)} ${fig(`floor ${name}`)}   setTimeout is ${range} slower, per repetition`);
  }
  console.log(`  ${"setTimeout, the same delays".padEnd(38)} ${fig("floor setTimeout")}`);
  console.log("\nclock reads, ns per read:");
  for (const [name] of clocks) console.log(`  ${name.padEnd(32)} ${fig(`clock ${name}`)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
