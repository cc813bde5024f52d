import { reactor } from "twisted-ts/reactor";

function f(): void {
  console.log("I'll never run.");
}

const callID = reactor.callLater(0.2, f);
callID.cancel();
if (!callID.active()) console.log("The call was cancelled; f will not run.");

// Stop once the call's time has passed, to show that it did not run.
reactor.callLater(0.3, () => reactor.stop());
void reactor.run();
