import { Clock } from "twisted-ts/task";

/** A Clock with calls due at 1, 2 and 3 seconds, each printing the time it sees. */
function clockWithCalls(method: string): Clock {
  const clock = new Clock();
  for (const t of [1, 2, 3]) {
    clock.callLater(t, () => console.log(`  ${method}: the call for ${t} s sees ${clock.seconds()} s`));
  }
  return clock;
}

export function main(): void {
  console.log("advance(2.5): time jumps, then what is due runs, all at the new time");
  clockWithCalls("advance").advance(2.5);

  console.log("flow(2.5): time flows, each call runs at its own deadline");
  clockWithCalls("flow").flow(2.5);

  console.log("advanceToNext(): to the next deadline, whatever it is");
  const next = clockWithCalls("advanceToNext");
  next.advanceToNext();
  console.log(`  now ${next.seconds()} s`);

  console.log("runUntilIdle(): until nothing is pending, even calls scheduled by calls");
  const idle = clockWithCalls("runUntilIdle");
  idle.callLater(3, () => idle.callLater(10, () => console.log(`  a follow-up sees ${idle.seconds()} s`)));
  const count = idle.runUntilIdle();
  console.log(`  ${count} calls ran; now ${idle.seconds()} s`);

  console.log("runUntilIdle(limit) stops a runaway loop with an error naming the call");
  const runaway = new Clock();
  const again = (): void => void runaway.callLater(1, again);
  runaway.callLater(1, again);
  try {
    runaway.runUntilIdle(1000);
  } catch (e) {
    console.log(`  ${(e as Error).message.split(";")[0]}`);
  }
}
