import assert from "node:assert/strict";
import { Clock } from "twisted-ts/task";
import { Heartbeat } from "./heartbeat";

describe("Heartbeat", () => {
  let clock: Clock;
  let pings: number;
  let heartbeat: Heartbeat;

  beforeEach(() => {
    clock = new Clock(); // time stands still until the test moves it
    pings = 0;
    heartbeat = new Heartbeat(clock, 1, 2.5, () => pings++);
    heartbeat.start();
  });

  it("pings at once, then every interval", () => {
    assert.equal(pings, 1);
    clock.advance(1);
    assert.equal(pings, 2);
    clock.pump([0.5, 0.5]); // advance(0.5), then advance(0.5) again
    assert.equal(pings, 3);
  });

  it("declares the peer dead when no pong comes within the timeout", () => {
    // flow, not advance: advance(2.4) would be one jump, as a stalled process waking up, and
    // LoopingCall skips the intervals it missed (the pings at 1 and 2 would be a single one).
    clock.flow(2.4);
    assert.equal(heartbeat.dead, false);
    clock.advance(0.1);
    assert.equal(heartbeat.dead, true);
    clock.advance(10);
    assert.equal(pings, 3); // no pings after that: at 0, 1 and 2 only
  });

  it("stays alive while pongs come back", () => {
    for (let i = 0; i < 10; i++) {
      clock.advance(1);
      heartbeat.pong();
    }
    assert.equal(heartbeat.dead, false);
    assert.equal(pings, 11);
  });
});
