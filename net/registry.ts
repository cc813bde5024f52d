/**
 * What each reactor opened (ports, connections, connection attempts), so that `reactor.stop()`
 * closes it all, as Twisted's `disconnectAll`. The reactor itself knows nothing of net/: the
 * first thing opened for a reactor adds a "during shutdown" trigger that closes the rest.
 * @module
 */
import { err } from "../log";
import type { Reactor } from "../reactor/reactor";

/** Something open that the reactor's shutdown must close. @internal */
export interface Closable {
  /** Closes at once; a connection's protocol gets `connectionLost(ConnectionLost)` before this returns. */
  _closeForShutdown(): void;
}

const open = new WeakMap<Reactor, Set<Closable>>();

/** Records `thing` as opened by `reactor` (until {@link untrack}). @internal */
export function track(reactor: Reactor, thing: Closable): void {
  let set = open.get(reactor);
  if (set === undefined) {
    set = new Set();
    open.set(reactor, set);
    const owned = set;
    reactor.addSystemEventTrigger("during", "shutdown", () => closeAll(reactor, owned));
  }
  set.add(thing);
}

/** Forgets `thing` (it closed by itself). @internal */
export function untrack(reactor: Reactor, thing: Closable): void {
  open.get(reactor)?.delete(thing);
}

/** What `reactor` has open now, in the order it was opened (for tests and diagnostics). @internal */
export function _openResources(reactor: Reactor): Closable[] {
  const set = open.get(reactor);
  return set === undefined ? [] : [...set];
}

/** How many things `reactor` has open (for tests and diagnostics). @internal */
export function _openCount(reactor: Reactor): number {
  return open.get(reactor)?.size ?? 0;
}

function closeAll(reactor: Reactor, set: Set<Closable>): void {
  // The trigger ran once; a reactor that runs again (after crash()) gets a new one.
  open.delete(reactor);
  for (const thing of [...set]) {
    try {
      thing._closeForShutdown();
    } catch (e) {
      err(e, "Error closing a connection or port during reactor shutdown:");
    }
  }
  set.clear();
}

/** Closes everything `reactor` opened now, as its shutdown would (test clean-up). @internal */
export function _disconnectAll(reactor: Reactor): void {
  const set = open.get(reactor);
  if (set !== undefined) closeAll(reactor, set);
}
