import { Deferred } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { timeoutDeferred } from "twisted-ts/task";

function logTimeout(result: unknown, timeout: number): string {
  console.log(`Got ${JSON.stringify(result)} but actually timed out after ${timeout} seconds`);
  return `${result} (timed out)`;
}

export function main(reactor: Reactor) {
  // Generate a Deferred with a custom canceller function, and never call it back or errback it,
  // to guarantee it gets timed out.
  const d = new Deferred<string>((c) => c.callback("Everything's ok!"));
  timeoutDeferred(d, 0.2, reactor, logTimeout);
  d.addBoth(console.log);
  return d;
}
