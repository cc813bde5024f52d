import { CancelledError, Deferred, ensureDeferred } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";

/** A Promise-based API that takes an AbortSignal, as fetch() does. */
function sleep(seconds: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(`slept ${seconds} s`), seconds * 1000);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    });
  });
}

export async function main(_reactor: Reactor): Promise<void> {
  // A Promise as a Deferred, and a Deferred as a Promise.
  const d = Deferred.fromPromise(sleep(0.05));
  d.addCallback((s) => console.log(`fromPromise: ${s}`));
  await d.asPromise();

  // ensureDeferred: a Promise (or a coroutine: a generator) as a Deferred.
  console.log(`ensureDeferred: ${await ensureDeferred(sleep(0.05))}`);

  // fromAsync: cancelling the Deferred aborts the signal the async function was given.
  let aborted = false;
  const task = Deferred.fromAsync(async (signal) => {
    signal.addEventListener("abort", () => (aborted = true));
    return sleep(10, signal);
  });
  task.cancel();
  try {
    await task;
  } catch (e) {
    console.log(`fromAsync, cancelled: ${e instanceof CancelledError}; signal aborted: ${aborted}`);
  }
}
