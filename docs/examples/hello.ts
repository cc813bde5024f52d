import type { Reactor } from "twisted-ts/reactor";
import { LoopingCall, deferLater } from "twisted-ts/task";

export async function main(reactor: Reactor): Promise<void> {
  let ticks = 0;
  const loop = new LoopingCall(() => {
    console.log("tick");
    if (++ticks === 4) loop.stop();
  });
  await loop.start(0.1); // now, then every 0.1 s; fires once stopped
  const answer = await deferLater(reactor, 0.1, () => 42); // a Deferred: await works
  console.log(`the answer is ${answer}`);
}
