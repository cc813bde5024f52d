/**
 * Runs one benchmark in a process of its own, for bench/index.ts: each benchmark starts from a
 * fresh V8 heap and fresh JIT feedback, so one benchmark's leftovers (a grown old generation,
 * call sites made polymorphic by another benchmark's callbacks) do not slow the next one.
 * Measured: the Deferred benchmark ran ~15% slower after timers, memory and lateness in one
 * process than alone (1M Deferreds made then fired: 210 ns against 185-206 ns), while its
 * Promise anchor did not change. Within a benchmark, each workload still runs side by side with
 * its anchor in this one process.
 *
 * Argument: one JSON object, {@link ChildRequest}. It writes a {@link ChildReply} as JSON to
 * `resultFile`; progress goes to stderr as in the parent.
 */
import * as fs from "node:fs";
import { Progress } from "./progress";
import { benchmarks } from "./registry";
import type { BenchResult } from "./report";
import { TwistedRunner } from "./twisted";

/** What bench/index.ts asks of a child. */
export interface ChildRequest {
  name: string;
  quick: boolean;
  python: string;
  twisted: boolean;
  /** Its place in the run (from 1) and the run's length, for the progress lines. */
  index: number;
  count: number;
  resultFile: string;
}

/** What a child answers: the result, or the error the benchmark threw; Twisted scripts that crashed. */
export interface ChildReply {
  result?: BenchResult;
  error?: string;
  twistedFailures: string[];
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as ChildRequest;
  const benchmark = benchmarks.find((b) => b.name === request.name);
  if (benchmark === undefined) throw new Error(`unknown benchmark ${request.name}`);
  const progress = new Progress(process.stderr);
  const twisted = new TwistedRunner({
    python: request.python,
    enabled: request.twisted,
    progress,
    // Quick runs take a few seconds of Python a script; a full run's timers about a minute.
    timeoutMs: request.quick ? 30_000 : 15 * 60_000,
  });
  progress.benchmark(benchmark.name, request.index, request.count);
  const reply: ChildReply = { twistedFailures: [] };
  try {
    reply.result = await benchmark.run({ quick: request.quick, progress, twisted });
  } catch (e) {
    reply.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  progress.clear();
  reply.twistedFailures = twisted.failures;
  fs.writeFileSync(request.resultFile, JSON.stringify(reply));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
