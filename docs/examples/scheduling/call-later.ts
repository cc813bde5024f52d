import { reactor } from "twisted-ts/reactor";

function f(s: string): void {
  console.log(`this will run 0.35 seconds after it was scheduled: ${s}`);
  reactor.stop();
}

reactor.callLater(0.35, f, "hello, world");

// f() will only be called once the reactor is running.
void reactor.run();
