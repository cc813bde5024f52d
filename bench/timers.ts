/**
 * Timers at N = 1e3, 1e4, 1e5, 1e6 (quick: 1e3, 1e4), each side by side with Node's own timers:
 * - fired: N calls with random delays of 0-50 ms through a running Reactor, against setTimeout;
 * - scheduled then cancelled: N calls scheduled, then all cancelled, against setTimeout +
 *   clearTimeout;
 * and the same on Twisted (bench/twisted/timers.py). Per-call cost must grow no faster than
 * log N: each step N/10 → N is checked (bench/growth.ts), and docs/benchmarks.svg is drawn from
 * these series.
 *
 * "Fired" waits up to 50 ms of real time, which at small N would dominate the wall time: its
 * scaling figures are CPU time (user + system) per call. The headline (largest N, where the run
 * is CPU-bound) is wall time, as the anchors of docs/design/performance-goals.md.
 *
 * And the queue alone (no event loop): N calls scheduled into the reactor's TimerQueue then
 * popped in order, against heap-js, the general-purpose heap this queue was chosen over (the
 * measured baseline that keeps the choice of an own queue visible).
 *
 * Targets (docs/design/performance-goals.md): fired >= 2.5x faster than setTimeout; scheduled+cancelled at least as
 * fast as setTimeout + clearTimeout.
 */
import { Heap } from "heap-js";
import { Reactor } from "../reactor";
import { TimerQueue } from "../reactor/timer-queue";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { checkLogGrowth, describeStep, type CostPoint } from "./growth";
import { compare, formatCount, formatN, formatNs, randomDelays, type Measurement } from "./harness";
import { comparisonTable, formatRatio, type BenchResult, type Section } from "./report";
import type { ChartSeries } from "./svg";
import { twistedValue, type TwistedOutcome } from "./twisted";

const MAX_DELAY_S = 0.05;
const noop = (): void => undefined;

/** The sizes measured: 1e3..1e6, or 1e3 and 1e4 in quick mode. */
export function sizes(quick: boolean): number[] {
  return quick ? [1e3, 1e4] : [1e3, 1e4, 1e5, 1e6];
}

/** Schedules the calls with `delays` on a fresh reactor and runs it until all have fired. */
function reactorFireAll(delays: Float64Array): Promise<void> {
  const n = delays.length;
  const r = new Reactor({ installSignalHandlers: false });
  let fired = 0;
  const tick = (): void => {
    if (++fired === n) r.stop();
  };
  for (let i = 0; i < n; i++) r.callLater(delays[i], tick);
  return r.run();
}

function setTimeoutFireAll(delays: Float64Array): Promise<void> {
  const n = delays.length;
  return new Promise((resolve) => {
    let fired = 0;
    const tick = (): void => {
      if (++fired === n) resolve();
    };
    for (let i = 0; i < n; i++) setTimeout(tick, delays[i] * 1000);
  });
}

function reactorScheduleCancel(delays: Float64Array, handles: unknown[]): void {
  const n = delays.length;
  const r = new Reactor({ installSignalHandlers: false });
  for (let i = 0; i < n; i++) handles[i] = r.callLater(delays[i], noop);
  for (let i = 0; i < n; i++) (handles[i] as { cancel(): void }).cancel();
}

function setTimeoutScheduleCancel(delays: Float64Array, handles: unknown[]): void {
  const n = delays.length;
  for (let i = 0; i < n; i++) handles[i] = setTimeout(noop, delays[i] * 1000);
  for (let i = 0; i < n; i++) clearTimeout(handles[i] as NodeJS.Timeout);
}

/** Schedules the calls into a TimerQueue (on a fixed clock) and pops them all in order. */
function queueScheduleDrain(delays: Float64Array): void {
  const q = new TimerQueue({ seconds: () => 0 });
  for (let i = 0; i < delays.length; i++) q.schedule(delays[i], noop, []);
  while (q.popDue(Infinity) !== null);
}

/** The same with heap-js, entries compared by (deadline, sequence number). */
function heapJsScheduleDrain(delays: Float64Array): void {
  const h = new Heap<{ t: number; s: number; f: () => void }>((a, b) => a.t - b.t || a.s - b.s);
  for (let i = 0; i < delays.length; i++) h.push({ t: delays[i], s: i, f: noop });
  while (h.pop() !== undefined);
}

const QUEUE_DRAIN = "TimerQueue: schedule, then pop all";
const HEAPJS_DRAIN = "heap-js: push, then pop all";
const REACTOR_FIRED = "Reactor.callLater, fired";
const TIMEOUT_FIRED = "setTimeout, fired";
const REACTOR_CANCEL = "Reactor.callLater + cancel";
const TIMEOUT_CANCEL = "setTimeout + clearTimeout";

/** The measurements at one size. */
interface SizeResult {
  n: number;
  fired: Measurement[];
  cancelled: Measurement[];
  queue: Measurement[];
}

/** A series of per-call costs by N, as the table, the growth check and the chart use it. */
interface Series {
  name: string;
  color: string;
  dashed: boolean;
  points: CostPoint[];
  /** Why the series has no points (Twisted unavailable). */
  missing?: string;
}

function byName(ms: Measurement[], name: string): Measurement {
  const m = ms.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no measurement named ${name}`);
  return m;
}

function twistedSeries(outcome: TwistedOutcome, workload: string, ns: number[], pick: "value" | "cpu"): CostPoint[] {
  const points: CostPoint[] = [];
  for (const n of ns) {
    const v = twistedValue(outcome, workload, n, pick);
    if (typeof v === "number") points.push({ n, ns: v });
  }
  return points;
}

/** The six series: fired (CPU ns per call) and scheduled+cancelled (wall ns per call) for each side. */
function buildSeries(results: SizeResult[], twisted: TwistedOutcome): Series[] {
  const ns = results.map((r) => r.n);
  const missing = twisted.status === "ok" ? undefined : twisted.status === "failed" ? "failed" : "not available";
  const node = (family: "fired" | "cancelled", name: string, pick: "cpu" | "wall"): CostPoint[] =>
    results.map((r) => {
      const m = byName(r[family], name);
      return { n: r.n, ns: pick === "cpu" ? m.cpuNsPerOp : m.nsPerOp };
    });
  return [
    { name: "reactor fired", color: "#1f77b4", dashed: false, points: node("fired", REACTOR_FIRED, "cpu") },
    { name: "setTimeout fired", color: "#2ca02c", dashed: false, points: node("fired", TIMEOUT_FIRED, "cpu") },
    { name: "Twisted fired", color: "#ff7f0e", dashed: false, points: twistedSeries(twisted, "fired", ns, "cpu"), missing },
    { name: "reactor schedule+cancel", color: "#1f77b4", dashed: true, points: node("cancelled", REACTOR_CANCEL, "wall") },
    { name: "setTimeout+clearTimeout", color: "#2ca02c", dashed: true, points: node("cancelled", TIMEOUT_CANCEL, "wall") },
    { name: "Twisted schedule+cancel", color: "#ff7f0e", dashed: true, points: twistedSeries(twisted, "cancel", ns, "value"), missing },
  ];
}

function scalingSection(ns: number[], series: Series[]): { section: Section; growth: string[] } {
  const growth: string[] = [];
  const flags = new Map<number, string[]>();
  for (const s of series) {
    for (const step of checkLogGrowth(s.points)) {
      if (!step.fasterThanLog) continue;
      growth.push(`${s.name}: ${describeStep(step)} from N = ${formatN(step.from)} to ${formatN(step.to)}`);
      flags.set(step.to, [...(flags.get(step.to) ?? []), `${s.name} ${describeStep(step)}`]);
    }
  }
  const at = (s: Series, n: number): number | undefined => s.points.find((p) => p.n === n)?.ns;
  const fig = (s: Series, n: number): string => {
    const v = at(s, n);
    return v !== undefined ? formatNs(v) : s.missing !== undefined ? "n/a" : "—";
  };
  const vs = (a: Series, b: Series, n: number): string => {
    const x = at(a, n);
    const y = at(b, n);
    return x !== undefined && y !== undefined ? formatRatio(x, y, "time") : "—";
  };
  const [rf, sf, tf, rc, sc, tc] = series;
  return {
    growth,
    section: {
      title: "Per-call cost against N",
      text: [
        "Fired: N calls with random delays of 0-50 ms, all fired through a running event loop; CPU time per call " +
          "(the run waits up to 50 ms, which would dominate wall time at small N). Scheduled+cancelled: N calls " +
          "scheduled, then all cancelled; wall time per call. Small N are repeated within a round. " +
          'The last column names the series whose per-call cost grew from N/10 to N by more than log(N)/log(N/10) (+25% for noise): "grows faster than log N".',
      ],
      notes: [
        "At small N the reactor's CPU time per fired call includes its wake-ups: with a call due every 50 µs (N = 1e3 over " +
          "50 ms) nearly every call is a wake-up of its own, by a message from the wake thread (deadlines under 3 ms away) " +
          "or a host timer. From about 1e5 on the work dominates.",
      ],
      table: {
        columns: [
          "N",
          "reactor fired",
          "setTimeout fired",
          "reactor vs setTimeout",
          "Twisted fired",
          "reactor sched+cancel",
          "setTimeout+clearTimeout",
          "reactor vs setTimeout",
          "Twisted sched+cancel",
          "grows faster than log N",
        ],
        numeric: [true, true, true, true, true, true, true, true, true, false],
        rows: ns.map((n) => [
          formatN(n),
          fig(rf, n),
          fig(sf, n),
          vs(rf, sf, n),
          fig(tf, n),
          fig(rc, n),
          fig(sc, n),
          vs(rc, sc, n),
          fig(tc, n),
          (flags.get(n) ?? []).join("; ") || "—",
        ]),
      },
    },
  };
}

function twistedParams(ctx: BenchContext, ns: number[]): Record<string, unknown> {
  return {
    fired: ns,
    cancel: ns,
    max_delay: MAX_DELAY_S,
    // Python is ~10x slower: fewer rounds at the large sizes (1e6 fired is ~10 s a round).
    rounds: ctx.quick ? 3 : 5,
    large_rounds: 3,
    large_from: 1e5,
    min_ops_fired: ctx.quick ? 2_000 : 10_000,
    min_ops_cancel: ctx.quick ? 10_000 : 100_000,
  };
}

/** Runs the timer benchmarks at every size, then Twisted's. */
async function run(ctx: BenchContext): Promise<BenchResult> {
  const ns = sizes(ctx.quick);
  const rounds = ctx.quick ? 3 : 5;
  const results: SizeResult[] = [];
  for (const n of ns) {
    const delays = randomDelays(n, MAX_DELAY_S);
    const handles: unknown[] = new Array(n).fill(null);
    const fired = await compare(
      [
        { name: REACTOR_FIRED, ops: n, run: () => reactorFireAll(delays) },
        { name: TIMEOUT_FIRED, ops: n, run: () => setTimeoutFireAll(delays) },
      ],
      { rounds, minOps: ctx.quick ? 2_000 : 10_000, progress: ctx.progress, label: `fired, N = ${formatN(n)}` },
    );
    const cancelled = await compare(
      [
        { name: REACTOR_CANCEL, ops: n, run: () => reactorScheduleCancel(delays, handles) },
        { name: TIMEOUT_CANCEL, ops: n, run: () => setTimeoutScheduleCancel(delays, handles) },
      ],
      { rounds, minOps: ctx.quick ? 10_000 : 100_000, progress: ctx.progress, label: `scheduled+cancelled, N = ${formatN(n)}` },
    );
    const queue = await compare(
      [
        { name: QUEUE_DRAIN, ops: n, run: () => queueScheduleDrain(delays) },
        { name: HEAPJS_DRAIN, ops: n, run: () => heapJsScheduleDrain(delays) },
      ],
      { rounds, minOps: ctx.quick ? 10_000 : 100_000, progress: ctx.progress, label: `queue vs heap-js, N = ${formatN(n)}` },
    );
    results.push({ n, fired, cancelled, queue });
  }
  const twisted = await ctx.twisted.run("timers.py", twistedParams(ctx, ns));
  const series = buildSeries(results, twisted);
  const { section, growth } = scalingSection(ns, series);
  const last = results[results.length - 1];
  const n = last.n;
  const count = formatCount(n);
  const firedSection: Section = {
    title: `${count} calls, random delays 0-50 ms, all fired (wall time)`,
    table: comparisonTable(last.fired, TIMEOUT_FIRED, [twistedRow(twisted, "reactor.callLater, fired", "fired", n)]),
  };
  const cancelSection: Section = {
    title: `${count} calls scheduled, then cancelled`,
    table: comparisonTable(last.cancelled, TIMEOUT_CANCEL, [twistedRow(twisted, "reactor.callLater + cancel", "cancel", n)]),
    notes: [
      "twisted-ts and Node schedule each call into their timer queue at once. Twisted appends new calls to a list and moves " +
        "them into its heap (dropping cancelled ones) on its next loop iteration: its figure includes that one `runUntilCurrent()`.",
    ],
  };
  const queueSection: Section = {
    title: `The queue alone: ${count} calls scheduled, then popped in order, against heap-js`,
    table: comparisonTable(last.queue, HEAPJS_DRAIN, []),
    notes: [
      "No event loop and no clock: what the data structure costs. heap-js compares (deadline, sequence) entries through a " +
        "comparator on every level of a binary heap; the TimerQueue files calls into millisecond buckets and sorts a bucket " +
        "once it falls due (docs/design/timer-queue.md).",
    ],
  };
  const fr = byName(last.fired, REACTOR_FIRED).nsPerOp;
  const fs = byName(last.fired, TIMEOUT_FIRED).nsPerOp;
  const cr = byName(last.cancelled, REACTOR_CANCEL).nsPerOp;
  const cs = byName(last.cancelled, TIMEOUT_CANCEL).nsPerOp;
  return {
    name: "Timers",
    headlines: [
      {
        workload: `${count} timers, random 0-50 ms, all fired (per timer)`,
        kind: "time",
        ours: fr,
        anchor: { name: "setTimeout", value: fs },
        twisted: twistedHeadline(twisted, "fired", n),
        goal: "≥ 2.5x faster than setTimeout",
        met: fs / fr >= 2.5,
      },
      {
        workload: `${count} timers scheduled, then cancelled (per timer)`,
        kind: "time",
        ours: cr,
        anchor: { name: "setTimeout + clearTimeout", value: cs },
        twisted: twistedHeadline(twisted, "cancel", n),
        goal: "at least as fast as setTimeout + clearTimeout",
        met: cs / cr >= 1,
      },
    ],
    sections: [section, firedSection, cancelSection, queueSection],
    chart: series.map(
      (s): ChartSeries => ({
        name: s.name,
        color: s.color,
        dashed: s.dashed,
        marker: s.dashed ? "square" : "circle",
        points: s.points.map((p) => ({ x: p.n, y: p.ns })),
        note: s.points.length === 0 ? s.missing : undefined,
      }),
    ),
    growth,
  };
}

/** `npm run bench -- timers`. */
export const timers: Benchmark = {
  name: "timers",
  description: "timers fired and scheduled+cancelled at N = 1e3..1e6, vs setTimeout and Twisted; the log-N check and the chart",
  run,
};
