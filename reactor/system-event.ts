/**
 * A system event ("startup", "shutdown", or any name): three phases of triggers, as Twisted's
 * `_ThreePhaseEvent`.
 * @module
 */
import { isThenable } from "../core/validate";
import { Deferred, _isDeferred } from "../defer/deferred";
import { reportUnhandledFailures } from "../defer/unhandled";
import { DeferredList } from "../defer/deferred-list";
import { Failure } from "../core/failure";
import { err, Logger } from "../log";
import type { TriggerId } from "../core/interfaces";

/** The phases of a system event, in firing order. */
export type Phase = "before" | "during" | "after";

const PHASES: readonly Phase[] = ["before", "during", "after"];

const logger = new Logger("twisted-ts.reactor");

/** The handle `addSystemEventTrigger` returns: opaque to callers, it names one trigger. */
export class Trigger implements TriggerId {
  /** @internal */
  constructor(
    readonly phase: Phase,
    readonly eventType: string,
    /** @internal */ readonly f: (...args: unknown[]) => unknown,
    /** @internal */ readonly args: unknown[],
  ) {}

  toString(): string {
    return `<Trigger ${this.phase} ${this.eventType} ${this.f.name || "anonymous"}>`;
  }
}

/** Throws an Error naming the valid phases unless `phase` is one of them. */
export function checkPhase(caller: string, phase: unknown): asserts phase is Phase {
  if (!PHASES.includes(phase as Phase)) {
    throw new Error(`${caller}: invalid phase ${JSON.stringify(phase)}; the phases are "before", "during" and "after"`);
  }
}

/**
 * The triggers of one event type. Firing runs and removes the "before" triggers; when the
 * Deferreds or Promises they returned have all settled, the "during" and then "after" triggers
 * run and are removed. A trigger is called once, the next time its event fires. A trigger that
 * throws (or whose Deferred or Promise fails) is reported with `log.err`; the others still run.
 */
export class SystemEvent {
  readonly #type: string;
  readonly #before: Trigger[] = [];
  readonly #during: Trigger[] = [];
  readonly #after: Trigger[] = [];
  /** "before" triggers already run in the current firing (BEFORE state), else undefined. */
  #finishedBefore: Set<Trigger> | undefined;
  /** Triggers taken out of their list by the run under way and not called yet. */
  #taken: Set<Trigger> | undefined;

  constructor(eventType: string) {
    this.#type = eventType;
  }

  add(trigger: Trigger): void {
    this.#list(trigger.phase).push(trigger);
  }

  /**
   * Removes a trigger not yet run. Removing a "before" trigger that already ran in the firing
   * under way is only warned about (as Twisted); any other unknown handle throws.
   */
  remove(trigger: Trigger): void {
    const list = this.#list(trigger.phase);
    const i = list.indexOf(trigger);
    if (i >= 0) {
      list.splice(i, 1);
      return;
    }
    if (this.#taken?.delete(trigger) === true) return; // taken by the run under way, not called yet
    if (this.#finishedBefore?.has(trigger) === true) {
      logger.warn("removeSystemEventTrigger: {trigger} has already run; nothing to remove", { trigger: trigger.toString() });
      return;
    }
    throw new Error(`removeSystemEventTrigger: unknown or already removed trigger ${String(trigger)}`);
  }

  /** Fires the event. `done` is called once the "after" triggers have run. */
  fire(done?: () => void): void {
    const finished = new Set<Trigger>();
    this.#finishedBefore = finished;
    const waits: Deferred<unknown>[] = [];
    this.#runAll(this.#before, (t) => {
      finished.add(t);
      const result = this.#call(t);
      const wait = this.#awaitable(t, result);
      if (wait !== undefined) waits.push(wait);
    });
    // The waits never fail (#awaitable consumes failures), and an empty list fires at once.
    new DeferredList(waits).addCallback(() => this.#continue(done));
  }

  #continue(done: (() => void) | undefined): void {
    this.#finishedBefore = undefined;
    this.#runAll(this.#during, (t) => this.#call(t));
    this.#runAll(this.#after, (t) => this.#call(t));
    // A stopped reactor has run its "shutdown" event: what is still unhandled is reported now
    // rather than when (or if) the garbage collector gets to it.
    if (this.#type === "shutdown") reportUnhandledFailures();
    done?.();
  }

  /**
   * Calls and removes each trigger of `list`, in order, those added meanwhile included. Linear
   * time: the list is taken a batch at a time (never `shift()`ed one by one), and a trigger
   * removed while its batch runs is dropped from `#taken` so it is not called.
   */
  #runAll(list: Trigger[], each: (t: Trigger) => void): void {
    const outer = this.#taken;
    try {
      while (list.length > 0) {
        const batch = list.splice(0, list.length);
        const taken = (this.#taken = new Set(batch));
        for (const t of batch) if (taken.delete(t)) each(t);
      }
    } finally {
      this.#taken = outer;
    }
  }

  #call(t: Trigger): unknown {
    try {
      return t.f(...t.args);
    } catch (e) {
      err(e, `Error in ${t.phase}-${this.#type} trigger ${t.f.name || "(anonymous)"}:`);
      return undefined;
    }
  }

  /** A Deferred that fires (never fails) once a "before" trigger's Deferred or Promise settles. */
  #awaitable(t: Trigger, result: unknown): Deferred<unknown> | undefined {
    try {
      if (!_isDeferred(result) && !isThenable(result)) return undefined;
    } catch (e) {
      // A `then` getter (or Proxy trap) that throws: the trigger failed.
      err(e, `Error in before-${this.#type} trigger ${t.f.name || "(anonymous)"}:`);
      return undefined;
    }
    const d = Deferred.fromPromise(result); // a Deferred comes back as it is
    const why = `Error in before-${this.#type} trigger ${t.f.name || "(anonymous)"}:`;
    // A failure is reported and consumed here: it must not stop the event (nor be reported twice).
    return d.addErrback((f: Failure) => {
      err(f, why);
      return null;
    });
  }

  #list(phase: Phase): Trigger[] {
    return phase === "before" ? this.#before : phase === "during" ? this.#during : this.#after;
  }
}
