/**
 * A small benchmark harness: run each workload side by side with its anchor, several rounds,
 * and report medians and ratios. Everything runs in one process so the figures compare.
 */

/** One measured workload: `run` does `ops` operations and returns (or resolves) when done. */
export interface Workload {
  name: string;
  ops: number;
  run: () => void | Promise<void>;
}

export interface Measurement {
  name: string;
  ops: number;
  /** Median nanoseconds per operation over the rounds. */
  nsPerOp: number;
  rounds: number[];
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6; // ms
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs the workloads interleaved (A, B, A, B, …) for `rounds` rounds after one warm-up round, so
 * drift in the machine's speed affects them alike. Returns the median ns/op of each.
 */
export async function compare(workloads: Workload[], rounds = 5): Promise<Measurement[]> {
  const times: number[][] = workloads.map(() => []);
  for (let r = -1; r < rounds; r++) {
    for (let i = 0; i < workloads.length; i++) {
      gc();
      const t0 = now();
      await workloads[i].run();
      const ms = now() - t0;
      if (r >= 0) times[i].push((ms * 1e6) / workloads[i].ops);
    }
  }
  return workloads.map((w, i) => ({ name: w.name, ops: w.ops, nsPerOp: median(times[i]), rounds: times[i] }));
}

/** Formats a nanosecond figure with a sensible unit. */
export function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

/** Prints a Markdown table of measurements with the ratio of the anchor to each (>1: faster). */
export function printTable(title: string, ms: Measurement[], anchor: string): void {
  const base = ms.find((m) => m.name === anchor);
  console.log(`\n### ${title}\n`);
  console.log("| workload | ops | median per op | speed vs " + anchor + " |");
  console.log("|---|---:|---:|---:|");
  for (const m of ms) {
    const ratio = base ? `${(base.nsPerOp / m.nsPerOp).toFixed(2)}x` : "-";
    console.log(`| ${m.name} | ${m.ops.toLocaleString("en-US")} | ${formatNs(m.nsPerOp)} | ${ratio} |`);
  }
}

/** True when `--quick` was given: small N, so CI can check the benchmarks still run. */
export const quick = process.argv.includes("--quick");
