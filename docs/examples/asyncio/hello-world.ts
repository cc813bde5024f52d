import { reactor, type Reactor } from "twisted-ts/reactor";

/** A callback to print "Hello World" and stop the reactor. */
function helloWorld(r: Reactor): void {
  console.log("Hello World");
  r.stop();
}

// Schedule a call to helloWorld().
reactor.callSoon(helloWorld, reactor);

// Runs until helloWorld() calls stop(). run() does not block: it returns a Promise that
// resolves once the reactor has stopped.
void reactor.run();
