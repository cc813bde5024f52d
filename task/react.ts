/**
 * `react(main)`: the entry point of a program run by the reactor.
 * @module
 */
import { NamedError } from "../core/named-error";
import { maybeDeferred } from "../defer/functions";
import { Failure, safeString } from "../core/failure";
import { err } from "../log";
import { reactor as globalReactor } from "../reactor";
import type { IReactorCore } from "../core/interfaces";

/**
 * Thrown (or failed with) to end a `react` program with exit code `code`, without the failure
 * being logged: Python's `SystemExit` for `react`.
 */
export class SystemExit extends NamedError {
  /**
   * The exit code the program ends with, as given. As Python's `sys.exit`: an integer is the
   * code; `undefined`/`null` is 0; anything else (1.5, NaN, "abc") is printed to stderr and the
   * code is 1.
   */
  readonly code: number;
  constructor(code: number) {
    super(`exit code ${safeString(code)}`);
    this.code = code;
  }
}

/** The process exit code a SystemExit stands for (see {@link SystemExit.code}); prints a non-integer. */
function exitCodeOf(e: unknown): number {
  const code = (e as { code?: unknown }).code;
  if (code === undefined || code === null) return 0;
  if (typeof code === "boolean") return code ? 1 : 0;
  // Node takes an int32 exit code; the system keeps its low 8 bits (as Python's exit(256) is 0).
  if (typeof code === "number" && Number.isInteger(code) && Math.abs(code) <= 2 ** 31 - 1) return code & 0xff;
  process.stderr.write(`${safeString(code)}\n`);
  return 1;
}

/** Options of {@link react}. */
export interface ReactOptions {
  /** The reactor to run (default: the global one). */
  reactor?: IReactorCore;
  /** Called once with the exit code after the reactor has stopped (default: end the process). */
  exit?: (code: number) => void;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Runs a program: calls `main(reactor, ...argv)`, runs the reactor until what main returned
 * (a Deferred, a Promise or a plain value) settles, then stops the reactor, exactly once (not at
 * all if something else already stopped it), and exits.
 *
 * Exit code: 0 on success; 1 on failure, which is logged with `log.err`; `code` when the failure
 * is a {@link SystemExit} (not logged); 128 + the signal number (130, 143) when SIGINT or SIGTERM
 * stopped the reactor before main's result settled, as shells expect. Once the reactor has
 * stopped, `options.exit(code)` is called once and the returned Promise resolves to the code. The
 * default `exit` ends the process with that code after the output buffered for stdout and
 * stderr has been written.
 *
 * While the reactor runs: a rejected Promise that nobody handles is logged with `log.err` and
 * ends the program as a failed main would (the shutdown triggers run; exit code 1); stdout
 * closed by its reader (EPIPE, as under `| head`) ends the program quietly, as command-line
 * tools do (the shutdown triggers run; the exit code is react's). `main` gets `argv` as
 * arguments however many there are (tens of thousands included).
 *
 * @example
 * ```ts
 * react(async (reactor: Reactor, url: string) => {
 *   const page = await fetchPage(url);
 *   console.log(page.length);
 * }, [process.argv[2]]);
 * ```
 */
export function react<A extends unknown[]>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the contract: main gets whichever reactor was given
  main: (reactor: any, ...argv: A) => unknown,
  argv?: A,
  options: ReactOptions = {},
): Promise<number> {
  const reactor = options.reactor ?? globalReactor;
  const exit = options.exit ?? exitProcess;
  const args = (argv ?? []) as A;
  let code = 0;
  let settled = false;
  // Set once a shutdown is under way, whoever started it: react then must not stop it again.
  let stopping = false;
  reactor.addSystemEventTrigger("before", "shutdown", () => {
    stopping = true;
  });

  const finish = (result: unknown, stopReactor: boolean, logged = false): void => {
    if (settled) return; // the first outcome (main's, a stray rejection, EPIPE) decides
    settled = true;
    if (result instanceof Failure) {
      if (result.check(SystemExit) !== null) {
        code = exitCodeOf(result.value);
      } else {
        if (!logged) err(result, "main function encountered error");
        code = 1;
      }
    }
    if (stopReactor) {
      try {
        reactor.stop();
      } catch {
        // Stopped meanwhile by something else: that one stop is enough.
      }
    }
  };

  // Under react, a stray rejected Promise is an error of the program: logged, and the program
  // stops as a failed main would (shutdown triggers run). Output cut by the reader (`| head`)
  // is the end of output, as for other command-line tools: the program stops quietly.
  const onRejection = (reason: unknown): void => {
    err(reason, "Unhandled rejected Promise:");
    if (!settled) finish(new Failure(reason), !stopping, true);
    else if (code === 0) code = 1;
  };
  const onStdoutError = (e: unknown): void => {
    if ((e as { code?: unknown } | null)?.code !== "EPIPE") {
      err(e, "Error writing to stdout:");
      return;
    }
    if (!settled && !stopping) finish(undefined, true);
  };
  process.on("unhandledRejection", onRejection);
  process.stdout.on("error", onStdoutError);

  // One spread only: main(reactor, ...argv), inside maybeDeferred (which never throws). A
  // second spread (maybeDeferred(main, reactor, ...args)) overflowed the stack at ~65,000 items.
  maybeDeferred(() => main(reactor, ...args)).addBoth((result: unknown) => {
    if (stopping) finish(result, false);
    else reactor.callWhenRunning(finish, result, true);
    return null; // the outcome is the exit code: nothing is left to be reported as unhandled
  });

  return reactor.run().then(() => {
    process.off("unhandledRejection", onRejection);
    // Left on: a write after the end may still fail with EPIPE, and must not crash the exit.
    process.stdout.off("error", onStdoutError);
    if (!process.stdout.listeners("error").includes(ignoreEpipe)) process.stdout.on("error", ignoreEpipe);
    if (!settled) {
      // Stopped before main's result settled: by a signal, or by someone calling stop().
      const signal = (reactor as { exitSignal?: string | null }).exitSignal;
      if (signal && signal in SIGNAL_NUMBERS) code = 128 + SIGNAL_NUMBERS[signal];
    }
    exit(code);
    return code;
  });
}

/** After react's end: a broken stdout pipe is ignored (nothing more is to be read). */
function ignoreEpipe(e: unknown): void {
  if ((e as { code?: unknown } | null)?.code !== "EPIPE") err(e, "Error writing to stdout:");
}

/**
 * Ends the process with `code` once stdout and stderr have written what they buffered (a write
 * to a pipe is asynchronous: `process.exit()` at once could cut the output short). React's
 * default `exit`; the `twisted-ts` command uses it too.
 * @internal
 */
export function exitProcess(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength === 0 || stream.destroyed) done();
    else stream.write("", done);
  }
}
