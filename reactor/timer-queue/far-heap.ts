/**
 * The far heap: a binary min-heap of delayed calls in (deadline, seq) order, indexed (each call
 * keeps its position in `_index`) so a call can be re-keyed or removed in O(log n). It holds the
 * calls beyond the wheel's range; module functions over a plain array keep the hot paths free of
 * an extra object.
 * @module
 */
import type { DelayedCall } from "../delayed-call";
import { before } from "./order";

export function siftUp(heap: DelayedCall[], i: number): void {
  const call = heap[i];
  while (i > 0) {
    const parentIndex = (i - 1) >> 1;
    const parent = heap[parentIndex];
    if (!before(call, parent)) break;
    heap[i] = parent;
    parent._index = i;
    i = parentIndex;
  }
  heap[i] = call;
  call._index = i;
}

export function siftDown(heap: DelayedCall[], i: number): void {
  const n = heap.length;
  const call = heap[i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let child = heap[c];
    if (c + 1 < n && before(heap[c + 1], child)) child = heap[++c];
    if (!before(child, call)) break;
    heap[i] = child;
    child._index = i;
    i = c;
  }
  heap[i] = call;
  call._index = i;
}

export function heapPop(heap: DelayedCall[]): DelayedCall {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(heap, 0);
  }
  return top;
}

export function heapRemoveAt(heap: DelayedCall[], i: number): void {
  const last = heap.pop()!;
  if (i < heap.length) {
    heap[i] = last;
    last._index = i;
    heapFix(heap, i);
  }
}

export function heapFix(heap: DelayedCall[], i: number): void {
  if (i > 0 && before(heap[i], heap[(i - 1) >> 1])) siftUp(heap, i);
  else siftDown(heap, i);
}

/** Adds `call` (its `_loc` already set by the caller). */
export function heapPush(heap: DelayedCall[], call: DelayedCall): void {
  heap.push(call);
  siftUp(heap, heap.length - 1);
}
