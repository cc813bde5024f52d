import type { Reactor } from "twisted-ts/reactor";
import { Scheduler, deferLater } from "twisted-ts/task";

export async function main(reactor: Reactor): Promise<void> {
  const scheduler = new Scheduler("reminders"); // its tasks run on the global reactor

  const remind = (who: string) => () => console.log(`reminder for ${who}`);
  scheduler.scheduleLater(0.1, "alice", remind("alice"));
  scheduler.scheduleLater(0.2, "bob", remind("bob"));
  scheduler.scheduleAt(new Date(Date.now() + 300), "carol", remind("carol"));
  console.log(`bob is scheduled: ${scheduler.has("bob")}`);

  scheduler.cancel("bob"); // bob's reminder never runs
  console.log(`bob is scheduled: ${scheduler.has("bob")}`);

  // An id already in use: a warning is logged, and this work is dropped.
  scheduler.scheduleLater(0.1, "alice", remind("alice, again"));

  // A running task is cancelled through its AbortSignal.
  scheduler.schedule("sync", async (signal: AbortSignal) => {
    signal.addEventListener("abort", () => console.log("sync: aborted"));
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  });
  reactor.callLater(0.05, () => scheduler.cancel("sync"));

  await deferLater(reactor, 0.4);
  console.log(`still scheduled: ${JSON.stringify(["alice", "bob", "carol", "sync"].filter((id) => scheduler.has(id)))}`);
}
