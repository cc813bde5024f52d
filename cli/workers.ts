/**
 * `twisted-ts run --workers N FILE`: N copies of the program in node:cluster workers, for servers
 * that need more than one core. Each worker runs the same command line (and so FILE's main on
 * its own reactor); a `listen` in the workers shares the port through the primary, as Node's
 * cluster does.
 *
 * The primary:
 * - restarts a worker that dies (a signal, or a non-zero exit code) while it is not stopping;
 *   a worker that dies within {@link CRASH_WINDOW_MS} of its start {@link CRASH_LOOP} times in a
 *   row is not restarted again: the primary stops the others and exits with its code;
 * - forwards SIGINT and SIGTERM to the workers, then waits for them;
 * - exits once every worker has ended, with the first non-zero exit code among the last ones
 *   (a worker ended by a signal counts as 128 + the signal's number), else 0.
 * @module
 */
import cluster, { type Worker } from "node:cluster";
import { constants as osConstants } from "node:os";
import { exitProcess } from "../task/react";

/** A worker that dies this soon after it started is crashing at start-up. */
export const CRASH_WINDOW_MS = 2000;
/** This many quick deaths in a row, and the primary gives up. */
export const CRASH_LOOP = 3;

/** True in a worker started by {@link runWorkers}: it runs the program itself. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/** Starts `count` workers and supervises them (see the module's description); ends the process. */
export function runWorkers(count: number): void {
  let stopping = false;
  let quickDeaths = 0;
  let exitCode = 0;
  const started = new Map<Worker, number>();

  const fork = (): void => {
    const worker = cluster.fork();
    started.set(worker, performance.now());
  };

  const stopAll = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker !== undefined && !worker.isDead()) worker.process.kill(signal);
    }
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    stopAll(signal);
  };

  cluster.on("exit", (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
    const lived = performance.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    const status = signal !== null ? 128 + (osConstants.signals[signal] ?? 0) : (code ?? 0);
    const died = status !== 0;
    if (died && !stopping) {
      quickDeaths = lived < CRASH_WINDOW_MS ? quickDeaths + 1 : 0;
      if (quickDeaths >= CRASH_LOOP) {
        process.stderr.write(
          `twisted-ts: worker ${worker.process.pid} ended with ${signal ?? `exit code ${code}`} ` +
            `${quickDeaths} times in a row right after starting; stopping\n`,
        );
        exitCode = status;
        stopAll("SIGTERM");
      } else {
        process.stderr.write(`twisted-ts: worker ${worker.process.pid} ended with ${signal ?? `exit code ${code}`}; restarting it\n`);
        fork();
        return;
      }
    } else if (died && exitCode === 0) {
      exitCode = status;
    }
    if (started.size === 0) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      exitProcess(exitCode);
    }
  });

  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  for (let i = 0; i < count; i++) fork();
}
