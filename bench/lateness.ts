/**
 * Lateness: calls at random times over 1 s (2,000; quick: 200) through a running Reactor,
 * against setTimeout, and Twisted's reactor (bench/twisted/lateness.py); how late each ran after
 * its due time. Each side gets a short warm-up run (0.1 s) first, then a freshly collected heap.
 *
 * Fairness: a 1-byte TCP ping-pong over loopback (raw node:net) while 20 LoopingCalls run at
 * 3-17 ms periods, against the same ping-pong beside 20 setIntervals: the reactor's timers must
 * not hold I/O back. And the CPU an idle reactor costs with one LoopingCall every 100 ms.
 *
 * Targets: lateness p99 <= 2 ms on an idle machine; round trips with LoopingCalls / with
 * setIntervals >= 0.9; idle CPU < 1% of a core.
 */
import * as net from "node:net";
import { Reactor } from "../reactor";
import { LoopingCall } from "../task";
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

/**
 * Seconds before the first deadline: scheduling 2,000 calls takes 1-7 ms (more when a GC falls
 * in the loop), and calls falling due meanwhile would count that as their lateness.
 */
const LEAD = 0.02;

/** Lateness (ms, sorted) of `calls` calls at random times over `span` s, through a running reactor. */
async function reactorLateness(calls: number, span: number): Promise<number[]> {
  const r = new Reactor({ installSignalHandlers: false });
  const late: number[] = [];
  let left = calls;
  for (let i = 0; i < calls; i++) {
    const call = r.callLater(LEAD + Math.random() * span, () => {
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
      const delayMs = (LEAD + Math.random() * span) * 1000;
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

/** Round trips and their p99 (ms) of a 1-byte ping-pong over loopback during `ms` milliseconds. */
async function pingPong(ms: number): Promise<{ trips: number; p99: number }> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("data", (data) => socket.write(data));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, "127.0.0.1");
  client.setNoDelay(true);
  await new Promise<void>((resolve) => client.once("connect", resolve));
  const byte = Buffer.from([1]);
  const rtts: number[] = [];
  const end = performance.now() + ms;
  await new Promise<void>((resolve) => {
    let sent = performance.now();
    client.on("data", () => {
      const now = performance.now();
      rtts.push(now - sent);
      if (now >= end) {
        resolve();
        return;
      }
      sent = now;
      client.write(byte);
    });
    client.write(byte);
  });
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rtts.sort((a, b) => a - b);
  return { trips: rtts.length, p99: percentile(rtts, 0.99) };
}

/** Rounds of the fairness workload per side, interleaved: one long round each was at the mercy of drift. */
const FAIRNESS_ROUNDS = 4;

/** The 20 periods of the fairness workload, 3 to 17 ms, in seconds. */
const PERIODS = Array.from({ length: 20 }, (_, i) => (3 + (14 * i) / 19) / 1000);

/** The ping-pong beside 20 LoopingCalls on a running Reactor. */
async function pingPongWithLoopingCalls(ms: number): Promise<{ trips: number; p99: number; ticks: number }> {
  const r = new Reactor({ installSignalHandlers: false });
  let ticks = 0;
  const loops = PERIODS.map((period) => {
    const loop = new LoopingCall(() => ticks++);
    loop.clock = r;
    void loop.start(period, false);
    return loop;
  });
  const running = r.run();
  const result = await pingPong(ms);
  for (const loop of loops) loop.stop();
  r.stop();
  await running;
  return { ...result, ticks };
}

/** The ping-pong beside 20 setIntervals of the same periods. */
async function pingPongWithIntervals(ms: number): Promise<{ trips: number; p99: number; ticks: number }> {
  let ticks = 0;
  const timers = PERIODS.map((period) => setInterval(() => ticks++, period * 1000));
  const result = await pingPong(ms);
  for (const t of timers) clearInterval(t);
  return { ...result, ticks };
}

/** CPU (% of one core) of a running reactor whose only work is a LoopingCall every 100 ms. */
async function idleCpu(ms: number): Promise<number> {
  const r = new Reactor({ installSignalHandlers: false });
  const loop = new LoopingCall(() => undefined);
  loop.clock = r;
  void loop.start(0.1);
  r.callLater(ms / 1000, () => {
    loop.stop();
    r.stop();
  });
  const [, cpu] = await withCpu(() => r.run());
  return cpu;
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
  const fairMs = ctx.quick ? 300 : 2000;
  await pingPongWithLoopingCalls(100); // warm-up of both sides
  await pingPongWithIntervals(100);
  // Interleaved rounds (A B A B …), summed: the machine's drift over the run hits both sides.
  const withLoops = { trips: 0, p99: 0, ticks: 0 };
  const withIntervals = { trips: 0, p99: 0, ticks: 0 };
  for (let i = 0; i < FAIRNESS_ROUNDS; i++) {
    for (const [acc, side] of [
      [withLoops, pingPongWithLoopingCalls],
      [withIntervals, pingPongWithIntervals],
    ] as const) {
      gc();
      const r = await side(fairMs / FAIRNESS_ROUNDS);
      acc.trips += r.trips;
      acc.ticks += r.ticks;
      acc.p99 = Math.max(acc.p99, r.p99); // the worst round's p99
    }
  }
  const fairness = withLoops.trips / withIntervals.trips;
  const idle = await idleCpu(ctx.quick ? 300 : 2000);
  const twisted = await ctx.twisted.run("lateness.py", { calls, span: 1, lead: LEAD });
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
      {
        workload: "TCP ping-pong round trip beside 20 LoopingCalls (3-17 ms)",
        kind: "latency",
        ours: (fairMs / withLoops.trips) * 1e6,
        anchor: { name: "beside 20 setIntervals", value: (fairMs / withIntervals.trips) * 1e6 },
        twisted: "n/a",
        goal: "round trips ≥ 0.9x",
        met: fairness >= 0.9,
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
          "CPU is the process's CPU time while the calls ran, as a share of the wall time. Deadlines under 3 ms away are waited on a shared worker thread, which wakes the main thread with a message; the main thread never sleeps or polls.",
        ],
      },
      {
        title: `Fairness: a TCP ping-pong beside 20 periodic timers (${fairMs / 1000} s each, in ${FAIRNESS_ROUNDS} interleaved rounds)`,
        table: {
          columns: ["timers beside the ping-pong", "round trips", "p99 round trip (worst round)", "timer calls"],
          numeric: [false, true, true, true],
          rows: [
            ["20 LoopingCalls on a Reactor", formatCount(withLoops.trips), formatNs(withLoops.p99 * 1e6), formatCount(withLoops.ticks)],
            ["20 setIntervals", formatCount(withIntervals.trips), formatNs(withIntervals.p99 * 1e6), formatCount(withIntervals.ticks)],
          ],
        },
        notes: [
          `Round trips with LoopingCalls ÷ with setIntervals: ${fairness.toFixed(2)} (goal ≥ 0.9).`,
          `An idle reactor with one LoopingCall every 100 ms: ${idle.toFixed(2)}% of a core (goal < 1%).`,
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
