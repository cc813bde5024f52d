/**
 * `DeferredQueue`: a FIFO queue whose `get()` returns a Deferred.
 * @module
 */
import { Deferred } from "./deferred";
import { QueueOverflow, QueueUnderflow } from "./errors";
import { succeed } from "./functions";
import { WaiterQueue } from "./waiter-queue";
import { describeValue } from "../core/validate";

/** A bound of the queue: `undefined`/`null` (none), an integer >= 0, or Infinity. */
function checkBound(name: string, value: number | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number") throw new TypeError(`DeferredQueue: ${name} must be a number, got ${describeValue(value)}`);
  if (!(Number.isInteger(value) || value === Infinity) || value < 0) {
    throw new RangeError(`DeferredQueue: ${name} must be an integer >= 0 (or null for no limit), got ${String(value)}`);
  }
  return value;
}

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
  readonly #waiting = new WaiterQueue<Deferred<T>>();
  /** The most objects `pending` may hold; `undefined` for no limit. */
  size: number | undefined;
  /** The most `get()` calls that may wait at once; `undefined` for no limit. */
  backlog: number | undefined;

  /**
   * @param size the most pending objects (`undefined` or `null`: unbounded).
   * @param backlog the most waiting getters (`undefined` or `null`: unbounded).
   * @throws TypeError / RangeError when a bound is not an integer >= 0 (NaN, -1, 1.5, "3").
   */
  constructor(size?: number | null, backlog?: number | null) {
    // `null` is accepted as Twisted's `None`.
    this.size = checkBound("size", size);
    this.backlog = checkBound("backlog", backlog);
  }

  /**
   * Deferreds of `get()` calls waiting for an object, oldest first: a snapshot, changing it
   * changes nothing. Cancelling one removes it from here (in constant time).
   */
  get waiting(): Array<Deferred<T>> {
    return this.#waiting.toArray();
  }

  /**
   * Adds `obj`: the longest waiting getter fires with it now (its callbacks run before this
   * returns), or it joins `pending`.
   * @throws QueueOverflow when no getter waits and `size` objects are already pending.
   */
  readonly put = (obj: T): void => {
    const getter = this.#waiting.shift();
    if (getter !== undefined) {
      getter.callback(obj);
    } else if (this.size === undefined || this.pending.length < this.size) {
      this.pending.push(obj);
    } else {
      throw new QueueOverflow(`DeferredQueue is full: ${this.pending.length} objects pending (size ${this.size})`);
    }
  };

  /**
   * Takes the next object: a Deferred that fires with it, already fired when one is pending.
   * Cancelling a waiting one removes it from `waiting` (a later `put()` goes to the next getter).
   * @throws QueueUnderflow when nothing is pending and `backlog` getters are already waiting.
   */
  readonly get = (): Deferred<T> => {
    // Test the length, not what shift() gives: `undefined` may be a queued object.
    if (this.pending.length > 0) return succeed(this.pending.shift() as T);
    const waiting = this.#waiting;
    if (this.backlog !== undefined && waiting.length >= this.backlog) {
      throw new QueueUnderflow(`DeferredQueue has ${waiting.length} getters waiting (backlog ${this.backlog})`);
    }
    const d = new Deferred<T>((cancelled) => {
      // Only called while `cancelled` has no result, so it is still waiting.
      waiting.remove(cancelled);
    });
    waiting.push(d);
    return d;
  };
}
