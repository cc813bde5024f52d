/**
 * `LogPublisher` and `globalLogPublisher`, as `twisted.logger`'s.
 * @module
 */

import { bindMethods } from "../core/bind";
import { makeEvent, toFailure, type LogEvent, type Observer } from "./event";
import { formatValue } from "./format";
import { addObserver, publish, registeredObservers, removeObserver, setGlobalPublisher, traceOf } from "./publisher";

const OBSERVERS = new WeakMap<object, Observer[]>();

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LogPublisher {
  /** Delivers `event` to every observer, in the order they were added. */
  (event: LogEvent): void;
}

/**
 * An observer (a function of an event) that forwards each event to its own observers, as
 * Twisted's `LogPublisher`. An observer that throws stays; once the event has reached every
 * observer, its error is reported to the others as a critical event
 * `Temporarily disabling observer <observer> due to exception` carrying the Failure.
 * {@link globalLogPublisher} is the one every Logger, `msg` and `err` publish to. An event with a
 * `log_trace` array gets `[publisher, observer]` appended before each observer is called, as
 * Twisted's tracing.
 *
 * @example
 * ```ts
 * const publisher = new LogPublisher();
 * publisher.addObserver(textFileLogObserver(process.stdout));
 * const log = new Logger("app", null, publisher);   // events go to this publisher only
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LogPublisher {
  /** @param observers the first observers. */
  constructor(...observers: Observer[]) {
    const list: Observer[] = [];
    const publisher = (event: LogEvent): void => deliverAll(self, list, event);
    const self = Object.setPrototypeOf(publisher, new.target.prototype) as LogPublisher;
    OBSERVERS.set(self, list);
    bindMethods(self, ["addObserver", "removeObserver"]);
    for (const o of observers) self.addObserver(o);
    return self;
  }

  /**
   * Adds `observer` after the others; adding one already there does nothing.
   * @throws {TypeError} when `observer` is not a function.
   */
  addObserver(observer: Observer): void {
    if (typeof observer !== "function") throw new TypeError(`Observer is not callable: ${formatValue(observer)}`);
    if (this === globalLogPublisher) {
      addObserver(observer);
      return;
    }
    const list = observersOf(this);
    if (!list.includes(observer)) list.push(observer);
  }

  /** The observers, in the order they were added (a copy; Twisted's `_observers`). @internal */
  get _observers(): Observer[] {
    return this === globalLogPublisher ? registeredObservers() : [...observersOf(this)];
  }

  /** Removes `observer`; removing one that is not there does nothing. */
  removeObserver(observer: Observer): void {
    if (this === globalLogPublisher) {
      removeObserver(observer);
      return;
    }
    const list = observersOf(this);
    const i = list.indexOf(observer);
    if (i >= 0) list.splice(i, 1);
  }
}

function observersOf(publisher: object): Observer[] {
  const list = OBSERVERS.get(publisher);
  if (list === undefined) throw new TypeError("not a LogPublisher");
  return list;
}

function deliverAll(publisher: LogPublisher, observers: readonly Observer[], event: LogEvent): void {
  const trace = traceOf(event);
  const broken: Array<[Observer, unknown]> = [];
  for (const observer of [...observers]) {
    try {
      trace?.push([publisher, observer]);
      observer(event);
    } catch (error) {
      broken.push([observer, error]);
    }
  }
  for (const [observer, error] of broken) {
    const report = makeEvent(
      {
        level: "critical",
        format: "Temporarily disabling observer {observer} due to exception",
        namespace: "log",
        failure: toFailure(error),
      },
      { observer },
    );
    for (const other of observers) {
      if (other === observer) continue;
      try {
        other(report);
      } catch {
        // Reported once, never recursively.
      }
    }
  }
}

/**
 * The publisher every `Logger` (without an observer of its own), `msg` and `err` publish to, as
 * Twisted's `globalLogPublisher`. `globalLogPublisher.addObserver(o)` is `addObserver(o)`.
 *
 * @example
 * ```ts
 * globalLogPublisher.addObserver(textFileLogObserver(process.stdout));
 * ```
 */
export const globalLogPublisher: LogPublisher = (() => {
  const self = Object.setPrototypeOf((event: LogEvent): void => publish(event), LogPublisher.prototype) as LogPublisher;
  bindMethods(self, ["addObserver", "removeObserver"]);
  return self;
})();
setGlobalPublisher(globalLogPublisher);
