import { Deferred } from "twisted-ts/defer";
import { reactor } from "twisted-ts/reactor";

function getDummyData(inputData: number): Deferred<number> {
  console.log("getDummyData called");
  const deferred = new Deferred<number>();
  // Simulate a delayed result by asking the reactor to fire the Deferred in 0.2 seconds'
  // time with the result inputData * 3.
  reactor.callLater(0.2, (n: number) => deferred.callback(n), inputData * 3);
  return deferred;
}

function cbPrintData(result: number): void {
  console.log(`Result received: ${result}`);
}

const deferred = getDummyData(3);
deferred.addCallback(cbPrintData);

// Set up the end of the program by asking the reactor to stop itself in 0.4 seconds' time.
reactor.callLater(0.4, () => reactor.stop());
// Start the reactor (the event loop) by hand.
console.log("Starting the reactor");
void reactor.run();
