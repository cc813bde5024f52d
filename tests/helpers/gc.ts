/**
 * Forces garbage collection and lets FinalizationRegistry callbacks run (needs --expose-gc).
 * Collects at least `rounds` times, and goes on (up to `maxRounds`) while `until` is false:
 * V8 may need more than one cycle, and a WeakRef keeps its target for the rest of the job.
 */
export async function collectGarbage(until?: () => boolean, rounds = 3, maxRounds = 20): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the tests with --expose-gc (see .mocharc.json)");
  for (let i = 0; i < maxRounds; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    if (i + 1 >= rounds && (until === undefined || until())) return;
  }
}
