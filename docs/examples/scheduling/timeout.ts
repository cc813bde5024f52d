import { Failure, TimeoutError, gatherResults } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { deferLater, timeoutDeferred } from "twisted-ts/task";

function f(): string {
  return "Hopefully this will be called in 0.3 seconds or less";
}

function runTask(reactor: Reactor, delay: number) {
  function called(result: string | Failure): void {
    if (result instanceof Failure) {
      result.trap(TimeoutError); // a TimedOutError is a TimeoutError
      console.log(`a task of ${delay} seconds: timed out`);
    } else {
      console.log(`a task of ${delay} seconds: ${result}`);
    }
  }

  const d = deferLater(reactor, delay, f);
  return timeoutDeferred(d, 0.3, reactor).addBoth(called);
}

export function main(reactor: Reactor) {
  // f() will be called after 0.1 and after 0.5 seconds; the second call never comes: after 0.3
  // seconds, its Deferred is cancelled and fails with TimedOutError.
  return gatherResults([runTask(reactor, 0.1), runTask(reactor, 0.5)]);
}
