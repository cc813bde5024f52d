/**
 * The benchmark harness: runs each workload side by side with its anchor in one process,
 * interleaved over several rounds, and reports medians. Every benchmark measures through
 * {@link compare}, so they all time, warm up and collect garbage the same way.
 */
import type { Progress } from "./progress";

/** One measured workload: `run` does `ops` operations and returns (or resolves) when done. */
export interface Workload {
  name: string;
  ops: number;
  run: () => void | Promise<void>;
  /** Untimed, before each sample (and before its garbage collection): e.g. opening connections. */
  prepare?: () => void | Promise<void>;
  /** Untimed, after each sample: e.g. closing what `prepare` opened, and waiting until it is closed. */
  cleanup?: () => void | Promise<void>;
}

/** The figures of one workload: medians over the rounds, in nanoseconds per operation. */
export interface Measurement {
  name: string;
  /** Operations per round (`ops` times the repetitions per round). */
  ops: number;
  /** Median wall-clock nanoseconds per operation. */
  nsPerOp: number;
  /**
   * Median process CPU nanoseconds (user + system, all threads) per operation: the measure for
   * workloads that wait on real time, where wall time would count the waiting.
   */
  cpuNsPerOp: number;
  /** Wall-clock ns per operation of each round, in order. */
  rounds: number[];
  /** CPU ns per operation of each round, in order. */
  cpuRounds: number[];
}

/** How {@link compare} runs its workloads. */
export interface CompareOptions {
  /** Measured rounds (default 5); one unmeasured warm-up round comes first unless `warmup` is false. */
  rounds?: number;
  warmup?: boolean;
  /**
   * Each measured sample repeats a workload until it has done at least this many operations
   * (default: one run), so a small N is not lost in the timer's resolution and fixed costs.
   */
  minOps?: number;
  /**
   * Force a full garbage collection before each sample (default true), so one workload's garbage
   * is not collected in another's time. False where that collection costs more than it saves:
   * it deoptimizes code that embeds the objects it frees (docs/design/benchmarks.md).
   */
  gc?: boolean;
  /** Where to show the rounds going by, with `label` as the task's name. */
  progress?: Progress;
  label?: string;
}

/** Median of a non-empty list (the mean of the middle two for an even length). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of an empty list");
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The `p`-quantile (0..1) of an ascending list: the element at floor(p * length), clamped. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)))];
}

/** Forces a full garbage collection (twice: V8 may need two cycles). Needs `--expose-gc`. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error("run with node --expose-gc (npm run bench does)");
  g();
  g();
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
}

/** How many runs of `ops` operations make at least `minOps` operations (at least one). */
export function repetitions(ops: number, minOps = 0): number {
  return Math.max(1, Math.ceil(minOps / ops));
}

/**
 * Runs the workloads interleaved for `rounds` rounds after one warm-up round, in turn forwards
 * and backwards (A, B, then B, A), so drift in the machine's speed and whatever one workload
 * leaves for the next affect them alike, with a garbage collection before each sample. Returns
 * the median wall and CPU ns per operation of each.
 */
export async function compare(workloads: Workload[], options: CompareOptions = {}): Promise<Measurement[]> {
  const rounds = options.rounds ?? 5;
  const first = options.warmup === false ? 0 : -1;
  const reps = workloads.map((w) => repetitions(w.ops, options.minOps));
  const wall: number[][] = workloads.map(() => []);
  const cpu: number[][] = workloads.map(() => []);
  options.progress?.task(options.label ?? workloads.map((w) => w.name).join(" vs "), (rounds - first) * workloads.length);
  const collect = options.gc ?? true;
  for (let r = first; r < rounds; r++) {
    for (let j = 0; j < workloads.length; j++) {
      const i = r % 2 === 0 ? j : workloads.length - 1 - j;
      const w = workloads[i];
      await w.prepare?.();
      if (collect) gc();
      const c0 = cpuNs();
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < reps[i]; k++) await w.run();
      const ns = Number(process.hrtime.bigint() - t0);
      const cns = cpuNs() - c0;
      await w.cleanup?.();
      const ops = w.ops * reps[i];
      if (r >= 0) {
        wall[i].push(ns / ops);
        cpu[i].push(cns / ops);
      }
      options.progress?.tick();
    }
  }
  return workloads.map((w, i) => ({
    name: w.name,
    ops: w.ops * reps[i],
    nsPerOp: median(wall[i]),
    cpuNsPerOp: median(cpu[i]),
    rounds: wall[i],
    cpuRounds: cpu[i],
  }));
}

/** Formats a nanosecond figure with a sensible unit: "812.3 ns", "1.27 µs", "3.10 ms". */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (Math.abs(ns) >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (Math.abs(ns) >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

/** Formats a count with thousands separators: 1000000 → "1,000,000". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Formats a power of ten compactly: 1000 → "1e3"; other numbers as {@link formatCount}. */
export function formatN(n: number): string {
  const e = Math.log10(n);
  return Number.isInteger(e) && e >= 3 ? `1e${e}` : formatCount(n);
}

/** Random delays in [0, max): made once per size, so every side gets the same ones. */
export function randomDelays(n: number, max: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.random() * max;
  return d;
}

/** Keeps a value observable, so the work producing it cannot be optimised away. */
export function consume(x: unknown): void {
  if (x === consume) console.log(x);
}
