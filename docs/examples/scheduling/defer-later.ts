import { reactor } from "twisted-ts/reactor";
import { deferLater } from "twisted-ts/task";

function f(s: string): string {
  return `This will run 0.35 seconds after it was scheduled: ${s}`;
}

const d = deferLater(reactor, 0.35, f, "hello, world");
function called(result: string): void {
  console.log(result);
  reactor.stop();
}
d.addCallback(called);

// f() will only be called once the reactor is running.
void reactor.run();
