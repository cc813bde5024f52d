import { expect } from "chai";
import { Deferred } from "../../defer";
import { Protocol } from "../../net";
import { logPrefixOf, watchResult } from "../../net/protocol-calls";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";

describe("protocol calls", () => {
  loggingOnPurpose();
  const events = collectLogEvents();

  it("watchResult logs a returned Deferred's failure and a returned Promise's rejection", async () => {
    const d = new Deferred<unknown>();
    watchResult(d, "Unhandled error from dataReceived:");
    d.errback(new Error("deferred went wrong"));
    watchResult(Promise.reject(new Error("promise went wrong")), "Unhandled error from connectionLost:");
    await new Promise((resolve) => setImmediate(resolve));
    const texts = events.map((e) => `${String(e.why)} ${String((e.failure as { value?: unknown } | undefined)?.value)}`);
    expect(texts).to.deep.equal([
      "Unhandled error from dataReceived: Error: deferred went wrong",
      "Unhandled error from connectionLost: Error: promise went wrong",
    ]);
  });

  it("watchResult logs nothing for plain values and successes", async () => {
    watchResult(undefined, "x");
    watchResult(42, "x");
    watchResult(new Deferred<number>().addCallback(() => 1), "x");
    const d = new Deferred<number>();
    watchResult(d, "x");
    d.callback(1);
    watchResult(Promise.resolve(1), "x");
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).to.deep.equal([]);
  });

  it("logPrefixOf: logPrefix() when there is one, else the class name (also when logPrefix throws)", () => {
    class Plain extends Protocol {}
    class Prefixed extends Protocol {
      override logPrefix(): string {
        return "Prefixed,42";
      }
    }
    class Broken extends Protocol {
      override logPrefix(): string {
        throw new Error("no");
      }
    }
    expect(logPrefixOf(new Plain())).to.equal("Plain");
    expect(logPrefixOf(new Prefixed())).to.equal("Prefixed,42");
    expect(logPrefixOf(new Broken())).to.equal("Broken");
  });
});
