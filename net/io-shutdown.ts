/**
 * The per-reactor registry of what the UDP ports, processes and thread pool opened, closed by
 * `reactor.stop()`.
 *
 * On the first registration for a reactor a "before shutdown" trigger is added; it closes every
 * registered resource and returns a Deferred that fires once they are all closed, so the
 * reactor's "during" phase (and `run()`'s Promise) comes after. A resource unregisters itself
 * when it closes on its own.
 * @module
 */
import type { Reactor } from "../reactor/reactor";
import { Deferred } from "../defer/deferred";
import { DeferredList } from "../defer/deferred-list";
import { err } from "../log";

/** Something the reactor must close when it stops. */
export interface IShutdownResource {
  /** Closes it; the Deferred (if any) fires once it is closed. Must not throw. */
  closeForShutdown(): Deferred<unknown> | void;
}

interface Registry {
  readonly resources: Set<IShutdownResource>;
  /** The trigger has fired: the next registration adds a new one. */
  armed: boolean;
}

const registries = new WeakMap<object, Registry>();

/** Registers `resource` to be closed by `reactor.stop()`. */
export function _registerForShutdown(reactor: Reactor, resource: IShutdownResource): void {
  let registry = registries.get(reactor);
  if (registry === undefined) {
    registry = { resources: new Set(), armed: false };
    registries.set(reactor, registry);
  }
  registry.resources.add(resource);
  if (!registry.armed) {
    registry.armed = true;
    const r = registry;
    reactor.addSystemEventTrigger("before", "shutdown", () => closeAll(r));
  }
}

/** Forgets `resource` (it closed on its own). */
export function _unregisterForShutdown(reactor: Reactor, resource: IShutdownResource): void {
  registries.get(reactor)?.resources.delete(resource);
}

function closeAll(registry: Registry): Deferred<unknown> {
  registry.armed = false;
  const waits: Deferred<unknown>[] = [];
  for (const resource of [...registry.resources]) {
    registry.resources.delete(resource);
    try {
      const d = resource.closeForShutdown();
      if (d instanceof Deferred) waits.push(d);
    } catch (e) {
      err(e, "Error while closing a resource at reactor shutdown:");
    }
  }
  return new DeferredList(waits, { consumeErrors: true });
}
