/**
 * A tour of twisted-ts, run by `npm start` (`node bin/twisted-ts.js run docs/examples/showcase.ts`).
 * `twisted-ts run` calls main(reactor) through react(): the reactor runs until main's result
 * settles, then stops, and the process exits with react's code.
 */
import { Deferred, DeferredList, Failure, TimeoutError, inlineCallbacks } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { LoopingCall, coiterate, deferLater, timeoutDeferred } from "twisted-ts/task";

/** Something that answers later, the way a network call does. */
function slowDouble(reactor: Reactor, n: number, seconds: number): Deferred<number> {
  return deferLater(reactor, seconds, () => n * 2);
}

const sumOfDoubles = inlineCallbacks(function* (reactor: Reactor, values: number[]) {
  let total = 0;
  for (const v of values) total += (yield slowDouble(reactor, v, 0.01)) as number;
  return total;
});

export async function main(reactor: Reactor): Promise<void> {
  // 1. The reactor: callLater with arguments; equal deadlines run in the order scheduled.
  const order: string[] = [];
  reactor.callLater(0.05, (s: string) => order.push(s), "first");
  reactor.callSoon((s: string) => order.push(s), "soonest");
  reactor.callLater(0.05, (s: string) => order.push(s), "second");
  await deferLater(reactor, 0.06);
  console.log(`1. callLater/callSoon ran in order: ${order.join(", ")}`);

  // 2. A Deferred's callback chain: each callback gets the previous result; returning a
  //    Deferred pauses the chain until it fires.
  const chained = await slowDouble(reactor, 20, 0.01)
    .addCallback((n) => n + 2)
    .addCallback((n) => slowDouble(reactor, n, 0.01));
  console.log(`2. callback chain: 20 -> double -> +2 -> double = ${chained}`);

  // 3. Errors travel down the errback chain until something handles them.
  const recovered = await slowDouble(reactor, 1, 0.01)
    .addCallback((): string => {
      throw new RangeError("out of range");
    })
    .addErrback((f: Failure) => {
      f.trap(RangeError);
      return `recovered from ${f.getErrorMessage()}`;
    });
  console.log(`3. errback: ${recovered}`);

  // 4. inlineCallbacks: straight-line code over Deferreds (async/await works as well).
  console.log(`4. inlineCallbacks: sum of doubles of [1, 2, 3] = ${await sumOfDoubles(reactor, [1, 2, 3])}`);

  // 5. Waiting for several at once.
  const results = await new DeferredList([slowDouble(reactor, 1, 0.03), slowDouble(reactor, 2, 0.01)]);
  console.log(`5. DeferredList: ${JSON.stringify(results)}`);

  // 6. LoopingCall: every 0.1 s, on a fixed grid; stop() fires start()'s Deferred.
  let beats = 0;
  const loop = new LoopingCall(() => {
    beats++;
    if (beats === 4) loop.stop();
  });
  await loop.start(0.1);
  console.log(`6. LoopingCall: ${beats} beats, at 0, 0.1, 0.2 and 0.3 s`);

  // 7. Timeouts: a Deferred with no result in time is cancelled, and fails with TimedOutError.
  const late = timeoutDeferred(slowDouble(reactor, 1, 5), 0.1, reactor);
  await late.addErrback((f: Failure) => {
    f.trap(TimeoutError);
    console.log(`7. timeoutDeferred: ${f.getErrorMessage()}`);
  });

  // 8. Cooperative multitasking: a long loop in small steps, without holding the reactor.
  let count = 0;
  let ticks = 0;
  const ticker = new LoopingCall(() => ticks++);
  void ticker.start(0.001);
  await coiterate(
    (function* () {
      for (let i = 0; i < 3_000_000; i++) {
        count += i % 3 === 0 ? 1 : 0;
        yield;
      }
    })(),
  );
  ticker.stop();
  console.log(`8. coiterate: counted ${count} multiples of 3; the reactor kept running meanwhile: ${ticks > 1}`);
}
