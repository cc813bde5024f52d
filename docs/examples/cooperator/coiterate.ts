import type { Reactor } from "twisted-ts/reactor";
import { coiterate } from "twisted-ts/task";

/** A long computation, one step per number: each `yield` lets the Cooperator pause it. */
function* countMultiples(limit: number, of: number, result: { count: number }): Generator<void> {
  for (let i = 1; i <= limit; i++) {
    if (i % of === 0) result.count++;
    yield;
  }
}

export async function main(reactor: Reactor): Promise<void> {
  let timerRan = false;
  reactor.callLater(0, () => (timerRan = true));

  const result = { count: 0 };
  // coiterate runs the steps in ticks of about 10 ms, giving the reactor back in between.
  await coiterate(countMultiples(5_000_000, 7, result));
  console.log(`multiples of 7 up to 5,000,000: ${result.count}`);
  console.log(`a timer ran before the computation finished: ${timerRan}`);
}
