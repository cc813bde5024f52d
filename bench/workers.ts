/**
 * `twisted-ts run --workers 2` against one process: a TCP echo server (bench/workers-echo.cjs,
 * node:net) and C client connections from this process, each doing M ping-pong round trips of
 * 64 bytes, all at once; ns per round trip. Only useful on a machine with spare cores (the
 * client runs on one too). Twisted has no equivalent (`twistd` runs one process).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import type { BenchContext, Benchmark } from "./benchmark";
import { compare, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";
import { REPO } from "./paths";

const BIN = path.join(REPO, "bin", "twisted-ts.js");
const SERVER = path.join(REPO, "bench", "workers-echo.cjs");
const PAYLOAD = Buffer.alloc(64, 0x62);
const TWO = "--workers 2: ping-pong round trips";
const ONE = "one process: ping-pong round trips";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server (1 or N workers) and resolves once every copy listens. */
async function startServer(workers: number): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const args = workers > 1 ? ["run", "--workers", String(workers), SERVER, String(port)] : ["run", SERVER, String(port)];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    child.stdout.on("data", (c: Buffer) => {
      seen += (c.toString().match(/listening/g) ?? []).length;
      if (seen >= workers) resolve();
    });
    child.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { port, child };
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** C connections, each M round trips, at once. */
function pingPong(port: number, connections: number, trips: number): Promise<void> {
  return Promise.all(
    Array.from(
      { length: connections },
      () =>
        new Promise<void>((resolve, reject) => {
          const s = net.connect(port, "127.0.0.1");
          s.setNoDelay(true);
          let left = trips;
          let got = 0;
          s.on("connect", () => s.write(PAYLOAD));
          s.on("data", (c: Buffer) => {
            got += c.length;
            while (got >= PAYLOAD.length) {
              got -= PAYLOAD.length;
              if (--left === 0) {
                s.end();
                resolve();
                return;
              }
              s.write(PAYLOAD);
            }
          });
          s.on("error", reject);
        }),
    ),
  ).then(() => undefined);
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const connections = ctx.quick ? 20 : 200;
  const trips = ctx.quick ? 50 : 200;
  const ops = connections * trips;
  const two = await startServer(2);
  const one = await startServer(1);
  try {
    const ms = await compare(
      [
        { name: TWO, ops, run: () => pingPong(two.port, connections, trips) },
        { name: ONE, ops, run: () => pingPong(one.port, connections, trips) },
      ],
      { rounds: ctx.quick ? 3 : 5, progress: ctx.progress, label: `${formatCount(connections)} connections` },
    );
    return {
      name: "Workers",
      headlines: [
        {
          workload: `--workers 2: echo round trips, ${formatCount(connections)} connections at once (per round trip)`,
          kind: "time",
          ours: ms[0].nsPerOp,
          anchor: { name: "one process", value: ms[1].nsPerOp },
          twisted: "n/a",
        },
      ],
      sections: [
        {
          title: `${formatCount(connections)} connections × ${trips} round trips of 64 bytes, at once`,
          table: comparisonTable(ms, ONE),
          notes: ["The client runs in the benchmark's process, on a core of its own only when the machine has one to spare."],
        },
      ],
    };
  } finally {
    await stopServer(two.child);
    await stopServer(one.child);
  }
}

/** `npm run bench -- workers`. */
export const workers: Benchmark = {
  name: "workers",
  description: "twisted-ts run --workers 2 vs one process: a TCP echo server under many connections",
  run,
};
