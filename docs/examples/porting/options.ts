import { Deferred, DeferredList } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";

export function main(reactor: Reactor) {
  // ...become a trailing options object; positional arguments stay positional.
  const first = new Deferred<string>();
  const second = new Deferred<string>();
  const dl = new DeferredList([first, second], { fireOnOneCallback: true, consumeErrors: true });
  dl.addCallback((result) => console.log(`fireOnOneCallback: ${result[0]} from #${result[1]}`));
  second.callback("b");

  const d = new Deferred<string>((d) => d.callback("late"));
  d.addTimeout(0.1, reactor, (result, _timeout) => `${result} (timed out)`);
  d.addCallbacks(console.log, console.log, { callbackArgs: ["<- onTimeoutCancel"] });
  return d;
}
