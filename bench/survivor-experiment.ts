/**
 * What a pending call costs before the queue does anything: the measurements behind the
 * "why not 3x" part of reactor/timer-heap.ts's design note.
 *
 *   node --expose-gc -r ts-node/register/transpile-only bench/survivor-experiment.ts [reps]
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
 *                   straight in the old generation) and by a literal with `__proto__` (the only
 *                   way to give a literal a class's methods; V8 sets the prototype at run time).
 * - clock reads:    the monotonic clock `callLater` reads on every call (Node's setTimeout reads
 *                   libuv's cached loop time instead), against the other clocks Node offers.
 *
 * Each figure is the median of `reps` runs (default 5), workloads interleaved; ns per object.
 */
import { performance } from "node:perf_hooks";
import { consume, gc, median } from "./harness";

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
const byKind: [string, Make][] = [
  ["class, new", (i) => new F4(i)],
  ["object literal", (i) => ({ a: fn, b: i, c: i, d: i })],
  ["literal with __proto__", (i) => ({ __proto__: F4proto, a: fn, b: i, c: i, d: i })],
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

function main(): void {
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
  console.log("\nclock reads, ns per read:");
  for (const [name] of clocks) console.log(`  ${name.padEnd(32)} ${fig(`clock ${name}`)}`);
}

main();
