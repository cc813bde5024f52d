/**
 * Lateness: calls at random times over 1 s (2,000; quick: 200) through a running Reactor,
 * against setTimeout, and Twisted's reactor (bench/twisted/lateness.py); how late each ran after
 * its due time. Each side gets a short warm-up run (0.1 s) first, then a freshly collected heap.
 *
 * Target (PERFORMANCE.md): p99 <= 2 ms on an idle machine.
 */
import { Reactor } from "../reactor";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline } from "./benchmark";
import { formatCount, formatNs, gc, percentile } from "./harness";
import type { BenchResult } from "./report";
import { twistedFigure, type TwistedOutcome } from "./twisted";

/** Runs `f` and measures the process's CPU time during it, as a percentage of the wall time. */
async function withCpu<T>(f: () => Promise<T>): Promise<[T, number]> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await f();
  const cpu = process.cpuUsage(cpu0);
  return [result, ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100];
}

/** Lateness (ms, sorted) of `calls` calls at random times over `span` s, through a running reactor. */
async function reactorLateness(calls: number, span: number): Promise<number[]> {
  const r = new Reactor({ installSignalHandlers: false });
  const late: number[] = [];
  let left = calls;
  for (let i = 0; i < calls; i++) {
    const call = r.callLater(Math.random() * span, () => {
      late.push((r.seconds() - call.getTime()) * 1000);
      if (--left === 0) r.stop();
    });
  }
  await r.run();
  return late.sort((a, b) => a - b);
}

async function setTimeoutLateness(calls: number, span: number): Promise<number[]> {
  const late: number[] = [];
  await new Promise<void>((resolve) => {
    let left = calls;
    for (let i = 0; i < calls; i++) {
      const delayMs = Math.random() * 1000 * span;
      const due = performance.now() + delayMs;
      setTimeout(() => {
        late.push(performance.now() - due);
        if (--left === 0) resolve();
      }, delayMs);
    }
  });
  return late.sort((a, b) => a - b);
}

/** p50, p99, max (ms) and how many ran early, of sorted lateness figures. */
export function latenessSummary(sorted: readonly number[]): { p50: number; p99: number; max: number; early: number } {
  return {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    early: sorted.filter((x) => x < 0).length,
  };
}

function twistedCells(outcome: TwistedOutcome, calls: number): string[] {
  const fig = (w: string): string => {
    const f = twistedFigure(outcome, w, calls);
    return f === undefined ? "n/a" : w === "early" ? String(f.value) : formatNs(f.value * 1e6);
  };
  return ["Twisted: reactor.callLater", fig("lateness_p50"), fig("lateness_p99"), fig("lateness_max"), fig("early")];
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const calls = ctx.quick ? 200 : 2000;
  ctx.progress?.task(`lateness of ${formatCount(calls)} calls over 1 s`, 4);
  await reactorLateness(calls, 0.1);
  ctx.progress?.tick();
  await setTimeoutLateness(calls, 0.1);
  ctx.progress?.tick();
  gc();
  const [reactorLate, reactorCpu] = await withCpu(() => reactorLateness(calls, 1));
  const reactor = latenessSummary(reactorLate);
  ctx.progress?.tick();
  gc();
  const [nodeLate, nodeCpu] = await withCpu(() => setTimeoutLateness(calls, 1));
  const node = latenessSummary(nodeLate);
  ctx.progress?.tick();
  const twisted = await ctx.twisted.run("lateness.py", { calls, span: 1 });
  const tw = twistedHeadline(twisted, "lateness_p99", calls);
  const row = (name: string, s: ReturnType<typeof latenessSummary>, cpu: number): string[] => [
    name,
    formatNs(s.p50 * 1e6),
    formatNs(s.p99 * 1e6),
    formatNs(s.max * 1e6),
    String(s.early),
    `${cpu.toFixed(0)}%`,
  ];
  return {
    name: "Lateness",
    headlines: [
      {
        workload: `lateness p99, ${formatCount(calls)} calls over 1 s`,
        kind: "latency",
        ours: reactor.p99 * 1e6,
        anchor: { name: "setTimeout", value: node.p99 * 1e6 },
        twisted: typeof tw === "number" ? tw * 1e6 : tw,
        goal: "≤ 2 ms",
        met: reactor.p99 <= 2,
      },
    ],
    sections: [
      {
        title: `Lateness of ${formatCount(calls)} calls spread over 1 s`,
        table: {
          columns: ["workload", "p50", "p99", "max", "early (< 0)", "CPU (% of wall)"],
          numeric: [false, true, true, true, true, true],
          rows: [row("Reactor.callLater", reactor, reactorCpu), row("setTimeout", node, nodeCpu), [...twistedCells(twisted, calls), "n/a"]],
        },
        notes: [
          "One run each after a warm-up: lateness depends on the machine's load at that moment more than on the implementation.",
          "CPU is the process's CPU time while the calls ran, as a share of the wall time: the price of the precision. The reactor sleeps out the last millisecond before a deadline (Atomics.wait) and polls only its last 0.1 ms.",
        ],
      },
    ],
  };
}

/** `npm run bench -- lateness`. */
export const lateness: Benchmark = {
  name: "lateness",
  description: "lateness p50/p99 of calls spread over 1 s, vs setTimeout and Twisted",
  run,
};
