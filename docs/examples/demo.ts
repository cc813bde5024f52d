/**
 * A small tour of twisted-ts's Deferred, run by `npm start`.
 * (Later this becomes a `react(main)` program on the reactor.)
 */
import { Deferred, DeferredList, Failure, inlineCallbacks, succeed } from "../../defer";

/** Something that answers later, the way network calls do. */
function slowDouble(n: number, ms: number): Deferred<number> {
  const d = new Deferred<number>();
  setTimeout(() => d.callback(n * 2), ms);
  return d;
}

const sumOfDoubles = inlineCallbacks(function* (values: number[]) {
  let total = 0;
  for (const v of values) total += (yield slowDouble(v, 5)) as number;
  return total;
});

async function main(): Promise<void> {
  // 1. A callback chain: each callback gets the previous result.
  const chained = await succeed(20)
    .addCallback((n) => n + 1)
    .addCallback((n) => slowDouble(n, 10)); // returning a Deferred pauses the chain
  console.log(`callback chain: 20 -> +1 -> double = ${chained}`);

  // 2. Errors travel down the errback chain until something handles them.
  const recovered = await succeed(0)
    .addCallback((): string => {
      throw new RangeError("out of range");
    })
    .addErrback((f: Failure) => {
      f.trap(RangeError);
      return `recovered from ${f.getErrorMessage()}`;
    })
    .asPromise();
  console.log(`errback: ${recovered}`);

  // 3. inlineCallbacks: straight-line code over Deferreds.
  console.log(`inlineCallbacks: sum of doubles of [1, 2, 3] = ${await sumOfDoubles([1, 2, 3])}`);

  // 4. Waiting for several at once.
  const results = await new DeferredList([slowDouble(1, 3), slowDouble(2, 1)]);
  console.log(`DeferredList: ${JSON.stringify(results)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
