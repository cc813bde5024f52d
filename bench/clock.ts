/**
 * Clock.advance against @sinonjs/fake-timers: the same N calls (random delays of 0-50 ms)
 * scheduled on twisted-ts's task.Clock and on a fake-timers clock (`createClock()`,
 * `clock.setTimeout`), then one `advance(0.05)` / `tick(50)` runs them all; ns per call for the
 * whole. N = 1,000,000 (quick: 20,000), and N = 1,000 beside Twisted's task.Clock
 * (bench/twisted/clock.py), which re-sorts its list on every callLater and pops calls from its
 * front: quadratic, so Twisted runs at N = 1,000 only (1e4 takes ~15 s a round).
 */
import FakeTimers from "@sinonjs/fake-timers";
import { Clock } from "../task";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, consume, formatCount, formatN, randomDelays, type Measurement } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

/** Twisted's task.Clock is quadratic: this is the largest N it runs at. */
const TWISTED_N = 1000;
const CLOCK = "task.Clock: callLater + advance";
const FAKE = "fake-timers: setTimeout + tick";
let fired = 0;
const tick = (): void => {
  fired++;
};

function clockAdvance(delays: Float64Array): void {
  const clock = new Clock();
  for (let i = 0; i < delays.length; i++) clock.callLater(delays[i], tick);
  clock.advance(0.05);
}

function fakeTimersTick(delays: Float64Array): void {
  const clock = FakeTimers.createClock();
  for (let i = 0; i < delays.length; i++) clock.setTimeout(tick, delays[i] * 1000);
  clock.tick(50);
}

async function measureAt(ctx: BenchContext, n: number, big: boolean): Promise<Measurement[]> {
  const delays = randomDelays(n, 0.05);
  return compare(
    [
      { name: CLOCK, ops: n, run: () => clockAdvance(delays) },
      { name: FAKE, ops: n, run: () => fakeTimersTick(delays) },
    ],
    // fake-timers takes ~15 s a round at 1e6: three rounds, no warm-up round, there.
    big && !ctx.quick
      ? { rounds: 3, warmup: false, progress: ctx.progress, label: `N = ${formatN(n)}` }
      : { rounds: ctx.quick ? 3 : 5, minOps: 100_000, progress: ctx.progress, label: `N = ${formatN(n)}` },
  );
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 20_000 : 1_000_000;
  const large = await measureAt(ctx, n, true);
  const small = await measureAt(ctx, TWISTED_N, false);
  consume(fired);
  const twisted = await ctx.twisted.run("clock.py", { n: TWISTED_N, rounds: ctx.quick ? 3 : 5, min_ops: ctx.quick ? 3_000 : 10_000 });
  return {
    name: "Clock",
    headlines: [
      {
        workload: `Clock: ${formatCount(n)} calls scheduled, one advance runs them (per call)`,
        kind: "time",
        ours: large[0].nsPerOp,
        anchor: { name: "fake-timers tick", value: large[1].nsPerOp },
        twisted: twistedHeadline(twisted, "clock", TWISTED_N),
        twistedNote: `(N = ${formatN(TWISTED_N)}; quadratic)`,
        oursAtTwistedSize: small[0].nsPerOp,
      },
    ],
    sections: [
      { title: `${formatCount(n)} calls scheduled on a test clock, then one advance through all`, table: comparisonTable(large, FAKE) },
      {
        title: `${formatCount(TWISTED_N)} calls, with Twisted's task.Clock`,
        table: comparisonTable(small, FAKE, [twistedRow(twisted, "task.Clock: callLater + advance", "clock", TWISTED_N)]),
        notes: [
          "Twisted's task.Clock sorts its whole list on every callLater and on every call it runs, and pops from the list's front: " +
            "its per-call cost grows with N (60-85 µs at 1e3 on the development machine, 1.4 ms at 1e4), so it is measured at N = 1e3 only.",
        ],
      },
    ],
  };
}

/** `npm run bench -- clock`. */
export const clock: Benchmark = {
  name: "clock",
  description: "task.Clock advance over 1,000,000 calls vs @sinonjs/fake-timers tick (and Twisted's task.Clock at 1e3)",
  run,
};
