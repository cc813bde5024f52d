/**
 * The wheel's buckets and bitmap (reactor/timer-queue/wheel.ts), against a plain model: which
 * calls each slot holds, and the first non-empty slot after a cursor found by scanning.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { DelayedCall } from "../../reactor/delayed-call";
import {
  WHEEL_SIZE,
  firstSlot,
  newBitmap,
  newBuckets,
  tickOf,
  tickOfSlot,
  wheelAdd,
  wheelRemove,
} from "../../reactor/timer-queue/wheel";

/** The two fields the wheel uses; the rest of a DelayedCall does not matter here. */
function fakeCall(id: number): DelayedCall {
  return { _loc: -1, _index: -1, id } as unknown as DelayedCall;
}

/** The first slot after `base`'s that holds a call, by scanning the model. */
function scanFirst(model: Map<number, Set<DelayedCall>>, base: number): number {
  for (let k = 1; k <= WHEEL_SIZE; k++) {
    const slot = (base + k) % WHEEL_SIZE;
    if ((model.get(slot)?.size ?? 0) > 0) return slot;
  }
  return -1;
}

describe("timer wheel (buckets and bitmap)", () => {
  it("keeps every call findable at (slot, index) and the bitmap in step, through any adds and removes", () => {
    const op = fc.oneof(
      fc.record({ add: fc.constant(true as const), slot: fc.integer({ min: 0, max: WHEEL_SIZE - 1 }) }),
      fc.record({ add: fc.constant(false as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 0, max: 1e6 }), (ops, base) => {
        const buckets = newBuckets();
        const bitmap = newBitmap();
        const model = new Map<number, Set<DelayedCall>>();
        const live: DelayedCall[] = [];
        let id = 0;
        for (const o of ops) {
          if (o.add) {
            const call = fakeCall(id++);
            wheelAdd(buckets, bitmap, o.slot, call);
            if (!model.has(o.slot)) model.set(o.slot, new Set());
            model.get(o.slot)!.add(call);
            live.push(call);
          } else if (live.length > 0) {
            const [call] = live.splice(o.pick % live.length, 1);
            const slot = call._loc;
            wheelRemove(buckets, bitmap, call, slot);
            model.get(slot)!.delete(call);
          }
          for (const call of live) expect(buckets[call._loc]![call._index]).to.equal(call);
          for (const slot of model.keys()) {
            const n = model.get(slot)?.size ?? 0;
            expect(buckets[slot]?.length ?? 0, `slot ${slot}`).to.equal(n);
            expect((bitmap[slot >>> 5] >>> (slot & 31)) & 1, `bit ${slot}`).to.equal(n > 0 ? 1 : 0);
          }
          if (live.length > 0) expect(firstSlot(bitmap, base)).to.equal(scanFirst(model, base % WHEEL_SIZE));
        }
        // No bit is set for a slot that never held a call.
        let bits = 0;
        for (const word of bitmap) for (let w = word; w !== 0; w &= w - 1) bits++;
        expect(bits).to.equal([...model.values()].filter((set) => set.size > 0).length);
      }),
      { numRuns: 60 },
    );
  });

  it("finds the first slot after the cursor going round the wheel, and its tick", () => {
    const buckets = newBuckets();
    const bitmap = newBitmap();
    wheelAdd(buckets, bitmap, 5, fakeCall(0));
    // Cursor at tick 10 (slot 10): slot 5 is the tick 10 + (5 - 10 mod 4096) = 4101 ahead.
    expect(firstSlot(bitmap, 10)).to.equal(5);
    expect(tickOfSlot(5, 10)).to.equal(4101);
    expect(firstSlot(bitmap, 4)).to.equal(5);
    expect(tickOfSlot(5, 4)).to.equal(5);
    wheelAdd(buckets, bitmap, 4095, fakeCall(1));
    expect(firstSlot(bitmap, 10)).to.equal(4095);
    expect(tickOfSlot(4095, 10)).to.equal(4095);
  });

  it("gives the millisecond of a deadline, rounding down", () => {
    expect(tickOf(1.0009)).to.equal(1000);
    expect(tickOf(0)).to.equal(0);
    expect(tickOf(-0.0001)).to.equal(-1);
  });
});
