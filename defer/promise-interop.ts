/**
 * Promise interop: how a Deferred takes the settlement of a Promise or any thenable
 * (`Deferred.fromPromise`, `Deferred.fromAsync`, a thenable returned by a callback).
 *
 * Design: this file sits beside deferred.ts without importing it at run time (deferred.ts
 * imports this one): what it needs of the class (making one, telling one, adopting one's
 * result) it is given as {@link DeferredKit}. Invariants: a thenable's settlement fires its
 * Deferred at most once, and not at all once that Deferred has a result (cancelled: the Promise
 * is abandoned); a `then` that throws, or a `then` getter (or Proxy trap) that throws, fails the
 * Deferred instead of throwing into the caller.
 * @module
 */
import type { Deferred } from "./deferred";
import { CancelledError } from "./errors";
import { checkCallable, describeValue, isThenable } from "../core/validate";
import type { Failure } from "../core/failure";
import { markObserved } from "./unhandled";

/** What the functions here need of the Deferred class (given by deferred.ts). */
export interface DeferredKit {
  make<T>(canceller?: (d: Deferred<T>) => void): Deferred<T>;
  /** Whether `v` is a Deferred (`instanceof`); never throws, even for a Proxy whose trap does. */
  isDeferred(v: unknown): v is Deferred<unknown>;
  /** Makes `target` (not fired) take `source`'s result, as if a callback had returned it. */
  adopt<T>(target: Deferred<T>, source: Deferred<T>): void;
}

/** The canceller of Deferreds that stand for a Promise: nothing to stop, so the Promise is abandoned. */
export function noopCanceller(): void {}

/** Fires `d` from `p`'s settlement, unless `d` already has a result (cancelled: abandoned). */
export function settleFrom<T>(kit: DeferredKit, d: Deferred<T>, p: PromiseLike<T>): void {
  try {
    p.then(
      (v) => {
        if (!d.called) {
          if (kit.isDeferred(v)) kit.adopt(d, v as Deferred<T>);
          else d.callback(v);
        }
      },
      (e) => {
        if (!d.called) d.errback(e);
      },
    );
  } catch (e) {
    // A thenable whose `then` throws has failed.
    if (!d.called) d.errback(e);
  }
}

/** `Deferred.fromPromise(p)` (documented there). */
export function fromPromise<T>(kit: DeferredKit, p: PromiseLike<T>): Deferred<T> {
  if (kit.isDeferred(p)) return p as Deferred<T>;
  const d = kit.make<T>(noopCanceller);
  let thenable: boolean;
  try {
    thenable = isThenable(p);
  } catch (e) {
    // A `then` getter (or Proxy trap) that throws: a thenable that has failed.
    d.errback(e);
    return d;
  }
  if (!thenable) throw new TypeError(`Deferred.fromPromise() needs a thenable, got ${describeValue(p)}`);
  settleFrom(kit, d, p);
  return d;
}

/** `Deferred.fromAsync(f)` (documented there). */
export function fromAsync<T>(kit: DeferredKit, f: (signal: AbortSignal) => PromiseLike<T> | T): Deferred<T> {
  checkCallable("Deferred.fromAsync", f, "f");
  const controller = new AbortController();
  let inner: Deferred<T> | undefined;
  // Cancelling aborts the signal, and cancels a Deferred f returned (f's own cancellation).
  const d = kit.make<T>(() => {
    controller.abort(new CancelledError());
    inner?.cancel();
  });
  let r: PromiseLike<T> | T;
  let thenable: boolean;
  try {
    r = f(controller.signal);
    thenable = !kit.isDeferred(r) && isThenable(r);
  } catch (e) {
    d.errback(e);
    return d;
  }
  if (kit.isDeferred(r)) {
    // Not adopted (d would then forward cancel() to it, skipping the abort): d takes its
    // result, a Failure included, and carries it from then on.
    inner = r as Deferred<T>;
    inner.addBoth((v: unknown) => {
      if (!d.called) d.callback(v as T);
      return null;
    });
  } else if (thenable) {
    settleFrom(kit, d, r as PromiseLike<T>);
  } else {
    d.callback(r as T);
  }
  return d;
}

/**
 * A Promise of `d`'s result where its chain stands (`then`, `asPromise`), rejected with the
 * Failure's `value`; the result passes on unchanged. `handles`: the Failure counts as handled
 * (not reported as unhandled).
 */
export function observe<T>(d: Deferred<T>, handles: boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    d.addCallbacks(
      (r: T) => {
        resolve(r);
        return r;
      },
      (f: Failure) => {
        if (handles) markObserved(f);
        reject(f.value);
        return f;
      },
    );
  });
}
