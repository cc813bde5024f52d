import { DeferredLock, DeferredQueue, DeferredSemaphore } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { deferLater } from "twisted-ts/task";

export async function main(reactor: Reactor): Promise<void> {
  // DeferredLock: one at a time; run() acquires, calls, and releases when the result fires.
  const lock = new DeferredLock();
  const log: string[] = [];
  const job = (name: string) => lock.run(() => deferLater(reactor, 0.02, () => log.push(name)));
  await Promise.all([job("first"), job("second"), job("third")]);
  console.log(`lock: ${log.join(", ")}`);

  // DeferredSemaphore: at most `tokens` at a time.
  const semaphore = new DeferredSemaphore(2);
  let running = 0;
  let most = 0;
  const limited = () =>
    semaphore.run(() => {
      most = Math.max(most, ++running);
      return deferLater(reactor, 0.02, () => running--);
    });
  await Promise.all([limited(), limited(), limited(), limited(), limited()]);
  console.log(`semaphore: at most ${most} ran at once`);

  // DeferredQueue: get() returns a Deferred that fires when an object is put.
  const queue = new DeferredQueue<string>();
  const got = queue.get().addCallback((s) => console.log(`queue: got ${s}`));
  reactor.callLater(0.05, () => queue.put("a message"));
  await got;
}
