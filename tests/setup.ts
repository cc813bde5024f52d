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
import { addObserver, defaultObserver, removeObserver, type LogEvent } from "../log";

const captured: LogEvent[] = [];
const escaped: unknown[] = [];

function capture(event: LogEvent): void {
  if (event.isError) captured.push(event);
}

function isGcReport(event: LogEvent): boolean {
  return typeof event.why === "string" && event.why.startsWith("Unhandled error in Deferred");
}

/**
 * Takes (and returns) the error events logged so far in this test, optionally only those whose
 * failure matches one of `types`; the rest stay and fail the test unless flushed too.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function flushLoggedErrors(...types: Function[]): LogEvent[] {
  const taken: LogEvent[] = [];
  for (let i = 0; i < captured.length; ) {
    const e = captured[i];
    const matches = types.length === 0 || (e.failure !== undefined && e.failure.check(...types) !== null);
    if (matches) {
      taken.push(e);
      captured.splice(i, 1);
    } else {
      i++;
    }
  }
  return taken;
}

/** The error events logged so far in this test, left in place. */
export function loggedErrors(): readonly LogEvent[] {
  return captured;
}

function onUnhandledRejection(reason: unknown): void {
  escaped.push(reason);
}

export const mochaHooks = {
  beforeAll(): void {
    removeObserver(defaultObserver);
    addObserver(capture);
    process.on("unhandledRejection", onUnhandledRejection);
  },
  beforeEach(): void {
    captured.length = 0;
    escaped.length = 0;
  },
  afterEach(): void {
    const unexpected = captured.filter((e) => !isGcReport(e));
    captured.length = 0;
    const rejections = escaped.splice(0);
    if (unexpected.length > 0) {
      const lines = unexpected.map((e) => `  - ${e.message}${e.failure ? `\n${e.failure.getTraceback()}` : ""}`);
      throw new Error(`the test logged ${unexpected.length} unexpected error(s):\n${lines.join("\n")}`);
    }
    if (rejections.length > 0) {
      throw new Error(`unhandled Promise rejection(s) escaped the test: ${rejections.map(String).join("; ")}`);
    }
  },
  afterAll(): void {
    process.off("unhandledRejection", onUnhandledRejection);
    removeObserver(capture);
    addObserver(defaultObserver);
  },
};
