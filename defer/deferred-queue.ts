/**
 * `DeferredQueue`: a FIFO queue whose `get()` returns a Deferred.
 * @module
 */
import { Deferred } from "./deferred";
import { QueueOverflow, QueueUnderflow } from "./errors";
import { succeed } from "./functions";

/**
 * An event-driven FIFO queue. `put()` hands an object to the longest waiting getter, or keeps it
 * in `pending`; `get()` returns a Deferred that fires with the next object, at once when one is
 * pending.
 *
 * Both directions can be bounded: `size` objects pending at most, `backlog` getters waiting at
 * most (`undefined`: no limit). Going past a bound throws at the call, as in Twisted.
 */
export class DeferredQueue<T> {
  /** Objects put and not yet got, oldest first. Read it, do not change it. */
  readonly pending: T[] = [];
  /** Deferreds of `get()` calls waiting for an object, oldest first. Read it, do not change it. */
  readonly waiting: Array<Deferred<T>> = [];
  /** The most objects `pending` may hold; `undefined` for no limit. */
  size: number | undefined;
  /** The most `get()` calls that may wait at once; `undefined` for no limit. */
  backlog: number | undefined;

  /**
   * @param size the most pending objects (`undefined` or `null`: unbounded).
   * @param backlog the most waiting getters (`undefined` or `null`: unbounded).
   */
  constructor(size?: number | null, backlog?: number | null) {
    // `null` is accepted as Twisted's `None`.
    this.size = size ?? undefined;
    this.backlog = backlog ?? undefined;
  }

  /**
   * Adds `obj`: the longest waiting getter fires with it now (its callbacks run before this
   * returns), or it joins `pending`.
   * @throws QueueOverflow when no getter waits and `size` objects are already pending.
   */
  put(obj: T): void {
    const getter = this.waiting.shift();
    if (getter !== undefined) {
      getter.callback(obj);
    } else if (this.size === undefined || this.pending.length < this.size) {
      this.pending.push(obj);
    } else {
      throw new QueueOverflow(`DeferredQueue is full: ${this.pending.length} objects pending (size ${this.size})`);
    }
  }

  /**
   * Takes the next object: a Deferred that fires with it, already fired when one is pending.
   * Cancelling a waiting one removes it from `waiting` (a later `put()` goes to the next getter).
   * @throws QueueUnderflow when nothing is pending and `backlog` getters are already waiting.
   */
  get(): Deferred<T> {
    // Test the length, not what shift() gives: `undefined` may be a queued object.
    if (this.pending.length > 0) return succeed(this.pending.shift() as T);
    if (this.backlog !== undefined && this.waiting.length >= this.backlog) {
      throw new QueueUnderflow(`DeferredQueue has ${this.waiting.length} getters waiting (backlog ${this.backlog})`);
    }
    const d = new Deferred<T>((cancelled) => {
      // Only called while `cancelled` has no result, so it is still waiting.
      const i = this.waiting.indexOf(cancelled);
      if (i >= 0) this.waiting.splice(i, 1);
    });
    this.waiting.push(d);
    return d;
  }
}
