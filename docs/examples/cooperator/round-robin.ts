import type { Reactor } from "twisted-ts/reactor";
import { Cooperator } from "twisted-ts/task";

function* worker(name: string, steps: number): Generator<void> {
  for (let i = 1; i <= steps; i++) {
    console.log(`${name} step ${i}`);
    yield;
  }
}

export async function main(reactor: Reactor): Promise<void> {
  let ticks = 0;
  const cooperator = new Cooperator({
    // End each tick after 2 steps (the default: after about 10 ms)...
    terminationPredicateFactory: () => {
      let steps = 0;
      return () => ++steps >= 2;
    },
    // ...and schedule the next tick on the reactor, counting them.
    scheduler: (tick) => {
      ticks++;
      return reactor.callLater(0, tick);
    },
  });
  // The tasks take turns, one step each.
  await Promise.all([cooperator.coiterate(worker("a", 3)), cooperator.coiterate(worker("b", 2))]);
  console.log(`${ticks} ticks`);
}
