// Run: npx mocha --require twisted-ts/testing/mocha real-reactor.test.ts
import assert from "node:assert/strict";
import { err } from "twisted-ts/log";
import { reactor } from "twisted-ts/reactor";
import { coiterate, deferLater } from "twisted-ts/task";
import { flushLoggedErrors } from "twisted-ts/testing";

describe("code on the real reactor", () => {
  it("returns a Deferred: mocha waits for it", () => {
    return deferLater(reactor, 0.01, () => "done").addCallback((result) => {
      assert.equal(result, "done");
    });
  });

  it("awaits coiterate and callLater(0)", async () => {
    const seen: number[] = [];
    await coiterate(
      (function* () {
        for (let i = 0; i < 3; i++) yield void seen.push(i);
      })(),
    );
    await new Promise<void>((resolve) => reactor.callLater(0, resolve));
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it("takes the errors it expects with flushLoggedErrors", () => {
    err(new RangeError("expected"), "while testing");
    assert.equal(flushLoggedErrors(RangeError).length, 1);
  });

  it("cancels what it scheduled, or the test fails (dirty reactor)", () => {
    const call = reactor.callLater(60, () => {});
    call.cancel();
  });
});
