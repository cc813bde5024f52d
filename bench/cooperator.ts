/**
 * Cooperator benchmark: the cost of one coiterate step (one `next()` of a generator, run by the
 * tick loop with the default ~10 ms termination predicate), against a plain loop over the same
 * generator and against `for await` over an async generator.
 *
 * Target (PERFORMANCE.md): at most 50 ns per coiterate step (Twisted 22.4: about 290 ns).
 */
import type { IDelayedCall } from "../reactor";
import { Reactor } from "../reactor";
import { Cooperator } from "../task/cooperator";
import { compare, formatNs, printTable, quick, type Measurement } from "./harness";

const N = quick ? 20_000 : 1_000_000;
/** Async steps cost far more; fewer of them keep a round short. */
const N_ASYNC = quick ? 5_000 : 200_000;

let sink = 0;

function* counter(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

async function* asyncCounter(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** A scheduler that only queues the tick; `drain` runs the queue, as a trivial event loop would. */
function queueScheduler(): { schedule: (x: () => void) => IDelayedCall; drain: () => void } {
  const queue: Array<() => void> = [];
  const handle = {
    getTime: () => 0,
    cancel: () => undefined,
    delay: () => undefined,
    reset: () => undefined,
    active: () => true,
    called: false,
    cancelled: false,
  };
  return {
    schedule: (x) => {
      queue.push(x);
      return handle;
    },
    drain: () => {
      while (queue.length > 0) (queue.shift() as () => void)();
    },
  };
}

/** N coiterate steps on a Cooperator driven by the queue scheduler. */
function coiterateQueued(): void {
  const { schedule, drain } = queueScheduler();
  const coop = new Cooperator({ scheduler: schedule });
  let done = false;
  coop.coiterate(counter(N)).addCallback(() => {
    done = true;
  });
  drain();
  if (!done) throw new Error("coiterate did not finish");
  sink++;
}

/** N coiterate steps on a Cooperator driven by a real Reactor (ticks between the reactor's passes). */
async function coiterateOnReactor(): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  const coop = new Cooperator({ scheduler: (x) => r.callLater(1e-8, x) });
  r.callWhenRunning(() => {
    coop.coiterate(counter(N)).addCallback(() => r.stop());
  });
  await r.run();
  sink++;
}

/** N_ASYNC coiterate steps of an async generator (each step waits on a Promise). */
async function coiterateAsync(): Promise<void> {
  const r = new Reactor({ installSignalHandlers: false });
  const coop = new Cooperator({ scheduler: (x) => r.callLater(1e-8, x) });
  r.callWhenRunning(() => {
    coop.coiterate(asyncCounter(N_ASYNC)).addCallback(() => r.stop());
  });
  await r.run();
  sink++;
}

/** The reference: the same generator, stepped by a plain loop. */
function plainLoop(): void {
  const it = counter(N);
  let s = 0;
  for (let r = it.next(); !r.done; r = it.next()) s += r.value;
  sink += s;
}

/** The asynchronous reference: `for await` over an async generator. */
async function forAwait(): Promise<void> {
  let s = 0;
  for await (const v of asyncCounter(N_ASYNC)) s += v;
  sink += s;
}

export async function run(): Promise<Measurement[]> {
  const rounds = quick ? 3 : 7;
  const sync = await compare(
    [
      { name: "coiterate step (queue scheduler, default 10 ms ticks)", ops: N, run: coiterateQueued },
      { name: "coiterate step (real Reactor)", ops: N, run: coiterateOnReactor },
      { name: "plain loop: it.next() until done", ops: N, run: plainLoop },
    ],
    rounds,
  );
  printTable(
    `Cooperator: ${N.toLocaleString("en-US")} coiterate steps of a generator (median of ${rounds} rounds)`,
    sync,
    "plain loop: it.next() until done",
  );
  const async = await compare(
    [
      { name: "coiterate step of an async generator (real Reactor)", ops: N_ASYNC, run: coiterateAsync },
      { name: "for await over an async generator", ops: N_ASYNC, run: forAwait },
    ],
    rounds,
  );
  printTable(
    `Cooperator: ${N_ASYNC.toLocaleString("en-US")} steps of an async generator (median of ${rounds} rounds)`,
    async,
    "for await over an async generator",
  );
  const step = sync[0].nsPerOp;
  console.log(
    `\ncoiterate step: ${formatNs(step)} (target <= 50 ns; Twisted 22.4 about 290 ns); ` +
      `plain loop ${formatNs(sync[2].nsPerOp)}, so the Cooperator adds ${formatNs(Math.max(0, step - sync[2].nsPerOp))} per step.`,
  );
  if (sink === -1) console.log(sink); // keep the work observable
  return [...sync, ...async];
}

if (require.main === module) {
  run().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
