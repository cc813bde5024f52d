/**
 * Timer benchmarks, each side by side with Node's setTimeout on the same work in one process:
 * 1. N calls with random delays of 0-50 ms fired through a running reactor;
 * 2. N calls scheduled then cancelled;
 * 3. heap bytes per pending call (after gc; needs --expose-gc);
 * 4. lateness p50/p99 of 2,000 calls spread over 1 s.
 *
 * Targets (issue 3): (1) >= 3x faster than setTimeout; (2) at least as fast as
 * setTimeout+clearTimeout; (3) <= 150 bytes per pending call; (4) p99 <= 2 ms on an idle machine.
 */
import { Reactor } from "../reactor";
import { compare, formatNs, median, printTable, quick, type Measurement } from "./harness";

const N = quick ? 20_000 : 1_000_000;
const MAX_DELAY_S = 0.05;

// Random delays made once, so both sides get the same ones and no Math.random is timed.
const delays = new Float64Array(N);
for (let i = 0; i < N; i++) delays[i] = Math.random() * MAX_DELAY_S;

/** Schedules N calls with the random delays on a fresh reactor and runs it until all have fired. */
function reactorFireAll(): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  let fired = 0;
  const tick = (): void => {
    if (++fired === N) r.stop();
  };
  for (let i = 0; i < N; i++) r.callLater(delays[i], tick);
  return r.run();
}

function setTimeoutFireAll(): Promise<void> {
  return new Promise((resolve) => {
    let fired = 0;
    const tick = (): void => {
      if (++fired === N) resolve();
    };
    for (let i = 0; i < N; i++) setTimeout(tick, delays[i] * 1000);
  });
}

const noop = (): void => undefined;
const handles: unknown[] = new Array(N).fill(null);

function reactorScheduleCancel(): void {
  const r = new Reactor({ installSignalHandlers: false });
  for (let i = 0; i < N; i++) handles[i] = r.callLater(delays[i], noop);
  for (let i = 0; i < N; i++) (handles[i] as { cancel(): void }).cancel();
}

function setTimeoutScheduleCancel(): void {
  for (let i = 0; i < N; i++) handles[i] = setTimeout(noop, delays[i] * 1000);
  for (let i = 0; i < N; i++) clearTimeout(handles[i] as NodeJS.Timeout);
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error("run with --expose-gc (npm run bench does)");
  g();
  g();
}

/** Heap bytes per pending call: `schedule(i)` makes one, kept in a preallocated array. */
function bytesPerPending(schedule: (i: number) => unknown, release: (h: unknown) => void): number {
  const n = quick ? 10_000 : 200_000;
  const keep: unknown[] = new Array(n).fill(null);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) keep[i] = schedule(i);
  gc();
  const after = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) release(keep[i]);
  return (after - before) / n;
}

function memory(): { reactor: number; setTimeout: number } {
  const r = new Reactor({ installSignalHandlers: false });
  const reactor = median(
    [0, 1, 2].map(() =>
      bytesPerPending(
        (i) => r.callLater(1000 + delays[i], noop),
        (h) => (h as { cancel(): void }).cancel(),
      ),
    ),
  );
  const node = median(
    [0, 1, 2].map(() =>
      bytesPerPending(
        (i) => setTimeout(noop, 1_000_000 + delays[i] * 1000),
        (h) => clearTimeout(h as NodeJS.Timeout),
      ),
    ),
  );
  return { reactor, setTimeout: node };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

const LATE_CALLS = quick ? 200 : 2000;

/** Lateness (ms) of LATE_CALLS calls at random times over `span` s, through a running reactor. */
async function reactorLateness(span = 1): Promise<number[]> {
  const r = new Reactor({ installSignalHandlers: false });
  const late: number[] = [];
  let left = LATE_CALLS;
  for (let i = 0; i < LATE_CALLS; i++) {
    const call = r.callLater(Math.random() * span, () => {
      late.push((r.seconds() - call.getTime()) * 1000);
      if (--left === 0) r.stop();
    });
  }
  await r.run();
  return late.sort((a, b) => a - b);
}

async function setTimeoutLateness(span = 1): Promise<number[]> {
  const late: number[] = [];
  await new Promise<void>((resolve) => {
    let left = LATE_CALLS;
    for (let i = 0; i < LATE_CALLS; i++) {
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

export async function run(): Promise<Measurement[]> {
  const n = N.toLocaleString("en-US");
  const fired = await compare([
    { name: "Reactor.callLater, fired", ops: N, run: reactorFireAll },
    { name: "setTimeout, fired", ops: N, run: setTimeoutFireAll },
  ]);
  printTable(`${n} calls, random delays 0-50 ms, all fired`, fired, "setTimeout, fired");

  const cancelled = await compare([
    { name: "Reactor.callLater + cancel", ops: N, run: reactorScheduleCancel },
    { name: "setTimeout + clearTimeout", ops: N, run: setTimeoutScheduleCancel },
  ]);
  printTable(`${n} calls scheduled then cancelled`, cancelled, "setTimeout + clearTimeout");
  handles.fill(null); // let the million handles go before the memory and lateness runs

  const mem = memory();
  console.log(`\n### Heap bytes per pending call\n`);
  console.log("| workload | bytes per pending call |\n|---|---:|");
  console.log(`| Reactor.callLater | ${mem.reactor.toFixed(0)} |`);
  console.log(`| setTimeout | ${mem.setTimeout.toFixed(0)} |`);

  // A short warm-up of each, then the measured runs on a freshly collected heap.
  await reactorLateness(0.1);
  await setTimeoutLateness(0.1);
  gc();
  const rl = await reactorLateness();
  gc();
  const sl = await setTimeoutLateness();
  console.log(`\n### Lateness of ${LATE_CALLS} calls spread over 1 s\n`);
  console.log("| workload | p50 | p99 | max | early (< 0) |\n|---|---:|---:|---:|---:|");
  for (const [name, xs] of [
    ["Reactor.callLater", rl],
    ["setTimeout", sl],
  ] as const) {
    const early = xs.filter((x) => x < 0).length;
    console.log(
      `| ${name} | ${formatNs(percentile(xs, 0.5) * 1e6)} | ${formatNs(percentile(xs, 0.99) * 1e6)} | ${formatNs(xs[xs.length - 1] * 1e6)} | ${early} |`,
    );
  }
  return [...fired, ...cancelled];
}

if (require.main === module) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
