import { expect } from "chai";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";
import { newReactor, runReactor } from "../helpers/reactor";

describe("reactor logs 'Main loop terminated.' when it stops, as Twisted's mainLoop", () => {
  loggingOnPurpose();
  const events = collectLogEvents();

  it("after stop()", async () => {
    const r = newReactor();
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(events.map((e) => e.message)).to.deep.equal(["Main loop terminated."]);
    expect(events[0].level).to.equal("info");
    expect(events[0].log_namespace).to.equal("log_legacy");
  });

  it("after crash()", async () => {
    const r = newReactor();
    r.callWhenRunning(() => r.crash());
    await runReactor(r);
    expect(events.map((e) => e.message)).to.deep.equal(["Main loop terminated."]);
  });
});
