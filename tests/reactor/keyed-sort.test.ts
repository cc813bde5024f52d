import { expect } from "chai";
import fc from "fast-check";
import { sortedOrder } from "../../reactor/timer-queue/keyed-sort";

/** The reference: Array.prototype.sort by (time, seq modulo 2**32), stable. */
function referenceOrder(times: number[], seqs: number[]): number[] {
  return times
    .map((_, i) => i)
    .sort((a, b) => (times[a] !== times[b] ? (times[a] < times[b] ? -1 : 1) : ((seqs[a] - seqs[b]) | 0)));
}

/** Deadlines as the queue sees them: one millisecond's worth, crowds of equal ones, or anything. */
const deadline = fc.oneof(
  fc.double({ min: 1000, max: 1000.001, noNaN: true }),
  fc.constantFrom(5, 5.0005, 7),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constant(-Infinity),
);

describe("keyed distribution sort (sortedOrder)", () => {
  it("orders as Array.prototype.sort by (deadline, seq), for any input", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(deadline, fc.integer({ min: 0, max: 2 ** 30 })), { maxLength: 400 }), (pairs) => {
        // Distinct sequence numbers, as the queue guarantees, in a shuffled order.
        const times = pairs.map((p) => p[0]);
        const seqs = pairs.map((p, i) => p[1] + i * 7919);
        const order = sortedOrder(times, seqs);
        expect(order.map((i) => [times[i], seqs[i]])).to.deep.equal(referenceOrder(times, seqs).map((i) => [times[i], seqs[i]]));
      }),
      { numRuns: 300 },
    );
  });

  it("sorts large inputs through each path: sorted, smooth spread, and a skewed crowd (merge sort)", () => {
    for (const n of [1, 33, 5000, 70_000]) {
      const sorted = Array.from({ length: n }, (_, i) => i / n);
      const seqs = Array.from({ length: n }, (_, i) => i);
      expect(sortedOrder(sorted, seqs)).to.deep.equal(seqs);
      const spread = Array.from({ length: n }, () => Math.random());
      expect(sortedOrder(spread, seqs)).to.deep.equal(referenceOrder(spread, seqs));
      const crowd = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 2));
      // A permutation of 0..n-1 (7919 is prime; the queue's sequence numbers lie within 2**31
      // of each other, where the modular comparison is a total order).
      const shuffled = seqs.map((s) => (s * 7919) % n);
      expect(new Set(shuffled).size).to.equal(n);
      expect(sortedOrder(crowd, shuffled)).to.deep.equal(referenceOrder(crowd, shuffled));
    }
  });

  it("compares sequence numbers modulo 2**32 (a counter that wrapped still runs first come, first served)", () => {
    const times = [1, 1, 1];
    const seqs = [-2147483648, 2147483646, 2147483647]; // the first was taken after the wrap
    expect(sortedOrder(times, seqs)).to.deep.equal([1, 2, 0]);
  });

  it("rejects keys of different lengths", () => {
    expect(() => sortedOrder([1, 2], [1])).to.throw(RangeError);
  });
});
