/**
 * The scaling check: per-call cost may grow with N no faster than log N. Between two sizes
 * `from` < `to`, the cost ratio cost(to)/cost(from) is compared with log(to)/log(from) (what an
 * O(log N) per-call cost would give at most), with a tolerance for the machine's noise.
 */

/** One measured point of a series: per-call cost `ns` at size `n`. */
export interface CostPoint {
  n: number;
  ns: number;
}

/** The check between two consecutive sizes. */
export interface GrowthStep {
  from: number;
  to: number;
  /** cost(to) / cost(from). */
  ratio: number;
  /** log(to) / log(from): the most an O(log N) per-call cost grows. */
  bound: number;
  /** ratio > bound * (1 + tolerance). */
  fasterThanLog: boolean;
}

/** The default tolerance: 25% above the log N bound before a step is flagged (noise on shared machines). */
export const GROWTH_TOLERANCE = 0.25;

/**
 * Checks each step between consecutive sizes of a series (sorted by N; sizes must be > 1 and
 * costs positive and finite, other points are skipped).
 */
export function checkLogGrowth(points: readonly CostPoint[], tolerance = GROWTH_TOLERANCE): GrowthStep[] {
  const usable = points.filter((p) => p.n > 1 && p.ns > 0 && Number.isFinite(p.ns)).sort((a, b) => a.n - b.n);
  const steps: GrowthStep[] = [];
  for (let i = 1; i < usable.length; i++) {
    const a = usable[i - 1];
    const b = usable[i];
    if (b.n === a.n) continue;
    const ratio = b.ns / a.ns;
    const bound = Math.log(b.n) / Math.log(a.n);
    steps.push({ from: a.n, to: b.n, ratio, bound, fasterThanLog: ratio > bound * (1 + tolerance) });
  }
  return steps;
}

/** "×1.83 (log N allows ×1.20)": a step's ratio against its bound, for the table. */
export function describeStep(step: GrowthStep): string {
  return `×${step.ratio.toFixed(2)} (log N allows ×${step.bound.toFixed(2)})`;
}
