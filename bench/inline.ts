/**
 * inlineCallbacks against async/await: the same sequential loop, one written as a generator
 * driven by inlineCallbacks (`s += yield d`), the other as an async function (`s += await p`),
 * each waiting on its own kind of value, made the same way on both sides:
 * - already fired: N yields of `succeed(i)` against N awaits of `Promise.resolve(i)`;
 * - fired later by a microtask: chains of 1,000 steps, each waiting on a new Deferred / Promise
 *   that a `queueMicrotask` callback fires (the same closure on both sides);
 * - fired later by the reactor: the same, fired by `reactor.callLater(0, …)` on a running Reactor
 *   (one reactor pass per step), which Twisted's inlineCallbacks does too
 *   (bench/twisted/inline.py; Twisted has no microtasks and no async/await anchor).
 * The chains run one after another; each side waits for a chain's end through one Promise.
 */
import { Deferred, inlineCallbacks, succeed } from "../defer";
import { Reactor } from "../reactor";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, consume, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

const STEPS = 1000;
let sink = 0;

const icAlready = inlineCallbacks(function* (n: number) {
  let s = 0;
  for (let i = 0; i < n; i++) s += (yield succeed(i)) as number;
  return s;
});

async function awaitAlready(n: number): Promise<number> {
  let s = 0;
  for (let i = 0; i < n; i++) s += await Promise.resolve(i);
  return s;
}

const icMicrotask = inlineCallbacks(function* () {
  let s = 0;
  for (let i = 0; i < STEPS; i++) {
    const d = new Deferred<number>();
    queueMicrotask(() => d.callback(i));
    s += (yield d) as number;
  }
  return s;
});

async function awaitMicrotask(): Promise<number> {
  let s = 0;
  for (let i = 0; i < STEPS; i++) s += await new Promise<number>((resolve) => queueMicrotask(() => resolve(i)));
  return s;
}

const icReactor = inlineCallbacks(function* (r: Reactor) {
  let s = 0;
  for (let i = 0; i < STEPS; i++) {
    const d = new Deferred<number>();
    r.callLater(0, () => d.callback(i));
    s += (yield d) as number;
  }
  return s;
});

async function awaitReactor(r: Reactor): Promise<number> {
  let s = 0;
  for (let i = 0; i < STEPS; i++) s += await new Promise<number>((resolve) => r.callLater(0, () => resolve(i)));
  return s;
}

/** A Deferred's result as a Promise (one per chain, on the inlineCallbacks side). */
function settled<T>(d: Deferred<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    d.addCallbacks(resolve, (f) => reject(f.value));
  });
}

/** Runs `chains` chains one after another. */
async function chainsOf(chains: number, chain: () => Promise<number>): Promise<void> {
  for (let c = 0; c < chains; c++) sink += await chain();
}

/** Runs `chains` chains one after another on a fresh running Reactor; rejects if one does. */
async function onReactor(chains: number, chain: (r: Reactor) => Promise<number>): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  let error: { e: unknown } | undefined;
  r.callWhenRunning(() => {
    chainsOf(chains, () => chain(r))
      .catch((e: unknown) => (error = { e }))
      .finally(() => r.stop());
  });
  await r.run();
  if (error !== undefined) throw error.e;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 20_000 : 1_000_000;
  const microChains = ctx.quick ? 5 : 200;
  const reactorChains = ctx.quick ? 2 : 20;
  const opts = { rounds: ctx.quick ? 3 : 5, progress: ctx.progress };
  const already = await compare(
    [
      { name: "inlineCallbacks: yield succeed(i)", ops: n, run: () => void (sink += icAlready(n).result as number) },
      { name: "async/await: await Promise.resolve(i)", ops: n, run: async () => void (sink += await awaitAlready(n)) },
    ],
    { ...opts, label: "already-fired values" },
  );
  const micro = await compare(
    [
      { name: "inlineCallbacks: yield d, fired by a microtask", ops: STEPS * microChains, run: () => chainsOf(microChains, () => settled(icMicrotask())) },
      { name: "async/await: await p, resolved by a microtask", ops: STEPS * microChains, run: () => chainsOf(microChains, awaitMicrotask) },
    ],
    { ...opts, label: "values fired later by a microtask" },
  );
  const reactor = await compare(
    [
      { name: "inlineCallbacks: yield d, fired by callLater(0)", ops: STEPS * reactorChains, run: () => onReactor(reactorChains, (r) => settled(icReactor(r))) },
      { name: "async/await: await p, resolved by callLater(0)", ops: STEPS * reactorChains, run: () => onReactor(reactorChains, awaitReactor) },
    ],
    { ...opts, label: "values fired later by the reactor" },
  );
  consume(sink);
  const pyN = Math.min(n, 100_000);
  const twisted = await ctx.twisted.run("inline.py", { n: pyN, steps: STEPS, chains: reactorChains, rounds: opts.rounds });
  return {
    name: "inlineCallbacks against async/await",
    headlines: [
      {
        workload: "inlineCallbacks, yield of an already-fired value (per yield)",
        kind: "time",
        ours: already[0].nsPerOp,
        anchor: { name: "async/await", value: already[1].nsPerOp },
        twisted: twistedHeadline(twisted, "ic_already", pyN),
        twistedNote: pyN < n ? `(N = ${formatCount(pyN)})` : undefined,
      },
      {
        workload: "inlineCallbacks, yield of a value fired by reactor.callLater(0) (per step)",
        kind: "time",
        ours: reactor[0].nsPerOp,
        anchor: { name: "async/await", value: reactor[1].nsPerOp },
        twisted: twistedHeadline(twisted, "ic_reactor", STEPS * reactorChains),
      },
    ],
    sections: [
      {
        title: `${formatCount(n)} yields / awaits of already-fired values, in one loop`,
        table: comparisonTable(already, already[1].name, [twistedRow(twisted, "inlineCallbacks, yield succeed(i)", "ic_already", pyN)]),
      },
      {
        title: `${microChains} chains of ${formatCount(STEPS)} steps, each waiting on a value fired by a microtask`,
        table: comparisonTable(micro, micro[1].name),
      },
      {
        title: `${reactorChains} chains of ${formatCount(STEPS)} steps, each waiting on a value fired by reactor.callLater(0)`,
        table: comparisonTable(reactor, reactor[1].name, [
          twistedRow(twisted, "inlineCallbacks, yield d fired by reactor.callLater(0, d.callback, i)", "ic_reactor", STEPS * reactorChains),
        ]),
      },
    ],
  };
}

/** `npm run bench -- inline`. */
export const inline: Benchmark = {
  name: "inline",
  description: "inlineCallbacks vs async/await, on already-fired values and values fired later",
  run,
};
