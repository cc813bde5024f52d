import { expect } from "chai";
import { compare, formatCount, formatN, formatNs, median, percentile, repetitions } from "../../bench/harness";
import { Progress } from "../../bench/progress";

describe("bench/harness", () => {
  it("median and percentile", () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(() => median([])).to.throw(RangeError);
    const sorted = Array.from({ length: 100 }, (_, i) => i);
    expect(percentile(sorted, 0.5)).to.equal(50);
    expect(percentile(sorted, 0.99)).to.equal(99);
    expect(percentile(sorted, 1)).to.equal(99);
  });

  it("repetitions: enough runs of ops to reach minOps, at least one", () => {
    expect(repetitions(1000)).to.equal(1);
    expect(repetitions(1000, 10_000)).to.equal(10);
    expect(repetitions(3000, 10_000)).to.equal(4);
    expect(repetitions(1e6, 10_000)).to.equal(1);
  });

  it("compare interleaves the workloads, in turn forwards and backwards, warms up once, repeats small ones, reports per-op medians", async () => {
    const order: string[] = [];
    const ms = await compare(
      [
        { name: "a", ops: 10, run: () => void order.push("a") },
        { name: "b", ops: 40, run: async () => void order.push("b") },
      ],
      { rounds: 3, minOps: 40 },
    );
    // a: 4 runs a sample, b: 1; one warm-up round (backwards) then three measured ones.
    expect(order.join("")).to.equal("baaaa" + "aaaab" + "baaaa" + "aaaab");
    expect(ms.map((m) => [m.name, m.ops, m.rounds.length, m.cpuRounds.length])).to.deep.equal([
      ["a", 40, 3, 3],
      ["b", 40, 3, 3],
    ]);
    for (const m of ms) {
      expect(m.nsPerOp).to.equal(median(m.rounds));
      expect(m.nsPerOp).to.be.greaterThan(0);
      expect(m.cpuNsPerOp).to.be.at.least(0);
    }
  });

  it("compare runs prepare and cleanup around each sample, untimed", async () => {
    const busy = (ms: number): void => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const events: string[] = [];
    const [m] = await compare(
      [
        {
          name: "a",
          ops: 1000,
          prepare: async () => {
            busy(30);
            events.push("prepare");
          },
          run: () => {
            busy(2);
            events.push("run");
          },
          cleanup: () => {
            busy(30);
            events.push("cleanup");
          },
        },
      ],
      { rounds: 2, minOps: 2000, gc: false },
    );
    // Two runs per sample (minOps), one prepare and one cleanup around them.
    expect(events).to.deep.equal(Array.from({ length: 3 }, () => ["prepare", "run", "run", "cleanup"]).flat());
    expect(m.nsPerOp).to.be.lessThan(10_000); // 2 ms per 1000 ops (the 30 ms around them is not counted)
  });

  it("compare measures time per operation", async () => {
    const busy = (ms: number): void => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const [slow, fast] = await compare(
      [
        { name: "slow", ops: 1000, run: () => busy(20) },
        { name: "fast", ops: 1000, run: () => busy(2) },
      ],
      { rounds: 3, warmup: false },
    );
    expect(slow.nsPerOp).to.be.within(18_000, 60_000);
    expect(slow.cpuNsPerOp).to.be.greaterThan(10_000);
    expect(fast.nsPerOp).to.be.lessThan(slow.nsPerOp / 3);
  });

  it("compare reports each sample to the progress display", async () => {
    let out = "";
    const progress = new Progress({ write: (t: string) => (out += t), isTTY: true, columns: 120 }, () => 0);
    await compare([{ name: "a", ops: 1, run: () => undefined }], { rounds: 2, progress, label: "the task" });
    expect(out).to.include("the task");
    expect(out).to.include("3/3");
  });

  it("formats figures", () => {
    expect(formatNs(812.34)).to.equal("812.3 ns");
    expect(formatNs(1270)).to.equal("1.27 µs");
    expect(formatNs(3.1e6)).to.equal("3.10 ms");
    expect(formatCount(1_000_000)).to.equal("1,000,000");
    expect(formatN(1e4)).to.equal("1e4");
    expect(formatN(20_000)).to.equal("20,000");
  });
});
