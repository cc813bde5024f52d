/**
 * The order of delayed calls: by deadline, then by sequence number (scheduling order), the
 * sequence numbers compared modulo 2**32 so that the int32 counter never overflows.
 * @module
 */
import { timeOf, type DelayedCall } from "../delayed-call";

/** (deadline, seq) order; sequence numbers compare modulo 2**32 so that they never overflow. */
export function before(a: DelayedCall, b: DelayedCall): boolean {
  const ta = timeOf(a);
  const tb = timeOf(b);
  return ta < tb || (ta === tb && ((a._seq - b._seq) | 0) < 0);
}

/** A comparator for Array.prototype.sort in the same order. */
export function compareCalls(a: DelayedCall, b: DelayedCall): number {
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}
