import { reactor, type Reactor } from "twisted-ts/reactor";

function displayDate(when: number, endTime: number, r: Reactor): void {
  console.log(new Date().toISOString());
  const next = when + 1.0;
  if (next < endTime) {
    r.callAt(next, displayDate, next, endTime, r); // a deadline on the grid: no drift
  } else {
    r.stop();
  }
}

// Schedule the first call to displayDate(), now, in the reactor's time.
const start = reactor.seconds();
reactor.callAt(start, displayDate, start, start + 5.0, reactor);

// Runs until displayDate() calls stop().
void reactor.run();
