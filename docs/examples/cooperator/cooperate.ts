import type { Deferred } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { TaskStopped, cooperate, deferLater } from "twisted-ts/task";

/** Each step gives a Deferred: the task waits for it before its next step. */
function* download(reactor: Reactor, name: string, chunks: number): Generator<Deferred<void>> {
  for (let i = 1; i <= chunks; i++) {
    yield deferLater(reactor, 0.02, () => console.log(`${name}: chunk ${i}`));
  }
}

/** An asynchronous iterator works too: each next() is a step, waited for. */
async function* ticker(onTick: (n: number) => void): AsyncGenerator<number> {
  for (let n = 1; ; n++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    onTick(n);
    yield n;
  }
}

export async function main(reactor: Reactor): Promise<void> {
  const a = cooperate(download(reactor, "a", 2));
  const b = cooperate(download(reactor, "b", 2));
  b.pause(); // b does no work until it is resumed
  a.whenDone().addCallback(() => {
    console.log("a is done: resuming b");
    b.resume();
  });
  await b.whenDone(); // whenDone() is a Deferred: await works
  console.log("b is done");

  const ticks = cooperate(
    ticker((n) => {
      console.log(`tick ${n}`);
      if (n === 2) ticks.stop(); // stops the task for good: whenDone() fails with TaskStopped
    }),
  );
  try {
    await ticks.whenDone();
  } catch (e) {
    console.log(`ticker stopped: ${e instanceof TaskStopped}`);
  }
}
