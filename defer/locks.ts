/**
 * Event-driven mutual exclusion: `DeferredLock` and `DeferredSemaphore`.
 * @module
 */
import { checkCallable } from "../core/validate";
import { Deferred } from "./deferred";
import { Failure } from "../core/failure";
import { maybeDeferred } from "./functions";
import { WaiterQueue } from "./waiter-queue";

/**
 * What `DeferredLock` and `DeferredSemaphore` share (Twisted's `_ConcurrencyPrimitive`): a count
 * of free tokens, a FIFO of waiting acquirers, and `run()`. A lock is the one-token case.
 * Not meant to be subclassed outside this module; exported for the type declarations.
 */
export abstract class ConcurrencyPrimitive {
  readonly #waiting = new WaiterQueue<Deferred<this>>();

  /**
   * The Deferreds of pending `acquire()` calls, first come first served: a snapshot, changing it
   * changes nothing. Cancelling one of them removes it from here (in constant time).
   */
  get waiting(): Array<Deferred<this>> {
    return this.#waiting.toArray();
  }
  readonly #limit: number;
  #tokens: number;
  readonly #overReleaseMessage: string;

  /**
   * @param limit how many holders at once.
   * @param overReleaseMessage the message of the Error `release()` throws when nothing is held.
   */
  protected constructor(limit: number, overReleaseMessage: string) {
    this.#limit = limit;
    this.#tokens = limit;
    this.#overReleaseMessage = overReleaseMessage;
  }

  /** Free tokens now, for the subclasses' public views of it. @internal */
  protected get _freeTokens(): number {
    return this.#tokens;
  }

  /** The most holders at once, for the subclasses' public views of it. @internal */
  protected get _limit(): number {
    return this.#limit;
  }

  /**
   * Takes a token: the returned Deferred fires with this object once one is free (at once if one
   * is free now). Cancelling it while it waits takes it out of the queue with a `CancelledError`;
   * once it has fired, cancelling does nothing, and the token is held until `release()`.
   */
  readonly acquire = (): Deferred<this> => {
    const d = new Deferred<this>((cancelled) => {
      // Only called while `cancelled` has no result, so it is still queued.
      this.#waiting.remove(cancelled);
    });
    if (this.#tokens > 0) {
      this.#tokens--;
      d.callback(this);
    } else {
      this.#waiting.push(d);
    }
    return d;
  };

  /**
   * Gives back a token taken by `acquire()`; the longest waiting acquirer, if any, gets it at once
   * (its callbacks run before this returns).
   * @throws Error when no token is held (more releases than acquisitions).
   */
  readonly release = (): void => {
    if (this.#tokens >= this.#limit) throw new Error(this.#overReleaseMessage);
    const next = this.#waiting.shift();
    // The token goes straight to the next waiter: no moment where a third party could take it.
    if (next === undefined) this.#tokens++;
    else next.callback(this);
  };

  /**
   * Acquires, calls `f(...args)`, and releases once its result is there: after a Deferred or
   * Promise it returns has settled, and also when it throws or fails. The returned Deferred fires
   * with `f`'s result (or fails with its error). Cancelling it while waiting for the token means
   * `f` is never called.
   * @throws TypeError (at the call) when `f` is not a function.
   */
  readonly run = <T, A extends unknown[]>(f: (...args: A) => T | Deferred<T> | PromiseLike<T>, ...args: A): Deferred<T> => {
    checkCallable(`${this.constructor.name}.run`, f, "f");
    return this.acquire().addCallback(() =>
      maybeDeferred(f, ...args).addCallbacks(
        (result: T) => {
          this.release();
          return result;
        },
        (failure: Failure) => {
          this.release();
          // Throwing the Failure passes it on unchanged.
          throw failure;
        },
      ),
    );
  };
}

/**
 * A lock for event-driven code: `acquire()` gives a Deferred that fires when the lock is yours,
 * and `release()` hands it to the next waiter. `run(f)` does all three around `f`.
 * @example
 * ```ts
 * const lock = new DeferredLock();
 * lock.run(() => writeRecord(file, record)); // writes never interleave
 * ```
 */
export class DeferredLock extends ConcurrencyPrimitive {
  constructor() {
    super(1, "Tried to release an unlocked DeferredLock");
  }

  /** True while someone holds the lock. */
  get locked(): boolean {
    return this._freeTokens === 0;
  }
}

/**
 * A semaphore for event-driven code: at most `limit` holders at once; `acquire()` waits while
 * all tokens are taken. `run(f)` limits how many calls of `f` are in progress.
 * @example
 * ```ts
 * const sem = new DeferredSemaphore(4);
 * urls.forEach((url) => sem.run(fetchPage, url)); // at most 4 fetches at once
 * ```
 */
export class DeferredSemaphore extends ConcurrencyPrimitive {
  /**
   * @param tokens how many holders are allowed at once (the initial `tokens` and the `limit`).
   * @throws RangeError when `tokens` is not an integer of at least 1.
   */
  constructor(tokens: number) {
    if (!Number.isInteger(tokens) || tokens < 1) {
      throw new RangeError(`DeferredSemaphore needs an integer number of tokens >= 1, got ${String(tokens)}`);
    }
    super(tokens, "Released a DeferredSemaphore more times than it was acquired");
  }

  /** Free tokens: `limit` minus the current holders. */
  get tokens(): number {
    return this._freeTokens;
  }

  /** The most holders at once. */
  get limit(): number {
    return this._limit;
  }
}
