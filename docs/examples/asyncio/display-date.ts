import { reactor, type Reactor } from "twisted-ts/reactor";

function displayDate(endTime: number, r: Reactor): void {
  console.log(new Date().toISOString());
  if (r.seconds() + 1.0 < endTime) {
    r.callLater(1, displayDate, endTime, r);
  } else {
    r.stop();
  }
}

// Schedule the first call to displayDate().
const endTime = reactor.seconds() + 5.0;
reactor.callSoon(displayDate, endTime, reactor);

// Runs until displayDate() calls stop().
void reactor.run();
