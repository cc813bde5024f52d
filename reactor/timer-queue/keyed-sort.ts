/**
 * The keyed distribution sort that orders one millisecond's calls by (deadline, sequence
 * number). The keys are copied into typed arrays so that comparisons touch no objects; the
 * result is a permutation of the input.
 *
 * Algorithm: already-sorted input is detected in one scan; up to 32 keys get an insertion
 * sort; otherwise a stable counting sort on the deadline into about n buckets leaves the keys
 * nearly sorted and an insertion sort (with a budget of moves) finishes them, ordering equal
 * deadlines by sequence number. Skewed input (many equal deadlines in shuffled sequence order)
 * exhausts the budget and falls back to a bottom-up merge sort: O(n) for smooth spreads of
 * deadlines, O(n log n) at worst. Sequence numbers compare modulo 2**32 (`(a - b) | 0`).
 * @module
 */

/** Above this many keys, the distribution sort's bucket count stops growing. */
const MAX_SORT_BUCKETS = 1 << 22;

/** The scratch arrays: the input keys, the sorted keys and the permutation. */
export interface SortScratch {
  /** Input deadlines. */
  keyT: Float64Array;
  /** The same memory as `keyT`, as int32 words (filled from DelayedCall's `_hi`/`_lo`). */
  keyW: Int32Array;
  /** Input sequence numbers. */
  keyS: Int32Array;
  /** Sorted deadlines. */
  outT: Float64Array;
  /** Sorted sequence numbers. */
  outS: Int32Array;
  /** Sorted position -> input index. */
  outP: Int32Array;
  /** Distribution keys, then merge-sort scratch. */
  tmpI: Int32Array;
  /** Bucket counts of the distribution sort. */
  counts: Int32Array;
}

function newScratch(size: number): SortScratch {
  const keyT = new Float64Array(size);
  return {
    keyT,
    keyW: new Int32Array(keyT.buffer),
    keyS: new Int32Array(size),
    outT: new Float64Array(size),
    outS: new Int32Array(size),
    outP: new Int32Array(size),
    tmpI: new Int32Array(size),
    counts: new Int32Array(size + 1),
  };
}

/** Module-level scratch (sorting is never re-entered). Read its arrays after ensureScratch(). */
export const scratch: SortScratch = newScratch(1024);

/** Makes room for `n` keys in the scratch arrays (their content is not kept). */
export function ensureScratch(n: number): void {
  if (scratch.keyT.length >= n) return;
  let size = scratch.keyT.length;
  while (size < n) size *= 2;
  const counts = scratch.counts;
  Object.assign(scratch, newScratch(size));
  scratch.counts = counts; // sized by the bucket count, grown in sortKeys
}

/** Gives large scratch arrays back after a huge sort, so one burst does not pin them. */
export function shrinkScratch(): void {
  if (scratch.keyT.length > 1 << 16) Object.assign(scratch, newScratch(1024));
}

/**
 * Insertion sort of (T, S, P)[from, to) by (T, S); gives up (leaving a permutation) once more
 * than `budget` moves were needed. True when sorted.
 */
function insertionSort(T: Float64Array, S: Int32Array, P: Int32Array, from: number, to: number, budget: number): boolean {
  for (let i = from + 1; i < to; i++) {
    const t = T[i];
    const s = S[i];
    let j = i - 1;
    if (!(t < T[j] || (t === T[j] && ((s - S[j]) | 0) < 0))) continue;
    const p = P[i];
    do {
      T[j + 1] = T[j];
      S[j + 1] = S[j];
      P[j + 1] = P[j];
      j--;
    } while (j >= from && (t < T[j] || (t === T[j] && ((s - S[j]) | 0) < 0)));
    T[j + 1] = t;
    S[j + 1] = s;
    P[j + 1] = p;
    budget -= i - j;
    if (budget < 0) return false;
  }
  return true;
}

/** Bottom-up merge sort of (outT, outS, outP)[0, n), using (keyT, keyS, tmpI) as scratch. */
function mergeSort(n: number): void {
  const { keyT, keyS, outT, outS, outP, tmpI } = scratch;
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) insertionSort(outT, outS, outP, lo, Math.min(lo + RUN, n), Infinity);
  let srcT = outT, srcS = outS, srcP = outP;
  let dstT = keyT, dstS = keyS, dstP = tmpI;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (srcT[j] < srcT[i] || (srcT[j] === srcT[i] && ((srcS[j] - srcS[i]) | 0) < 0)) {
          dstT[k] = srcT[j];
          dstS[k] = srcS[j];
          dstP[k++] = srcP[j++];
        } else {
          dstT[k] = srcT[i];
          dstS[k] = srcS[i];
          dstP[k++] = srcP[i++];
        }
      }
      for (; i < mid; i++, k++) {
        dstT[k] = srcT[i];
        dstS[k] = srcS[i];
        dstP[k] = srcP[i];
      }
      for (; j < hi; j++, k++) {
        dstT[k] = srcT[j];
        dstS[k] = srcS[j];
        dstP[k] = srcP[j];
      }
    }
    const t = srcT;
    srcT = dstT;
    dstT = t;
    const s = srcS;
    srcS = dstS;
    dstS = s;
    const p = srcP;
    srcP = dstP;
    dstP = p;
  }
  if (srcT !== outT) {
    outT.set(srcT.subarray(0, n));
    outS.set(srcS.subarray(0, n));
    outP.set(srcP.subarray(0, n));
  }
}

/**
 * Sorts the keys (scratch.keyT, scratch.keyS)[0, n) by (deadline, seq). Returns true when they already are in
 * order (nothing written); otherwise the order is left in scratch.outT, outS and outP.
 */
export function sortKeys(n: number): boolean {
  const { outT, outS, outP } = scratch;
  const T = scratch.keyT;
  const S = scratch.keyS;
  let i = 1;
  while (i < n && !(T[i] < T[i - 1] || (T[i] === T[i - 1] && ((S[i] - S[i - 1]) | 0) < 0))) i++;
  if (i >= n) return true;

  if (n <= 32) {
    for (let k = 0; k < n; k++) {
      outT[k] = T[k];
      outS[k] = S[k];
      outP[k] = k;
    }
    insertionSort(outT, outS, outP, 0, n, Infinity);
    return false;
  }

  // A stable distribution (counting) sort on the deadline into about n buckets, which leaves
  // the keys nearly sorted, then an insertion sort finishes them (and orders equal deadlines
  // by seq). Skewed deadlines (e.g. a crowd of equal ones in shuffled seq order) exhaust the
  // insertion sort's budget and fall back to the merge sort.
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const t = T[k];
    if (t < lo && t > -Infinity) lo = t;
    if (t > hi) hi = t;
  }
  let buckets = 1;
  while (buckets < n && buckets < MAX_SORT_BUCKETS) buckets <<= 1;
  let scale = (buckets - 1) / (hi - lo);
  if (!(scale < Infinity)) scale = 0; // hi === lo, or a non-finite spread
  if (scratch.counts.length < buckets + 1) scratch.counts = new Int32Array(buckets + 1);
  else scratch.counts.fill(0, 0, buckets + 1);
  const C = scratch.counts;
  const K = scratch.tmpI;
  for (let k = 0; k < n; k++) {
    const t = T[k];
    let key = t > lo ? ((t - lo) * scale) | 0 : 0;
    if (key >= buckets) key = buckets - 1;
    K[k] = key;
    C[key + 1]++;
  }
  for (let k = 0; k < buckets; k++) C[k + 1] += C[k];
  for (let k = 0; k < n; k++) {
    const p = C[K[k]]++;
    outT[p] = T[k];
    outS[p] = S[k];
    outP[p] = k;
  }
  if (!insertionSort(outT, outS, outP, 0, n, 8 * n + 64)) mergeSort(n);
  return false;
}

/**
 * The order of the keys `(times[i], seqs[i])` by deadline, then sequence number compared modulo
 * 2**32, as the permutation `order` (`order[k]` is the input index of the k-th smallest). A
 * pure function over the same sort the queue uses: for tests and for reading the algorithm.
 */
export function sortedOrder(times: ArrayLike<number>, seqs: ArrayLike<number>): number[] {
  const n = times.length;
  if (seqs.length !== n) throw new RangeError("sortedOrder: times and seqs differ in length");
  ensureScratch(n);
  scratch.keyT.set(Array.from(times));
  scratch.keyS.set(Array.from(seqs, (s) => s | 0));
  if (sortKeys(n)) return Array.from({ length: n }, (_, i) => i);
  return Array.from(scratch.outP.subarray(0, n));
}
