/**
 * Cooperator: the cost of one coiterate step (one `next()` of a generator, run by the tick loop
 * with the default ~10 ms termination predicate), against a plain loop over the same generator,
 * `for await` over an async generator, and Twisted's coiterate (bench/twisted/cooperator.py).
 *
 * Target (docs/design/performance-goals.md): at most 50 ns per coiterate step (Twisted 22.4: about 290 ns).
 */
import type { IDelayedCall } from "../reactor";
import { Reactor } from "../reactor";
import { Cooperator } from "../task/cooperator";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, consume, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

let sink = 0;

function* counter(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

// eslint-disable-next-line @typescript-eslint/require-await -- what is measured is async iteration itself
async function* asyncCounter(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** A scheduler that only queues the tick; `drain` runs the queue, as a trivial event loop would. */
function queueScheduler(): { schedule: (x: () => void) => IDelayedCall; drain: () => void } {
  const queue: Array<() => void> = [];
  const handle = {
    getTime: () => 0,
    cancel: () => undefined,
    delay: () => undefined,
    reset: () => undefined,
    active: () => true,
    called: false,
    cancelled: false,
  };
  return {
    schedule: (x) => {
      queue.push(x);
      return handle;
    },
    drain: () => {
      while (queue.length > 0) (queue.shift() as () => void)();
    },
  };
}

/** n coiterate steps on a Cooperator driven by the queue scheduler. */
function coiterateQueued(n: number): void {
  const { schedule, drain } = queueScheduler();
  const coop = new Cooperator({ scheduler: schedule });
  let done = false;
  coop.coiterate(counter(n)).addCallback(() => {
    done = true;
  });
  drain();
  if (!done) throw new Error("coiterate did not finish");
  sink++;
}

/** Steps of `it` coiterated on a Cooperator driven by a real Reactor (ticks between the reactor's passes). */
async function coiterateOnReactor(it: Iterator<number> | AsyncIterator<number>): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  const coop = new Cooperator({ scheduler: (x) => r.callLater(1e-8, x) });
  r.callWhenRunning(() => {
    coop.coiterate(it).addCallback(() => r.stop());
  });
  await r.run();
  sink++;
}

/** The reference: the same generator, stepped by a plain loop. */
function plainLoop(n: number): void {
  const it = counter(n);
  let s = 0;
  for (let r = it.next(); !r.done; r = it.next()) s += r.value;
  sink += s;
}

/** The asynchronous reference: `for await` over an async generator. */
async function forAwait(n: number): Promise<void> {
  let s = 0;
  for await (const v of asyncCounter(n)) s += v;
  sink += s;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 20_000 : 1_000_000;
  // Async steps cost far more; fewer of them keep a round short.
  const nAsync = ctx.quick ? 5_000 : 200_000;
  const rounds = ctx.quick ? 3 : 7;
  const sync = await compare(
    [
      { name: "coiterate step (queue scheduler, default 10 ms ticks)", ops: n, run: () => coiterateQueued(n) },
      { name: "coiterate step (real Reactor)", ops: n, run: () => coiterateOnReactor(counter(n)) },
      { name: "plain loop: it.next() until done", ops: n, run: () => plainLoop(n) },
    ],
    { rounds, progress: ctx.progress, label: "coiterate steps of a generator" },
  );
  const async = await compare(
    [
      { name: "coiterate step of an async generator (real Reactor)", ops: nAsync, run: () => coiterateOnReactor(asyncCounter(nAsync)) },
      { name: "for await over an async generator", ops: nAsync, run: () => forAwait(nAsync) },
    ],
    { rounds, progress: ctx.progress, label: "steps of an async generator" },
  );
  consume(sink);
  const twisted = await ctx.twisted.run("cooperator.py", { n, rounds: ctx.quick ? 3 : 5 });
  const step = sync[1].nsPerOp;
  return {
    name: "Cooperator",
    headlines: [
      {
        workload: "coiterate step (generator, real reactor)",
        kind: "time",
        ours: step,
        anchor: { name: "plain loop over the generator", value: sync[2].nsPerOp },
        twisted: twistedHeadline(twisted, "coiterate", n),
        goal: "≤ 50 ns",
        met: step <= 50,
      },
    ],
    sections: [
      {
        title: `${formatCount(n)} coiterate steps of a generator (median of ${rounds} rounds)`,
        table: comparisonTable(sync, sync[2].name, [twistedRow(twisted, "task.coiterate on the running reactor", "coiterate", n)]),
        notes: [`The Cooperator adds ${Math.max(0, step - sync[2].nsPerOp).toFixed(1)} ns per step to the plain loop (real Reactor).`],
      },
      {
        title: `${formatCount(nAsync)} steps of an async generator (median of ${rounds} rounds)`,
        table: comparisonTable(async, async[1].name),
      },
    ],
  };
}

/** `npm run bench -- cooperator`. */
export const cooperator: Benchmark = {
  name: "cooperator",
  description: "coiterate steps vs a plain loop, for await, and Twisted's coiterate",
  run,
};
