import { expect } from "chai";
import { Reactor } from "../../reactor";

/**
 * Replaces the host's setTimeout/clearTimeout while `body` runs, counting the timers the reactor
 * arms and keeping them so the test can fire them by hand (early, on purpose).
 */
async function withFakeHostTimers(
  body: (host: { live: () => number; armed: () => number; fireAll: () => void; delays: number[] }) => Promise<void>,
): Promise<void> {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const pending = new Map<number, () => void>();
  const delays: number[] = [];
  let nextId = 1;
  let armed = 0;
  globalThis.setTimeout = ((f: () => void, ms: number) => {
    const id = nextId++;
    armed++;
    delays.push(ms);
    pending.set(id, f);
    return id as unknown as NodeJS.Timeout;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: unknown) => {
    pending.delete(id as number);
  });
  try {
    await body({
      live: () => pending.size,
      armed: () => armed,
      delays,
      fireAll: () => {
        const fs = [...pending.values()];
        pending.clear();
        for (const f of fs) f();
      },
    });
  } finally {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  }
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("Reactor: the host timer", () => {
  it("100,000 pending calls cost one host timer", async () => {
    await withFakeHostTimers(async (host) => {
      const r = new Reactor({ installSignalHandlers: false });
      const done = r.run();
      for (let i = 0; i < 100_000; i++) r.callLater(10 + Math.random() * 100, () => undefined);
      await tick();
      expect(host.live()).to.equal(1);
      r.stop();
      await done;
      expect(host.live()).to.equal(0); // and none once stopped
    });
  });

  it("is re-armed only when an earlier call arrives", async () => {
    await withFakeHostTimers(async (host) => {
      const r = new Reactor({ installSignalHandlers: false });
      r.callLater(10, () => undefined);
      const done = r.run();
      await tick();
      const armedAfterStart = host.armed();
      for (let i = 0; i < 1000; i++) r.callLater(20 + i, () => undefined); // all later: no re-arm
      await tick();
      expect(host.armed()).to.equal(armedAfterStart);
      r.callLater(5, () => undefined); // earlier: re-armed once
      expect(host.armed()).to.equal(armedAfterStart + 1);
      expect(host.live()).to.equal(1);
      r.stop();
      await done;
    });
  });

  it("a host timer that fires early runs nothing before its deadline, and is armed again", async () => {
    await withFakeHostTimers(async (host) => {
      const r = new Reactor({ installSignalHandlers: false });
      let now = 1000;
      r.seconds = () => now;
      let ran = false;
      r.callLater(10, () => (ran = true));
      const done = r.run();
      await tick();
      expect(host.live()).to.equal(1);
      now = 1005; // the host timer fires 5 s early
      host.fireAll();
      await tick();
      expect(ran).to.equal(false);
      expect(host.live()).to.equal(1);
      now = 1010;
      host.fireAll();
      await tick();
      expect(ran).to.equal(true);
      r.stop();
      await done;
    });
  });

  it("a delay beyond the host timer's range is waited in steps and never fires early", async () => {
    await withFakeHostTimers(async (host) => {
      const r = new Reactor({ installSignalHandlers: false });
      let now = 0;
      r.seconds = () => now;
      let ran = false;
      const far = 3 * 2 ** 31 / 1000; // three times what one host timer can wait
      r.callLater(far, () => (ran = true));
      const done = r.run();
      await tick();
      expect(Math.max(...host.delays)).to.be.at.most(2 ** 31 - 1);
      for (let step = 1; step <= 2; step++) {
        now = (step * (2 ** 31 - 1)) / 1000;
        host.fireAll();
        await tick();
        expect(ran).to.equal(false);
        expect(host.live()).to.equal(1);
      }
      now = far;
      host.fireAll();
      await tick();
      expect(ran).to.equal(true);
      r.stop();
      await done;
    });
  });
});
