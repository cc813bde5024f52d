import type { Reactor } from "twisted-ts/reactor";
import { LoopingCall, deferLater } from "twisted-ts/task";

export async function main(reactor: Reactor): Promise<void> {
  const loop = new LoopingCall(() => console.log("tick"));
  void loop.start(0.1); // now, then every 0.1 s
  const answer = await deferLater(reactor, 0.35, () => 42); // a Deferred: await works
  loop.stop();
  console.log(`the answer is ${answer}`);
}
