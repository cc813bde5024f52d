/**
 * The wheel: 4096 unsorted buckets, one per millisecond tick of the next ~4 s, and a bitmap of
 * the non-empty ones. A call in the wheel keeps its slot in `_loc` and its position in its
 * bucket in `_index`, so adding and removing are O(1) (removal swaps in the bucket's last call).
 * The queue owns the cursor (`_baseTick`) and the count; module functions over the two arrays
 * keep the hot paths free of an extra object, as the far heap's do.
 *
 * Invariant: bit `slot` of the bitmap is set exactly when `buckets[slot]` holds a call.
 * @module
 */
import type { DelayedCall } from "../delayed-call";

/** Wheel resolution: buckets per second. */
export const TICKS_PER_SECOND = 1000;
/** Number of wheel buckets (a power of two): how many milliseconds ahead the wheel covers. */
export const WHEEL_SIZE = 4096;
export const WHEEL_MASK = WHEEL_SIZE - 1;
const BITMAP_WORDS = WHEEL_SIZE >>> 5;
/** Beyond this tick the wheel is not used (ticks stop being exact integers near 2**53). */
export const MAX_TICK = 2 ** 50;

/** A wheel's buckets, indexed by slot; a bucket is made on first use and kept. */
export type Buckets = (DelayedCall[] | undefined)[];

/** The tick (millisecond) of a deadline in seconds. */
export function tickOf(time: number): number {
  return Math.floor(time * TICKS_PER_SECOND);
}

export function newBuckets(): Buckets {
  return new Array<DelayedCall[] | undefined>(WHEEL_SIZE);
}

export function newBitmap(): Int32Array {
  return new Int32Array(BITMAP_WORDS);
}

/** Puts `call` in bucket `slot`, recording its slot and index in it. */
export function wheelAdd(buckets: Buckets, bitmap: Int32Array, slot: number, call: DelayedCall): void {
  let bucket = buckets[slot];
  if (bucket === undefined) buckets[slot] = bucket = [];
  call._loc = slot;
  call._index = bucket.length;
  if (bucket.push(call) === 1) bitmap[slot >>> 5] |= 1 << (slot & 31);
}

/** Takes `call` out of bucket `slot` (where it is). */
export function wheelRemove(buckets: Buckets, bitmap: Int32Array, call: DelayedCall, slot: number): void {
  const bucket = buckets[slot]!;
  const last = bucket.pop()!;
  if (last !== call) {
    const index = call._index;
    bucket[index] = last;
    last._index = index;
  } else if (bucket.length === 0) {
    clearSlot(bitmap, slot);
  }
}

/** Marks bucket `slot` empty (its caller empties the bucket). */
export function clearSlot(bitmap: Int32Array, slot: number): void {
  bitmap[slot >>> 5] &= ~(1 << (slot & 31));
}

/**
 * The first non-empty slot after the one of `baseTick`, going round the wheel (ticks increase
 * cyclically). Needs at least one call in the wheel.
 */
export function firstSlot(bitmap: Int32Array, baseTick: number): number {
  const start = (baseTick + 1) & WHEEL_MASK;
  let word = start >>> 5;
  let bits = bitmap[word] & (-1 << (start & 31));
  while (bits === 0) {
    word = (word + 1) & (BITMAP_WORDS - 1);
    bits = bitmap[word];
  }
  return (word << 5) + 31 - Math.clz32(bits & -bits);
}

/** The tick that `slot` holds while the cursor is at `baseTick`: the one in `(baseTick, baseTick + WHEEL_SIZE)`. */
export function tickOfSlot(slot: number, baseTick: number): number {
  return baseTick + ((slot - baseTick) & WHEEL_MASK);
}
