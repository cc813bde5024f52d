import { CancelledError, Deferred, Failure } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";

/** Starts some work and returns a Deferred whose cancel() stops it (its canceller). */
function startWork(reactor: Reactor): Deferred<string> {
  const call = reactor.callLater(1, () => d.callback("work done"));
  const d = new Deferred<string>(() => {
    console.log("canceller: stopping the work");
    call.cancel();
  });
  return d;
}

export function main(reactor: Reactor) {
  const d = startWork(reactor);
  d.addErrback((f: Failure) => {
    f.trap(CancelledError);
    return "cancelled";
  });
  d.addCallback((result) => console.log(`result: ${result}`));
  reactor.callLater(0.1, () => d.cancel()); // no result after 0.1 s: give up
  return d;
}
