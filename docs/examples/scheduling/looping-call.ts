import type { Failure } from "twisted-ts/defer";
import { reactor } from "twisted-ts/reactor";
import { LoopingCall } from "twisted-ts/task";

const loopTimes = 3;
const failInTheEnd = false;
let loopCounter = 0;

/** Called at every loop interval. */
function runEveryInterval(): void {
  if (loopCounter < loopTimes) {
    loopCounter += 1;
    console.log("A new interval has passed.");
    return;
  }

  if (failInTheEnd) {
    throw new Error("Failure during loop execution.");
  }

  // We looped enough times.
  loop.stop();
}

/** Called when the loop was stopped with success. */
function cbLoopDone(_loop: LoopingCall): void {
  console.log("Loop done.");
  reactor.stop();
}

/** Called when the loop failed. */
function ebLoopFailed(failure: Failure): void {
  console.log(`Loop failed: ${failure.getErrorMessage()}`);
  reactor.stop();
}

const loop = new LoopingCall(runEveryInterval);

// Start looping every 0.1 second.
const loopDeferred = loop.start(0.1);

// Add callbacks for stop and failure.
loopDeferred.addCallback(cbLoopDone);
loopDeferred.addErrback(ebLoopFailed);

void reactor.run();
