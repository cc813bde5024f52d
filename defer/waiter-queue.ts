/**
 * `WaiterQueue`: the FIFO of Deferreds waiting for a lock token or a queued object, with
 * constant-time removal of a cancelled waiter.
 *
 * Design: waiters sit in an array read from `#head`; a cancelled one leaves a hole (its slot is
 * set to undefined) found through a Map from waiter to slot, instead of `indexOf` + `splice`
 * (which made cancelling 100,000 waiters quadratic: seconds). Holes and the consumed prefix are
 * compacted away once they are more than half the array, so each operation is amortised O(1).
 *
 * Invariants: `#slots[#head..]` holds each live waiter once, in arrival order, among holes;
 * `#index` maps exactly the live waiters to their slots; `#live` counts them. The public view
 * (`toArray()`) is a fresh array of the live waiters, cached until the next change.
 * @module
 */

/** A FIFO of waiters with O(1) removal of any one of them. Internal to defer/. */
export class WaiterQueue<D extends object> {
  #slots: Array<D | undefined> = [];
  #head = 0;
  #live = 0;
  readonly #index = new Map<D, number>();
  #view: D[] | undefined = undefined;

  /** How many waiters there are. */
  get length(): number {
    return this.#live;
  }

  /** Adds `d` at the end. */
  push(d: D): void {
    this.#index.set(d, this.#slots.length);
    this.#slots.push(d);
    this.#live++;
    this.#view = undefined;
  }

  /** Takes the longest-waiting waiter out, or undefined when there is none. */
  shift(): D | undefined {
    const slots = this.#slots;
    while (this.#head < slots.length) {
      const d = slots[this.#head];
      slots[this.#head++] = undefined;
      if (d !== undefined) {
        this.#index.delete(d);
        this.#live--;
        this.#view = undefined;
        this.#compactIfSparse();
        return d;
      }
    }
    return undefined;
  }

  /** Removes `d` wherever it is; false when it is not waiting. */
  remove(d: D): boolean {
    const i = this.#index.get(d);
    if (i === undefined) return false;
    this.#index.delete(d);
    this.#slots[i] = undefined;
    this.#live--;
    this.#view = undefined;
    this.#compactIfSparse();
    return true;
  }

  /** The waiters, longest-waiting first: a new array, not to be changed. */
  toArray(): D[] {
    if (this.#view === undefined) {
      const view: D[] = [];
      const slots = this.#slots;
      for (let i = this.#head; i < slots.length; i++) {
        const d = slots[i];
        if (d !== undefined) view.push(d);
      }
      this.#view = view;
    }
    return this.#view;
  }

  #compactIfSparse(): void {
    const size = this.#slots.length;
    if (size < 64 || this.#live * 2 > size) return;
    const slots: D[] = [];
    this.#index.clear();
    for (let i = this.#head; i < size; i++) {
      const d = this.#slots[i];
      if (d !== undefined) {
        this.#index.set(d, slots.length);
        slots.push(d);
      }
    }
    this.#slots = slots;
    this.#head = 0;
  }
}
