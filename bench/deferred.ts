/**
 * Deferred benchmarks: a Deferred with three callbacks, fired, against the same chain on native
 * Promises; and a 10,000-deep chain of returned Deferreds.
 *
 * Target (issue 2): the Deferred chain at least 5x faster than the native Promise chain.
 */
import { Deferred } from "../defer";
import { compare, printTable, quick, type Measurement } from "./harness";

const N = quick ? 20_000 : 1_000_000;
const BATCH = 10_000;

const inc = (x: number): number => x + 1;
let sink = 0;

function deferredChains(): void {
  for (let i = 0; i < N; i++) {
    const d = new Deferred<number>();
    d.addCallback(inc);
    d.addCallback(inc);
    d.addCallback(inc);
    d.callback(i);
    sink += d.result as number;
  }
}

/**
 * All at once: N Deferreds are made and given their callbacks, then all fired (so all are alive
 * together, as N pending operations would be). The anchor figure of PERFORMANCE.md (Promise
 * 3-then about 1.3 µs) matches this shape.
 */
function deferredChainsAllAtOnce(): void {
  const ds: Deferred<number>[] = new Array<Deferred<number>>(N);
  for (let i = 0; i < N; i++) {
    const d = new Deferred<number>();
    d.addCallback(inc);
    d.addCallback(inc);
    d.addCallback(inc);
    ds[i] = d;
  }
  for (let i = 0; i < N; i++) ds[i].callback(i);
  for (let i = 0; i < N; i++) sink += ds[i].result as number;
}

async function promiseChainsAllAtOnce(): Promise<void> {
  const resolvers: Array<(v: number) => void> = new Array<(v: number) => void>(N);
  const store = (x: number): void => {
    sink += x;
  };
  for (let i = 0; i < N; i++) {
    const p = new Promise<number>((r) => (resolvers[i] = r));
    p.then(inc).then(inc).then(inc).then(store);
  }
  for (let i = 0; i < N; i++) resolvers[i](i);
  await new Promise((r) => setImmediate(r));
}

/** The same chain on native Promises: resolve, three thens, wait until they have all run. */
async function promiseChains(): Promise<void> {
  const store = (x: number): void => {
    sink += x;
  };
  for (let start = 0; start < N; start += BATCH) {
    const end = Math.min(N, start + BATCH);
    for (let i = start; i < end; i++) {
      let resolve!: (v: number) => void;
      const p = new Promise<number>((r) => (resolve = r));
      p.then(inc).then(inc).then(inc).then(store);
      resolve(i);
    }
    // Let this batch's microtasks drain before starting the next (bounded memory).
    await new Promise((r) => setImmediate(r));
  }
}

const DEPTH = 10_000;
// Several chains per round, so the figure is of warm code rather than of the first compile.
const CHAINS = quick ? 2 : 20;

/** CHAINS chains of DEPTH Deferreds, each returned by the previous one's callback, fired from the end. */
function deepChains(): void {
  for (let c = 0; c < CHAINS; c++) deepChain();
}

function deepChain(): void {
  const top = new Deferred<number>();
  const inners: Deferred<number>[] = [];
  for (let i = 0; i < DEPTH; i++) inners.push(new Deferred<number>());
  top.addCallback(() => inners[0]);
  for (let i = 0; i < DEPTH - 1; i++) {
    const next = inners[i + 1];
    inners[i].addCallback(() => next);
  }
  const last = new Deferred<number>();
  inners[DEPTH - 1].addCallback(() => last);
  top.callback(0);
  for (const d of inners) d.callback(0);
  last.callback(1);
  sink += top.result as number;
}

async function deepPromiseChains(): Promise<void> {
  for (let c = 0; c < CHAINS; c++) await deepPromises();
}

/**
 * The same shape on Promises: DEPTH + 2 pending Promises; each one's `then` callback returns the
 * next one's chain, and all are resolved, the last one last.
 */
async function deepPromises(): Promise<void> {
  const resolvers: Array<(v: number) => void> = [];
  const make = (): Promise<number> => new Promise<number>((r) => resolvers.push(r));
  const top = make();
  const inners: Promise<number>[] = [];
  for (let i = 0; i < DEPTH; i++) inners.push(make());
  const last = make();
  let next: Promise<number> = inners[DEPTH - 1].then(() => last);
  for (let i = DEPTH - 2; i >= 0; i--) {
    const after = next;
    next = inners[i].then(() => after);
  }
  const first = next;
  const result = top.then(() => first);
  for (let i = 0; i < resolvers.length - 1; i++) resolvers[i](0);
  resolvers[resolvers.length - 1](1);
  sink += await result;
}

export async function run(): Promise<Measurement[]> {
  const chains = await compare([
    { name: "Deferred: new + 3 addCallback + callback", ops: N, run: deferredChains },
    { name: "Promise: new + 3 then, resolved", ops: N, run: promiseChains },
  ]);
  printTable(
    `Deferred with 3 callbacks, fired, one after another (${N.toLocaleString("en-US")} chains; Promises in batches of ${BATCH.toLocaleString("en-US")})`,
    chains,
    "Promise: new + 3 then, resolved",
  );
  const together = await compare([
    { name: "Deferred: all made, then all fired", ops: N, run: deferredChainsAllAtOnce },
    { name: "Promise: all made, then all resolved", ops: N, run: promiseChainsAllAtOnce },
  ]);
  printTable(
    `Deferred with 3 callbacks: ${N.toLocaleString("en-US")} made, then all fired`,
    together,
    "Promise: all made, then all resolved",
  );
  const deep = await compare([
    { name: `Deferred: ${DEPTH}-deep chain of returned Deferreds`, ops: DEPTH * CHAINS, run: deepChains },
    { name: `Promise: ${DEPTH}-deep chain of returned Promises`, ops: DEPTH * CHAINS, run: deepPromiseChains },
  ]);
  printTable(`Chain of ${DEPTH.toLocaleString("en-US")} returned Deferreds (per link)`, deep, `Promise: ${DEPTH}-deep chain of returned Promises`);
  if (sink === -1) console.log(sink); // keep the work observable
  return [...chains, ...together, ...deep];
}

if (require.main === module) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
