import { TimeoutError } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { createTask, deferLater } from "twisted-ts/task";

export async function main(reactor: Reactor): Promise<void> {
  // A background task: it starts on the reactor's next turn; the Deferred gives its result.
  const answer = createTask(() => deferLater(reactor, 0.05, () => 42));
  console.log(`answer: ${await answer}`);

  // A generator is driven as inlineCallbacks drives one.
  const total = createTask(
    (function* () {
      const a = (yield deferLater(reactor, 0.01, () => 1)) as number;
      const b = (yield deferLater(reactor, 0.01, () => 2)) as number;
      return a + b;
    })(),
  );
  console.log(`total: ${await total}`);

  // Exceptions are logged, except those listed as expected; the Deferred fails with them anyway.
  const slow = createTask(
    () => {
      throw new TimeoutError("the server did not answer");
    },
    { suppressedExceptions: [TimeoutError] },
  );
  await slow.addErrback((f) => console.log(`slow failed quietly: ${f.getErrorMessage()}`));

  // Cancelling the Deferred cancels the task: here, by aborting the fetch-like call.
  const download = createTask(
    (signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason));
      }),
  );
  reactor.callLater(0.05, () => download.cancel());
  await download.addErrback((f) => console.log(`download: ${f.type?.name}`));
}
