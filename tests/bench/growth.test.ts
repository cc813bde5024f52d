import { expect } from "chai";
import { checkLogGrowth, describeStep, GROWTH_TOLERANCE } from "../../bench/growth";

const sizes = [1e3, 1e4, 1e5, 1e6];
const series = (cost: (n: number) => number): Array<{ n: number; ns: number }> => sizes.map((n) => ({ n, ns: cost(n) }));

describe("bench/growth: per-call cost against log N", () => {
  it("passes constant and O(log N) per-call costs, and falling ones", () => {
    for (const cost of [() => 100, (n: number) => 10 * Math.log(n), (n: number) => 1e6 / n]) {
      const steps = checkLogGrowth(series(cost));
      expect(steps).to.have.length(3);
      expect(steps.every((s) => !s.fasterThanLog)).to.equal(true);
    }
  });

  it("flags costs growing faster than log N: sqrt(N), N, log² N", () => {
    for (const cost of [(n: number) => Math.sqrt(n), (n: number) => n / 1000, (n: number) => Math.log(n) ** 3]) {
      const steps = checkLogGrowth(series(cost));
      expect(steps.some((s) => s.fasterThanLog)).to.equal(true);
    }
    const steps = checkLogGrowth(series((n) => Math.sqrt(n)));
    expect(steps.map((s) => s.fasterThanLog)).to.deep.equal([true, true, true]);
  });

  it("computes each step's ratio and bound log(to)/log(from)", () => {
    const [step] = checkLogGrowth([
      { n: 1e5, ns: 100 },
      { n: 1e6, ns: 250 },
    ]);
    expect(step.from).to.equal(1e5);
    expect(step.to).to.equal(1e6);
    expect(step.ratio).to.equal(2.5);
    expect(step.bound).to.be.closeTo(1.2, 1e-12);
    expect(step.fasterThanLog).to.equal(true);
    expect(describeStep(step)).to.equal("×2.50 (log N allows ×1.20)");
  });

  it("tolerates noise up to the tolerance, and no more", () => {
    const bound = Math.log(1e6) / Math.log(1e5);
    const within = checkLogGrowth([
      { n: 1e5, ns: 100 },
      { n: 1e6, ns: 100 * bound * (1 + GROWTH_TOLERANCE) * 0.99 },
    ]);
    expect(within[0].fasterThanLog).to.equal(false);
    const beyond = checkLogGrowth([
      { n: 1e5, ns: 100 },
      { n: 1e6, ns: 100 * bound * (1 + GROWTH_TOLERANCE) * 1.01 },
    ]);
    expect(beyond[0].fasterThanLog).to.equal(true);
    expect(checkLogGrowth([{ n: 1e5, ns: 100 }, { n: 1e6, ns: 130 }], 0)[0].fasterThanLog).to.equal(true);
  });

  it("sorts the points and skips unusable ones (missing sizes, zero or non-finite costs)", () => {
    const steps = checkLogGrowth([
      { n: 1e6, ns: 300 },
      { n: 1e3, ns: 100 },
      { n: 1e4, ns: NaN },
      { n: 1e5, ns: 0 },
    ]);
    expect(steps).to.have.length(1);
    expect(steps[0]).to.include({ from: 1e3, to: 1e6, ratio: 3 });
    expect(steps[0].bound).to.be.closeTo(2, 1e-12);
    expect(steps[0].fasterThanLog).to.equal(true);
    expect(checkLogGrowth([])).to.deep.equal([]);
  });
});
