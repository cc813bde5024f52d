/**
 * What every benchmark module shares: the context it runs in, its shape, and the helpers that
 * turn its measurements and Twisted's figures into report rows.
 */
import { formatN } from "./harness";
import type { Progress } from "./progress";
import type { BenchResult, ExtraRow } from "./report";
import { twistedFigure, twistedValue, type TwistedOutcome, type TwistedRunner } from "./twisted";

/** What a benchmark is given. */
export interface BenchContext {
  /** Small sizes and fewer rounds: CI's check that the benchmarks still run. */
  quick: boolean;
  progress?: Progress;
  twisted: TwistedRunner;
}

/** A benchmark: `npm run bench -- <name>` runs it alone. */
export interface Benchmark {
  name: string;
  /** One line for `--help`. */
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/**
 * A comparison table's row for Twisted's figure of `workload` at size `n`: its ns per op, or
 * why there is none ("not available (…)").
 */
export function twistedRow(outcome: TwistedOutcome, label: string, workload: string, n?: number, pick: "value" | "cpu" = "value"): ExtraRow {
  const f = twistedFigure(outcome, workload, n);
  const size = n !== undefined && f === undefined ? ` (N = ${formatN(n)})` : "";
  return { name: `Twisted: ${label}${size}`, ops: f?.ops, value: twistedValue(outcome, workload, n, pick) };
}

/** Twisted's value for a headline: the number, or "n/a"/"failed" when there is none. */
export function twistedHeadline(outcome: TwistedOutcome, workload: string, n?: number, pick: "value" | "cpu" = "value"): number | string {
  const v = twistedValue(outcome, workload, n, pick);
  if (typeof v === "number") return v;
  return outcome.status === "failed" ? "failed" : "n/a";
}
