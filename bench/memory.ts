/**
 * Heap bytes per pending call: n calls scheduled far in the future and kept, measured between
 * two full collections (needs --expose-gc), against setTimeout, and Twisted's (tracemalloc) in
 * bench/twisted/memory.py. The handles are kept in an array allocated before measuring, so
 * neither side pays for it.
 *
 * Target (docs/design/performance-goals.md): <= 150 B per pending call.
 */
import { Reactor } from "../reactor";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline } from "./benchmark";
import { formatCount, gc, median, randomDelays } from "./harness";
import type { BenchResult } from "./report";
import { twistedValue } from "./twisted";

const noop = (): void => undefined;
const SAMPLES = 3;

/** Heap bytes per pending call: `schedule(i)` makes one, kept in a preallocated array; `release` undoes it. */
export function bytesPerPending(n: number, schedule: (i: number) => unknown, release: (h: unknown) => void): number {
  const keep: unknown[] = new Array(n).fill(null);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) keep[i] = schedule(i);
  gc();
  const after = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) release(keep[i]);
  return (after - before) / n;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 10_000 : 200_000;
  const delays = randomDelays(n, 0.05);
  const r = new Reactor({ installSignalHandlers: false });
  const reactor: number[] = [];
  const node: number[] = [];
  ctx.progress?.task(`bytes per pending call, n = ${formatCount(n)}`, SAMPLES * 2);
  for (let s = 0; s < SAMPLES; s++) {
    reactor.push(
      bytesPerPending(
        n,
        (i) => r.callLater(1000 + delays[i], noop),
        (h) => (h as { cancel(): void }).cancel(),
      ),
    );
    ctx.progress?.tick();
    node.push(
      bytesPerPending(
        n,
        (i) => setTimeout(noop, 1_000_000 + delays[i] * 1000),
        (h) => clearTimeout(h as NodeJS.Timeout),
      ),
    );
    ctx.progress?.tick();
  }
  const twisted = await ctx.twisted.run("memory.py", { n, samples: SAMPLES });
  const ours = median(reactor);
  const anchor = median(node);
  const tw = twistedValue(twisted, "bytes", n);
  return {
    name: "Memory",
    headlines: [
      {
        workload: "heap bytes per pending call",
        kind: "bytes",
        ours,
        anchor: { name: "setTimeout", value: anchor },
        twisted: twistedHeadline(twisted, "bytes", n),
        goal: "≤ 150 B",
        met: ours <= 150,
      },
    ],
    sections: [
      {
        title: `Heap bytes per pending call (${formatCount(n)} pending, median of ${SAMPLES})`,
        table: {
          columns: ["workload", "bytes per pending call"],
          numeric: [false, true],
          rows: [
            ["Reactor.callLater", ours.toFixed(0)],
            ["setTimeout", anchor.toFixed(0)],
            ["Twisted: reactor.callLater (tracemalloc)", typeof tw === "number" ? tw.toFixed(0) : tw],
          ],
        },
      },
    ],
  };
}

/** `npm run bench -- memory`. */
export const memory: Benchmark = {
  name: "memory",
  description: "heap bytes per pending call, vs setTimeout and Twisted",
  run,
};
