/**
 * Threads: deferToThreadPool against piscina used directly (the raw Node figure) and against
 * Twisted's deferToThread (bench/twisted/threads.py):
 * - calls per second of a trivial function (N calls issued at once, waited for together);
 * - a CPU-bound job, SHA-256 of 64 MB in 1 MB pieces (quick: 8 MB), one piece per call, against
 *   the same hashing on the main thread: the speed-up.
 * Both pools have as many threads as the machine has cores (at most 8).
 */
import * as os from "node:os";
import { Piscina } from "piscina";
import { Reactor } from "../reactor";
import { ThreadPool, deferToThreadPool, transferToThread } from "../net";
import { gatherResults } from "../defer";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";
import { sha256 } from "./thread-work";
import { EXT, moduleFile } from "./paths";
import type { ThreadOutcome } from "../net/thread-worker";

const WORK = moduleFile("bench/thread-work");
const THREADS = Math.max(2, Math.min(8, os.cpus().length));
const PIECE = 1 << 20;
const TRIVIAL = "deferToThreadPool: trivial call";
const RAW = "piscina.run: trivial call";
const HASH_THREADS = "deferToThreadPool: hash 1 MB pieces";
const HASH_MAIN = "main thread: hash 1 MB pieces";
const HASH_MOVED = "deferToThreadPool + transferToThread: hash 1 MB pieces";

function workerEntry(): string {
  return moduleFile("net/thread-worker");
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 200 : 5_000;
  const megabytes = ctx.quick ? 8 : 64;
  const reactor = new Reactor({ installSignalHandlers: false });
  const pool = new ThreadPool({ minThreads: THREADS, maxThreads: THREADS, name: "bench" });
  pool.start();
  // The raw figure: piscina with the same worker entry and the same number of threads.
  // From the sources, the threads load the .ts entry through ts-node, as ThreadPool's do.
  const execArgv = EXT === ".ts" ? { execArgv: ["--require", require.resolve("ts-node/register/transpile-only")] } : {};
  const raw = new Piscina({ filename: workerEntry(), minThreads: THREADS, maxThreads: THREADS, ...execArgv });
  const pieces = Array.from({ length: megabytes }, (_, i) => Buffer.alloc(PIECE, i));
  try {
    const trivial = await compare(
      [
        {
          name: TRIVIAL,
          ops: n,
          run: async () => {
            await gatherResults(Array.from({ length: n }, (_, i) => deferToThreadPool<number>(reactor, pool, WORK, "add", i, 1)));
          },
        },
        {
          name: RAW,
          ops: n,
          run: async () => {
            await Promise.all(Array.from({ length: n }, (_, i) => raw.run({ module: WORK, exportName: "add", args: [i, 1] }) as Promise<ThreadOutcome>));
          },
        },
      ],
      { rounds: ctx.quick ? 3 : 5, progress: ctx.progress, label: `${formatCount(n)} trivial calls` },
    );
    const hashRounds = ctx.quick ? 3 : 5;
    const stock = Array.from({ length: (hashRounds + 1) * megabytes }, (_, i) => Buffer.alloc(PIECE, i));
    const hashing = await compare(
      [
        {
          name: HASH_THREADS,
          ops: megabytes,
          run: async () => {
            await gatherResults(pieces.map((p) => deferToThreadPool<string>(reactor, pool, WORK, "sha256", p)));
          },
        },
        {
          name: HASH_MAIN,
          ops: megabytes,
          run: () => {
            for (const p of pieces) sha256(p);
          },
        },
        {
          // Moved, not copied: the moved pieces are left empty, so each round (and the warm-up)
          // takes its own from a stock made and filled beforehand, like `pieces`.
          name: HASH_MOVED,
          ops: megabytes,
          run: async () => {
            const mine = stock.splice(0, megabytes);
            await gatherResults(mine.map((p) => deferToThreadPool<string>(reactor, pool, WORK, "sha256", transferToThread(p))));
          },
        },
      ],
      { rounds: hashRounds, progress: ctx.progress, label: `SHA-256 of ${megabytes} MB` },
    );
    const twisted = await ctx.twisted.run("threads.py", { n, megabytes, threads: THREADS, rounds: ctx.quick ? 3 : 5 });
    const speedup = hashing[1].nsPerOp / hashing[0].nsPerOp;
    const movedSpeedup = hashing[1].nsPerOp / hashing[2].nsPerOp;
    const twistedHash = twistedHeadline(twisted, "hash-threads", megabytes);
    const twistedMain = twistedHeadline(twisted, "hash-main", megabytes);
    const twistedSpeedup = typeof twistedHash === "number" && typeof twistedMain === "number" ? (twistedMain / twistedHash).toFixed(2) : "n/a";
    return {
      name: "Threads",
      headlines: [
        {
          workload: `deferToThread: a trivial call (${THREADS} threads)`,
          kind: "time",
          ours: trivial[0].nsPerOp,
          anchor: { name: "piscina.run", value: trivial[1].nsPerOp },
          twisted: twistedHeadline(twisted, "trivial", n),
          goal: "within 10% of piscina",
          met: trivial[0].nsPerOp <= trivial[1].nsPerOp * 1.1,
        },
        {
          workload: `deferToThread: SHA-256 of ${megabytes} MB in 1 MB pieces (per MB; ${speedup.toFixed(2)}x the main thread)`,
          kind: "time",
          ours: hashing[0].nsPerOp,
          anchor: { name: "the main thread", value: hashing[1].nsPerOp },
          twisted: twistedHash,
          twistedNote: `(${twistedSpeedup}x its main thread)`,
        },
        {
          workload: `deferToThread + transferToThread: SHA-256 of ${megabytes} MB in 1 MB pieces moved, not copied (per MB; ${movedSpeedup.toFixed(2)}x the main thread)`,
          kind: "time",
          ours: hashing[2].nsPerOp,
          anchor: { name: "the main thread", value: hashing[1].nsPerOp },
          twisted: twistedHash,
          twistedNote: `(${twistedSpeedup}x its main thread)`,
        },
      ],
      sections: [
        {
          title: `${formatCount(n)} trivial calls, issued at once, ${THREADS} threads`,
          table: comparisonTable(trivial, RAW, [twistedRow(twisted, "deferToThread: trivial call", "trivial", n)]),
        },
        {
          title: `SHA-256 of ${megabytes} MB in 1 MB pieces, ${THREADS} threads`,
          table: comparisonTable(hashing, HASH_MAIN, [
            twistedRow(twisted, "deferToThread: hash 1 MB pieces", "hash-threads", megabytes),
            twistedRow(twisted, "main thread: hash 1 MB pieces", "hash-main", megabytes),
          ]),
          notes: [
            `Speed-up over the main thread: ${speedup.toFixed(2)}x with ${THREADS} threads when each piece is copied to its thread, ` +
              `${movedSpeedup.toFixed(2)}x when it is moved (transferToThread). ` +
              `Twisted: ${twistedSpeedup}x (hashlib releases the GIL while it hashes large buffers).`,
          ],
        },
      ],
    };
  } finally {
    await pool.stop();
    await raw.destroy();
  }
}

/** `npm run bench -- threads`. */
export const threads: Benchmark = {
  name: "threads",
  description: "deferToThread: trivial calls vs piscina, SHA-256 of 64 MB in threads vs the main thread (and Twisted)",
  run,
};
