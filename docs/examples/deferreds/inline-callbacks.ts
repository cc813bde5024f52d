import { Deferred, inlineCallbacks } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { deferLater } from "twisted-ts/task";

function double(reactor: Reactor, n: number): Deferred<number> {
  return deferLater(reactor, 0.05, () => n * 2);
}

// Twisted's @inlineCallbacks: `yield` a Deferred to wait for its result.
const sumOfDoubles = inlineCallbacks(function* (reactor: Reactor, values: number[]) {
  let total = 0;
  for (const v of values) {
    total += (yield double(reactor, v)) as number;
  }
  return total;
});

// The same with async/await: a Deferred is a thenable, so `await` works on it.
async function sumOfDoublesAsync(reactor: Reactor, values: number[]): Promise<number> {
  let total = 0;
  for (const v of values) total += await double(reactor, v);
  return total;
}

export async function main(reactor: Reactor): Promise<void> {
  const fromGenerator = await sumOfDoubles(reactor, [1, 2, 3]);
  console.log(`inlineCallbacks: ${fromGenerator}`);
  console.log(`async/await: ${await sumOfDoublesAsync(reactor, [1, 2, 3])}`);
}
