import { Deferred, DeferredList, FirstError, gatherResults, race } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { deferLater } from "twisted-ts/task";

function later<T>(reactor: Reactor, seconds: number, value: T): Deferred<T> {
  return deferLater(reactor, seconds, () => value);
}

function failLater(reactor: Reactor, seconds: number, message: string): Deferred<never> {
  return deferLater(reactor, seconds, () => {
    throw new Error(message);
  });
}

export async function main(reactor: Reactor): Promise<void> {
  // DeferredList: waits for all; each entry is [succeeded, result or Failure].
  const entries = await new DeferredList<string>(
    [later(reactor, 0.1, "a"), failLater(reactor, 0.05, "b failed")],
    { consumeErrors: true },
  );
  for (const [ok, result] of entries) {
    console.log(ok ? `ok: ${result}` : `failed: ${result.getErrorMessage()}`);
  }

  // gatherResults: the results in order, or the first failure (as a FirstError).
  console.log(`gathered: ${await gatherResults([later(reactor, 0.1, 1), later(reactor, 0.05, 2)])}`);
  try {
    await gatherResults([later(reactor, 0.1, 1), failLater(reactor, 0.05, "oops")], true);
  } catch (e) {
    const first = e as FirstError;
    console.log(`gatherResults failed: #${first.index}: ${first.subFailure.getErrorMessage()}`);
  }

  // race: the first to succeed wins; the others are cancelled.
  const [index, winner] = await race([later(reactor, 0.2, "slow"), later(reactor, 0.05, "fast")]);
  console.log(`race: #${index} won with ${winner}`);
}
