/**
 * Mocha root hooks, loaded for every test file (see .mocharc.json).
 *
 * Like Twisted's trial, a test fails when the runtime logged an error it did not expect: every
 * error event is captured, and a test that expects some takes them with `flushLoggedErrors()`.
 * An unhandledRejection or uncaughtException escaping the runtime fails the test too.
 *
 * "Unhandled error in Deferred" reports are the exception: they come from the garbage collector,
 * at a time no test controls, so they may surface during a later test. They are dropped here and
 * checked by the tests written for them (which force a collection).
 */
import type { LogEvent } from "../log";
import { reactor } from "../reactor";
import { _startCapturingErrors, _stopCapturingErrors, flushLoggedErrors, loggedErrors } from "../testing/logged-errors";

// The capture is twisted-ts/testing's (the one its mocha plugin uses), so `flushLoggedErrors`
// from "../setup" and from "twisted-ts/testing" take from the same list.
export { flushLoggedErrors, loggedErrors };

const escaped: unknown[] = [];
let running: Promise<void> | null = null;

function isGcReport(event: LogEvent): boolean {
  return typeof event.why === "string" && event.why.startsWith("Unhandled error in Deferred");
}

function onUnhandledRejection(reason: unknown): void {
  escaped.push(reason);
}

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    // As trial: the global reactor runs for the whole run, so a test may use it as a program does.
    // (Root hooks run once per process: a stopped reactor cannot run again, so no --parallel.)
    if (!reactor.running && running === null) {
      const before = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
      running = reactor.run();
      await new Promise<void>((resolve) => reactor.callWhenRunning(resolve));
      // Ctrl-C and SIGTERM still end the test run: the reactor's own handlers (which only stop
      // the reactor) are taken off again.
      for (const sig of ["SIGINT", "SIGTERM"] as const) {
        for (const l of process.listeners(sig)) if (!before[sig].includes(l)) process.off(sig, l);
      }
    }
    _startCapturingErrors();
    process.on("unhandledRejection", onUnhandledRejection);
  },
  beforeEach(): void {
    flushLoggedErrors();
    escaped.length = 0;
  },
  afterEach(): void {
    const unexpected = flushLoggedErrors().filter((e) => !isGcReport(e));
    const rejections = escaped.splice(0);
    if (unexpected.length > 0) {
      const lines = unexpected.map((e) => `  - ${e.message}${e.failure ? `\n${e.failure.getTraceback()}` : ""}`);
      throw new Error(`the test logged ${unexpected.length} unexpected error(s):\n${lines.join("\n")}`);
    }
    if (rejections.length > 0) {
      throw new Error(`unhandled Promise rejection(s) escaped the test: ${rejections.map(String).join("; ")}`);
    }
  },
  async afterAll(): Promise<void> {
    process.off("unhandledRejection", onUnhandledRejection);
    _stopCapturingErrors();
    if (running !== null) {
      const r = running;
      running = null;
      if (reactor.running) reactor.stop();
      await r;
    }
  },
};
