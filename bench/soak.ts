/**
 * Soak: long runs that must leave nothing behind and lose nothing.
 *
 * 1. 10,000,000 schedule/cancel cycles: heap memory stays flat (within 10 MB).
 * 2. 1,000,000 throwing calls: each reported through log.err, the reactor still running.
 * 3. A LoopingCall at 1 ms for 10 s: call k at start + k ms plus lateness, never bunched, no drift.
 *
 * `--quick` (as CI runs it) does the same with smaller counts. Exits 1 when an invariant fails.
 * Run: `npm run soak` (or `npm run soak -- --quick`).
 */
import { addObserver, defaultObserver, isObserving, removeObserver, type LogEvent } from "../log";
import { Reactor } from "../reactor";
import { LoopingCall } from "../task";

const quick = process.argv.includes("--quick");
const CYCLES = quick ? 1_000_000 : 10_000_000;
const THROWS = quick ? 100_000 : 1_000_000;
const LOOP_SECONDS = quick ? 1 : 10;
const MEMORY_LIMIT_MB = 10;

const failures: string[] = [];
function check(ok: boolean, what: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error("run with --expose-gc (npm run soak does)");
  g();
  g();
}

function heapMB(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Progress on stderr, one line a step (a soak is long: show that it moves). */
function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

function scheduleCancel(): void {
  const r = new Reactor({ installSignalHandlers: false });
  const noop = (): void => undefined;
  // A few long-lived calls, so the queue is never empty (the realistic case).
  for (let i = 0; i < 100; i++) r.callLater(1000 + i, noop);
  const samples: number[] = [];
  const chunk = CYCLES / 10;
  const t0 = performance.now();
  for (let done = 0; done < CYCLES; done += chunk) {
    for (let i = 0; i < chunk; i++) r.callLater((i % 50) / 1000, noop).cancel();
    samples.push(heapMB());
    progress(`${(done + chunk).toLocaleString("en-US")} schedule/cancel cycles, heap ${samples[samples.length - 1].toFixed(1)} MB`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const spread = Math.max(...samples) - Math.min(...samples);
  console.log(
    `schedule/cancel: ${CYCLES.toLocaleString("en-US")} cycles in ${seconds.toFixed(1)} s ` +
      `(${((seconds / CYCLES) * 1e9).toFixed(0)} ns each); heap ${Math.min(...samples).toFixed(1)}-${Math.max(...samples).toFixed(1)} MB`,
  );
  check(spread <= MEMORY_LIMIT_MB, `heap flat within ${MEMORY_LIMIT_MB} MB over the cycles (spread ${spread.toFixed(2)} MB)`);
  check(r.getDelayedCalls().length === 100, "only the 100 live calls remain scheduled");
}

async function throwingCalls(): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  let reported = 0;
  const observer = (e: LogEvent): void => {
    if (e.isError && e.failure?.value instanceof RangeError) reported++;
  };
  const hadDefault = isObserving(defaultObserver);
  removeObserver(defaultObserver); // a million tracebacks on stderr would measure the terminal
  addObserver(observer);
  try {
    let ran = 0;
    const boom = (): never => {
      ran++;
      throw new RangeError("soak");
    };
    const t0 = performance.now();
    let alive = false;
    r.callWhenRunning(() => {
      for (let i = 0; i < THROWS; i++) r.callLater((i % 100) / 1000, boom);
      r.callLater(0.2, () => {
        alive = true; // a call after all the throwing ones still runs
        r.stop();
      });
    });
    await r.run();
    const seconds = (performance.now() - t0) / 1000;
    console.log(`throwing calls: ${THROWS.toLocaleString("en-US")} in ${seconds.toFixed(1)} s, ${reported.toLocaleString("en-US")} reported`);
    check(ran === THROWS, `every throwing call ran (${ran})`);
    check(reported === THROWS, `each was reported once through log.err (${reported})`);
    check(alive, "the reactor kept running after them");
  } finally {
    removeObserver(observer);
    if (hadDefault) addObserver(defaultObserver);
  }
}

async function loopingCallDrift(): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  const interval = 0.001;
  const times: number[] = [];
  const lc = new LoopingCall(() => times.push(r.seconds()));
  lc.clock = r;
  r.callWhenRunning(() => {
    void lc.start(interval);
    r.callLater(LOOP_SECONDS, () => {
      lc.stop();
      r.stop();
    });
  });
  await r.run();
  const start = lc.starttime as number;
  // Call k was scheduled for the first grid point after call k-1 (LoopingCall's rule): its
  // lateness is measured from that point; the grid points it passed over were skipped.
  let bunched = 0;
  let skipped = 0;
  let previous = -1;
  const lateness: number[] = [];
  for (const t of times) {
    const n = Math.max(0, Math.floor((t - start) / interval + 1e-9));
    const intended = previous + 1;
    lateness.push((t - (start + intended * interval)) * 1000);
    if (n <= previous) bunched++;
    else skipped += n - intended;
    previous = n;
  }
  const sorted = [...lateness].sort((a, b) => a - b);
  const expected = Math.round(LOOP_SECONDS / interval);
  const half = lateness.length >> 1;
  const firstHalf = lateness.slice(0, half).reduce((a, b) => a + b, 0) / half;
  const secondHalf = lateness.slice(half).reduce((a, b) => a + b, 0) / (lateness.length - half);
  console.log(
    `LoopingCall at 1 ms for ${LOOP_SECONDS} s: ${times.length} calls, ${skipped} grid points skipped (of ${expected}); ` +
      `lateness p50 ${sorted[half].toFixed(3)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)].toFixed(3)} ms, ` +
      `mean ${firstHalf.toFixed(3)} ms (first half) vs ${secondHalf.toFixed(3)} ms (second half)`,
  );
  check(bunched === 0, `never bunched: no two calls in one grid interval (${bunched})`);
  check(times.length >= expected * 0.5, `most grid points were hit (${times.length} of ${expected})`);
  check(Math.abs(secondHalf - firstHalf) < 1, "no drift: mean lateness does not grow over the run");
}

async function main(): Promise<void> {
  console.log(`# soak${quick ? " (quick)" : ""}: Node ${process.version}`);
  scheduleCancel();
  await throwingCalls();
  await loopingCallDrift();
  if (failures.length > 0) {
    console.log(`\n${failures.length} invariant(s) failed`);
    process.exitCode = 1;
  } else {
    console.log("\nall invariants held");
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
