/**
 * Deferred benchmarks, against the same chains on native Promises and on Twisted
 * (bench/twisted/deferred.py):
 * - a Deferred with three callbacks, fired, one after another;
 * - the same, all made first and then all fired (the shape of the anchor in docs/design/performance-goals.md);
 * - a 10,000-deep chain of returned Deferreds, per link.
 *
 * Target (docs/design/performance-goals.md): the Deferred chain at least 5x faster than the native Promise chain.
 */
import { Deferred } from "../defer";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, consume, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

const BATCH = 10_000;
const DEPTH = 10_000;
/** Twisted runs at most this many chains a round (bench/README.md: caps). */
const PYTHON_MAX_N = 100_000;

const inc = (x: number): number => x + 1;
let sink = 0;
const store = (x: number): void => {
  sink += x;
};

function deferredChains(n: number): void {
  for (let i = 0; i < n; i++) {
    const d = new Deferred<number>();
    d.addCallback(inc);
    d.addCallback(inc);
    d.addCallback(inc);
    d.callback(i);
    sink += d.result as number;
  }
}

/** The same chain on native Promises: resolve, three thens, wait until they have all run (in batches, bounded memory). */
async function promiseChains(n: number): Promise<void> {
  for (let start = 0; start < n; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    for (let i = start; i < end; i++) {
      let resolve!: (v: number) => void;
      const p = new Promise<number>((r) => (resolve = r));
      void p.then(inc).then(inc).then(inc).then(store);
      resolve(i);
    }
    await new Promise((r) => setImmediate(r));
  }
}

/** All at once: n Deferreds made and given their callbacks (all alive together, as n pending operations), then all fired. */
function deferredChainsAllAtOnce(n: number): void {
  const ds: Deferred<number>[] = new Array<Deferred<number>>(n);
  for (let i = 0; i < n; i++) {
    const d = new Deferred<number>();
    d.addCallback(inc);
    d.addCallback(inc);
    d.addCallback(inc);
    ds[i] = d;
  }
  for (let i = 0; i < n; i++) ds[i].callback(i);
  for (let i = 0; i < n; i++) sink += ds[i].result as number;
}

async function promiseChainsAllAtOnce(n: number): Promise<void> {
  const resolvers: Array<(v: number) => void> = new Array<(v: number) => void>(n);
  for (let i = 0; i < n; i++) {
    const p = new Promise<number>((r) => (resolvers[i] = r));
    void p.then(inc).then(inc).then(inc).then(store);
  }
  for (let i = 0; i < n; i++) resolvers[i](i);
  await new Promise((r) => setImmediate(r));
}

/** `chains` chains of DEPTH Deferreds, each returned by the previous one's callback, fired from the end. */
function deepChains(chains: number): void {
  for (let c = 0; c < chains; c++) {
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
}

/** The same shape on Promises: each one's `then` callback returns the next one's chain; all resolved, the last one last. */
async function deepPromiseChains(chains: number): Promise<void> {
  for (let c = 0; c < chains; c++) {
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
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 20_000 : 1_000_000;
  // Several deep chains per round, so the figure is of warm code rather than of the first compile.
  const chains = ctx.quick ? 2 : 20;
  const opts = { rounds: ctx.quick ? 3 : 5, progress: ctx.progress };
  const count = formatCount(n);
  const oneByOne = await compare(
    [
      { name: "Deferred: new + 3 addCallback + callback", ops: n, run: () => deferredChains(n) },
      { name: "Promise: new + 3 then, resolved", ops: n, run: () => promiseChains(n) },
    ],
    { ...opts, label: "3 callbacks, one after another" },
  );
  const together = await compare(
    [
      { name: "Deferred: all made, then all fired", ops: n, run: () => deferredChainsAllAtOnce(n) },
      { name: "Promise: all made, then all resolved", ops: n, run: () => promiseChainsAllAtOnce(n) },
    ],
    { ...opts, label: "3 callbacks, all made then all fired" },
  );
  const deep = await compare(
    [
      { name: `Deferred: ${DEPTH}-deep chain of returned Deferreds`, ops: DEPTH * chains, run: () => deepChains(chains) },
      { name: `Promise: ${DEPTH}-deep chain of returned Promises`, ops: DEPTH * chains, run: () => deepPromiseChains(chains) },
    ],
    { ...opts, label: "deep chains" },
  );
  consume(sink);
  // Python is ~10x slower and its per-chain cost does not depend on n: at most 100,000 there.
  const pyN = Math.min(n, PYTHON_MAX_N);
  const twisted = await ctx.twisted.run("deferred.py", { n: pyN, depth: DEPTH, chains, rounds: opts.rounds });
  const ours = together[0].nsPerOp;
  const anchor = together[1].nsPerOp;
  return {
    name: "Deferred",
    headlines: [
      {
        workload: `Deferred with 3 callbacks, fired (${count} made, then all fired)`,
        kind: "time",
        ours,
        anchor: { name: "Promise + 3 then", value: anchor },
        twisted: twistedHeadline(twisted, "three_callbacks_all", pyN),
        twistedNote: pyN < n ? `(${formatCount(pyN)} made)` : undefined,
        goal: "≥ 5x faster than the Promise chain",
        met: anchor / ours >= 5,
      },
    ],
    sections: [
      {
        title: `Deferred with 3 callbacks, fired, one after another (${count} chains; Promises in batches of ${formatCount(BATCH)})`,
        table: comparisonTable(oneByOne, oneByOne[1].name, [twistedRow(twisted, "Deferred + 3 addCallback + callback", "three_callbacks", pyN)]),
      },
      {
        title: `Deferred with 3 callbacks: ${count} made, then all fired`,
        table: comparisonTable(together, together[1].name, [twistedRow(twisted, "all made, then all fired", "three_callbacks_all", pyN)]),
      },
      {
        title: `Chain of ${formatCount(DEPTH)} returned Deferreds (per link)`,
        table: comparisonTable(deep, deep[1].name, [twistedRow(twisted, `${DEPTH}-deep chain of returned Deferreds`, "deep_chain", DEPTH)]),
      },
    ],
  };
}

/** `npm run bench -- deferred`. */
export const deferred: Benchmark = {
  name: "deferred",
  description: "Deferred chains (3 callbacks; 10,000-deep) vs native Promises and Twisted",
  run,
};
