import { Reactor } from "../../reactor";

/** A Reactor for tests: no signal handlers (the test process's own must stay). */
export function newReactor(): Reactor {
  return new Reactor({ installSignalHandlers: false });
}

/**
 * Runs `r` until it stops by itself; fails (and crashes it) after `timeoutSeconds` of real time
 * so a broken test cannot hang the suite. The guard is a plain Node timer, outside the reactor.
 */
export async function runReactor(r: Reactor, timeoutSeconds = 5): Promise<void> {
  let timedOut = false;
  const guard = setTimeout(() => {
    timedOut = true;
    r.crash();
  }, timeoutSeconds * 1000);
  try {
    await r.run();
  } finally {
    clearTimeout(guard);
  }
  if (timedOut) throw new Error(`the reactor was still running after ${timeoutSeconds}s`);
}
