import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Reactor } from "../../reactor";
import { WakeThread } from "../../reactor/wake-thread";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Claims a slot, arms it, and on each wake calls `rearm` with a function that arms it again,
 * until `cycles` wakes; counts the wakes that came before their deadline.
 */
async function wakeCycles(
  thread: WakeThread,
  cycles: number,
  rearm: (arm: (ms: number) => void) => void,
): Promise<{ wakes: number; early: number }> {
  let wakes = 0;
  let early = 0;
  let due = 0;
  await new Promise<void>((resolve) => {
    const arm = (ms: number): void => {
      due = performance.now() + ms;
      thread.arm(slot, ms);
    };
    const slot = thread.claim(() => {
      if (performance.now() < due) early++;
      if (++wakes === cycles) {
        thread.release(slot);
        resolve();
      } else rearm(arm);
    });
    arm(1);
  });
  return { wakes, early };
}

describe("WakeThread", () => {
  it("wakes its owner once the armed delay has passed, never before", async () => {
    const thread = WakeThread.get();
    expect(thread).to.not.equal(null);
    const t0 = performance.now();
    let wokeAt = -1;
    const woke = new Promise<void>((resolve) => {
      const slot = thread!.claim(() => {
        wokeAt = performance.now();
        thread!.release(slot);
        resolve();
      });
      thread!.arm(slot, 2);
    });
    await woke;
    expect(wokeAt - t0).to.be.at.least(2);
    expect(wokeAt - t0).to.be.below(1000); // generous: only "it does wake"
  });

  it("a disarmed or released slot does not wake; each owner gets its own slot", async () => {
    const thread = WakeThread.get()!;
    let a = 0;
    let b = 0;
    const slotA = thread.claim(() => a++);
    const slotB = thread.claim(() => b++);
    expect(slotA).to.not.equal(slotB);
    thread.arm(slotA, 1);
    thread.disarm(slotA);
    thread.arm(slotB, 1);
    thread.release(slotB);
    await sleep(30);
    expect([a, b]).to.deep.equal([0, 0]);
    thread.release(slotA);
  });

  it("keeps waking, cycle after cycle, and stays alive (the reactor's precise path, not its fallback)", async () => {
    const thread = WakeThread.get()!;
    let early = 0;
    let wakes = 0;
    await new Promise<void>((resolve) => {
      let due = 0;
      const arm = (): void => {
        const ms = 0.2 + Math.random();
        due = performance.now() + ms;
        thread.arm(slot, ms);
      };
      const slot = thread.claim(() => {
        if (performance.now() < due) early++;
        if (++wakes === 50) {
          thread.release(slot);
          resolve();
        } else arm();
      });
      arm();
    });
    await sleep(50);
    expect(wakes).to.equal(50);
    expect(early).to.equal(0);
    // The thread did not die (a dead thread wakes its owners once, then reactors use host timers).
    expect(WakeThread.get()).to.equal(thread);
  });

  it("re-armed at once from a wake, it needs no notify and still wakes on time; re-armed later, it is notified", async () => {
    const thread = WakeThread.get()!;
    const notify = Atomics.notify;
    let notifies = 0;
    Atomics.notify = ((array: Int32Array, index: number, count?: number): number => {
      notifies++;
      return notify(array, index, count);
    }) as typeof Atomics.notify;
    try {
      // A wake whose owner arms again within the worker's recheck time (0.1 ms), for a deadline
      // after it: the worker finds the deadline by itself.
      const quick = await wakeCycles(thread, 30, (arm) => arm(1 + Math.random()));
      expect(quick.early).to.equal(0);
      expect(quick.wakes).to.equal(30);
      const quickNotifies = notifies;
      // Re-armed only after 5 ms: the worker sleeps without a timeout by then, so each arm wakes it.
      notifies = 0;
      const late = await wakeCycles(thread, 10, (arm) => setTimeout(() => arm(1), 5));
      expect(late.early).to.equal(0);
      expect(late.wakes).to.equal(10);
      expect(notifies).to.be.at.least(9);
      // Generous: on a loaded machine the owner may re-arm after the recheck; most do not.
      expect(quickNotifies).to.be.below(25);
    } finally {
      Atomics.notify = notify;
    }
  });

  it("stays alive in a process started with node's own flags (-r ts-node/register)", function () {
    this.timeout(60_000);
    // The thread must not inherit the parent's flags: loading ts-node into it once ran it out
    // of memory, and every reactor silently fell back to host timers.
    const module = path.join(__dirname, "..", "..", "reactor", "wake-thread.ts");
    const program = `
      const { WakeThread } = require(${JSON.stringify(module)});
      const t = WakeThread.get();
      let wakes = 0;
      const slot = t.claim(() => { if (++wakes < 20) t.arm(slot, 1); });
      t.arm(slot, 1);
      setTimeout(() => { console.log(JSON.stringify({ wakes, alive: WakeThread.get() === t })); process.exit(0); }, 1500);
    `;
    const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", program], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
    });
    expect(child.stderr).to.equal("");
    expect(JSON.parse(child.stdout)).to.deep.equal({ wakes: 20, alive: true });
  });

  it("is shared: one thread for every reactor", () => {
    expect(WakeThread.get()).to.equal(WakeThread.get());
  });
});

describe("Reactor: the wake-up never blocks the main thread", () => {
  it("waits for near deadlines without Atomics.wait on the main thread, and runs nothing early", async () => {
    const realWait = Atomics.wait;
    let waits = 0;
    Atomics.wait = ((...args: Parameters<typeof Atomics.wait>) => {
      waits++;
      return realWait(...args);
    }) as typeof Atomics.wait;
    try {
      const r = new Reactor({ installSignalHandlers: false });
      let early = 0;
      let left = 200;
      for (let i = 0; i < 200; i++) {
        const call = r.callLater(Math.random() * 0.05, () => {
          if (r.seconds() < call.getTime()) early++;
          if (--left === 0) r.stop();
        });
      }
      await r.run();
      expect(early).to.equal(0);
      expect(waits).to.equal(0);
    } finally {
      Atomics.wait = realWait;
    }
  });
});
