/**
 * Processes: `reactor.spawnProcess` of /bin/true, one after another, each waited for until
 * `processEnded`, against node:child_process's `spawn` waited for until 'close' (the raw Node
 * figure) and Twisted's spawnProcess (bench/twisted/processes.py).
 */
import { spawn } from "node:child_process";
import { Reactor } from "../reactor";
import { ProcessProtocol } from "../net";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

const OURS = "spawnProcess(/bin/true) to processEnded";
const RAW = "child_process.spawn(/bin/true) to 'close'";

class Ended extends ProcessProtocol {
  constructor(private readonly done: () => void) {
    super();
  }
  override processEnded(): void {
    this.done();
  }
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 20 : 300;
  const reactor = new Reactor({ installSignalHandlers: false });
  const ms = await compare(
    [
      {
        name: OURS,
        ops: n,
        run: async () => {
          for (let i = 0; i < n; i++) {
            await new Promise<void>((resolve) => reactor.spawnProcess(new Ended(resolve), "/bin/true", ["true"]));
          }
        },
      },
      {
        name: RAW,
        ops: n,
        run: async () => {
          for (let i = 0; i < n; i++) {
            await new Promise<void>((resolve) => spawn("/bin/true", [], { env: {} }).on("close", () => resolve()));
          }
        },
      },
    ],
    { rounds: ctx.quick ? 3 : 5, progress: ctx.progress, label: `${formatCount(n)} processes` },
  );
  const twisted = await ctx.twisted.run("processes.py", { n, rounds: ctx.quick ? 3 : 5 });
  return {
    name: "Processes",
    headlines: [
      {
        workload: "spawnProcess: /bin/true, started and ended (per process)",
        kind: "time",
        ours: ms[0].nsPerOp,
        anchor: { name: "child_process.spawn", value: ms[1].nsPerOp },
        twisted: twistedHeadline(twisted, "spawn", n),
        goal: "within 10% of child_process.spawn",
        met: ms[0].nsPerOp <= ms[1].nsPerOp * 1.1,
      },
    ],
    sections: [
      {
        title: `${formatCount(n)} runs of /bin/true, one after another`,
        table: comparisonTable(ms, RAW, [twistedRow(twisted, "spawnProcess(/bin/true) to processEnded", "spawn", n)]),
        notes: [`${(1e9 / ms[0].nsPerOp).toFixed(0)} processes a second with spawnProcess, ${(1e9 / ms[1].nsPerOp).toFixed(0)} with child_process.spawn.`],
      },
    ],
  };
}

/** `npm run bench -- processes`. */
export const processes: Benchmark = {
  name: "processes",
  description: "spawnProcess of /bin/true per second vs child_process.spawn (and Twisted's spawnProcess)",
  run,
};
