import { reactor, type Reactor } from "twisted-ts/reactor";

function displayDate(start: number, n: number, r: Reactor): void {
  console.log(new Date().toISOString());
  // Each deadline is start + a whole number of seconds: on the grid, no drift, and no
  // rounding error piling up as it would adding 1.0 again and again.
  if (n + 1 < 5) {
    r.callAt(start + n + 1, displayDate, start, n + 1, r);
  } else {
    r.stop();
  }
}

// Schedule the first call to displayDate(), now, in the reactor's time.
const start = reactor.seconds();
reactor.callAt(start, displayDate, start, 0, reactor);

// Runs until displayDate() calls stop().
void reactor.run();
