/**
 * `twisted-ts/testing/mocha`: a mocha root-hook plugin that makes mocha behave like trial for
 * code on the real reactor. Use it with `mocha --require twisted-ts/testing/mocha` (or in
 * `.mocharc`'s `require`). It:
 * - runs the global `reactor` for the whole run (started before the first test, stopped after
 *   the last), so `deferLater(reactor, …)`, `coiterate`, `callLater(0)` just work; a test may
 *   return a Deferred (or a Promise) and mocha waits for it;
 * - fails a test that logged an error (`log.err`, an unhandled error in a Deferred, …) that it
 *   did not take with `flushLoggedErrors(...types)`;
 * - fails a test that leaves delayed calls on the reactor (they are cancelled), or ports,
 *   connections or connection attempts opened through the reactor (named, and closed), or
 *   other open sockets, servers or processes (counted by handle type) behind: trial's "dirty
 *   reactor".
 * @module
 */
import { reactor } from "../reactor";
import type { IDelayedCall } from "../core/interfaces";
import { _openResources, type Closable } from "../net/registry";
import { loggedErrors, flushLoggedErrors, _startCapturingErrors, _stopCapturingErrors } from "./logged-errors";

/** The handle types (process.getActiveResourcesInfo) that a test must not leave behind. */
const WATCHED = new Set([
  "TCPServerWrap",
  "TCPSocketWrap",
  "TCPWrap",
  "PipeServerWrap",
  "PipeWrap",
  "UDPWrap",
  "ProcessWrap",
  "TLSWrap",
  "ConnectWrap",
]);

function openHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (WATCHED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let running: Promise<void> | null = null;
let handlesBefore = new Map<string, number>();
let callsBefore = new Set<IDelayedCall>();
let openBefore = new Set<Closable>();
const escaped: unknown[] = [];

function onUnhandledRejection(reason: unknown): void {
  escaped.push(reason);
}

/**
 * What the test left behind, as lines (empty when clean), cleaned up as trial does: delayed
 * calls are cancelled, the ports, connections and connection attempts it opened through the
 * reactor are named and closed; other open handles (sockets opened without the reactor, UDP
 * ports, processes) are counted by type.
 */
async function dirt(): Promise<string[]> {
  const lines: string[] = [];
  const left = reactor.getDelayedCalls().filter((c) => !callsBefore.has(c));
  for (const call of left) {
    lines.push(`  - pending delayed call: ${String(call)}`);
    if (call.active()) call.cancel();
  }
  const leftOpen = _openResources(reactor).filter((thing) => !openBefore.has(thing));
  for (const thing of leftOpen) {
    lines.push(`  - left open: ${(thing as { toString(): string }).toString()}`);
    try {
      thing._closeForShutdown();
    } catch (e) {
      lines.push(`    (closing it threw: ${String(e)})`);
    }
  }
  // The handles of what was just closed go away on a later turn.
  if (leftOpen.length > 0) for (let i = 0; i < 3; i++) await nextTurn();
  for (const [type, count] of openHandles()) {
    const extra = count - (handlesBefore.get(type) ?? 0);
    if (extra > 0) lines.push(`  - ${extra} open ${type} handle(s) (a socket, server, pipe or process not closed)`);
  }
  return lines;
}

/** The part of mocha's hook context the plugin uses. */
export interface HookContext {
  /** The hook itself (mocha's Runnable): `error(err)` fails the current test. */
  test?: {
    /** Records an error that fails the current test once the hook ends. */
    error?(err: unknown): void;
  };
  /** The test the hook runs for. */
  currentTest?: {
    /** The test's title. */
    title?: string;
    /** "passed", "failed" or undefined. */
    state?: string;
  };
}

/** Fails the current test from an afterEach hook without aborting the rest of the suite. */
function failTest(ctx: HookContext, error: Error): void {
  if (ctx.test !== undefined && typeof ctx.test.error === "function") ctx.test.error(error);
  else throw error;
}

/** The root hooks mocha loads from this module (`--require twisted-ts/testing/mocha`). */
export const mochaHooks = {
  /** Starts capturing logged errors and runs the global reactor. */
  beforeAll(): void {
    _startCapturingErrors();
    process.on("unhandledRejection", onUnhandledRejection);
    if (!reactor.running && running === null) running = reactor.run();
  },
  /** Forgets earlier errors; notes the delayed calls and handles that exist before the test. */
  beforeEach(): void {
    flushLoggedErrors();
    escaped.length = 0;
    handlesBefore = openHandles();
    callsBefore = new Set(reactor.getDelayedCalls());
    openBefore = new Set(_openResources(reactor));
  },
  /** Fails the test for unflushed errors, unhandled rejections, delayed calls or handles left behind. */
  async afterEach(this: HookContext): Promise<void> {
    // Let closes already under way finish (a socket's close completes on a later turn).
    for (let i = 0; i < 3; i++) await nextTurn();
    const problems: string[] = [];
    const errors = flushLoggedErrors();
    if (errors.length > 0) {
      problems.push(
        `logged ${errors.length} error(s) it did not flush (use flushLoggedErrors(...types) for expected ones):`,
        ...errors.map((e) => `  - ${e.message}${e.failure !== undefined ? `\n${e.failure.getTraceback()}` : ""}`),
      );
    }
    const rejections = escaped.splice(0);
    if (rejections.length > 0) {
      problems.push(`let ${rejections.length} Promise rejection(s) go unhandled:`, ...rejections.map((r) => `  - ${String(r)}`));
    }
    const left = await dirt();
    if (left.length > 0) problems.push("left the reactor dirty (trial's DirtyReactorAggregateError):", ...left);
    if (problems.length > 0) failTest(this, new Error(`the test ${problems.join("\n")}`));
  },
  /** Stops the reactor (waiting for its shutdown) and the capture of errors. */
  async afterAll(): Promise<void> {
    process.off("unhandledRejection", onUnhandledRejection);
    if (running !== null) {
      const r = running;
      running = null;
      if (reactor.running) reactor.stop();
      await r;
    }
    _stopCapturingErrors();
  },
};

export { flushLoggedErrors, loggedErrors };
