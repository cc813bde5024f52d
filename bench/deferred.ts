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

/** A chain of DEPTH Deferreds, each returned by the previous one's callback, fired from the end. */
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

/** The same shape on Promises: DEPTH pending Promises, each resolved with the next one. */
async function deepPromises(): Promise<void> {
  const resolvers: Array<(v: number | Promise<number>) => void> = [];
  const promises: Promise<number>[] = [];
  for (let i = 0; i < DEPTH; i++) promises.push(new Promise<number>((r) => resolvers.push(r)));
  for (let i = 0; i < DEPTH - 1; i++) resolvers[i](promises[i + 1]);
  resolvers[DEPTH - 1](1);
  sink += await promises[0];
}

export async function run(): Promise<Measurement[]> {
  const chains = await compare([
    { name: "Deferred: new + 3 addCallback + callback", ops: N, run: deferredChains },
    { name: "Promise: new + 3 then, resolved", ops: N, run: promiseChains },
  ]);
  printTable(`Deferred with 3 callbacks, fired (${N.toLocaleString("en-US")} chains)`, chains, "Promise: new + 3 then, resolved");
  const deep = await compare([
    { name: `Deferred: ${DEPTH}-deep chain of returned Deferreds`, ops: DEPTH, run: deepChain },
    { name: `Promise: ${DEPTH} Promises resolved with the next`, ops: DEPTH, run: deepPromises },
  ]);
  printTable(`Chain of ${DEPTH.toLocaleString("en-US")} returned Deferreds (per link)`, deep, `Promise: ${DEPTH} Promises resolved with the next`);
  if (sink === -1) console.log(sink); // keep the work observable
  return [...chains, ...deep];
}

if (require.main === module) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
