/**
 * The global log publisher: the observers every log event is delivered to.
 * @module
 */

import EventEmitter from "eventemitter3";
import { formatValue } from "./format";
import { makeEvent, toFailure, type LogEvent, type Observer } from "./event";

/**
 * How one event is being delivered. A failure report skips the observer that failed and has no
 * `broken` list, so a failure while delivering it is dropped rather than reported again.
 */
type Delivery = { broken?: Broken[]; skip?: Observer; trace?: unknown[] };
type Broken = { observer: Observer; error: unknown };
type Events = { event: [LogEvent, Delivery] };

// eventemitter3 keeps registration order and calls listeners synchronously; it does not contain
// a throwing listener, so each observer is registered through a wrapper that does.
const emitter = new EventEmitter<Events>();
const listeners = new Map<Observer, (event: LogEvent, delivery: Delivery) => void>();

/**
 * Starts delivering every log event to `observer`, after the observers already registered.
 * Adding an observer that is already registered does nothing (it is still called once per event).
 * An observer that throws stays registered; once the event has reached every observer, its error
 * is reported to the other observers as an `error` event carrying the Failure.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const collect: Observer = (event) => lines.push(`${event.level}: ${event.message}`);
 * addObserver(collect);
 * msg("hello");          // lines: ["info: hello"]
 * removeObserver(collect);
 * ```
 */
export function addObserver(observer: Observer): void {
  if (listeners.has(observer)) return;
  const listener = (event: LogEvent, delivery: Delivery): void => deliver(observer, event, delivery);
  listeners.set(observer, listener);
  emitter.on("event", listener);
}

/** Stops delivering events to `observer`. Removing an observer that is not registered does nothing. */
export function removeObserver(observer: Observer): void {
  const listener = listeners.get(observer);
  if (listener === undefined) return;
  listeners.delete(observer);
  emitter.off("event", listener);
}

/** The registered observers, in registration order (a copy). @internal */
export function registeredObservers(): Observer[] {
  return [...listeners.keys()];
}

/** Whether `observer` is currently registered (e.g. to restore the default observer after a test). */
export function isObserving(observer: Observer): boolean {
  return listeners.has(observer);
}

/**
 * Delivers `event` to every registered observer, in registration order, then reports each
 * observer that threw to the others. Never throws.
 * Internal: producers (`msg`, `err`, `Logger`) call this; it is not re-exported from the module.
 */
export function publish(event: LogEvent): void {
  const broken: Broken[] = [];
  emit(event, { broken, trace: traceOf(event) });
  // Reported after the event reached everyone, as Twisted does, so each observer sees it first.
  for (const { observer, error } of broken) {
    try {
      emit(failureReport(observer, error), { skip: observer });
    } catch {
      // Building the report failed (e.g. a hostile observer name); logging must not throw.
    }
  }
}

function emit(event: LogEvent, delivery: Delivery): void {
  try {
    emitter.emit("event", event, delivery);
  } catch {
    // Unreachable while every listener is a `deliver` wrapper; kept so logging can never throw.
  }
}

function deliver(observer: Observer, event: LogEvent, delivery: Delivery): void {
  if (delivery.skip === observer) return;
  try {
    delivery.trace?.push([globalPublisher, observer]);
    observer(event);
  } catch (error) {
    delivery.broken?.push({ observer, error });
  }
}

// The global LogPublisher, as tracing names it (set by log-publisher.ts, which imports this file).
let globalPublisher: unknown;

/** Records the object that stands for the global publisher in `log_trace`. @internal */
export function setGlobalPublisher(publisher: unknown): void {
  globalPublisher = publisher;
}

/**
 * The event's `log_trace` array, when it has one: each publisher and filter appends
 * `[itself, observer]` to it before forwarding, as Twisted's tracing. Never throws. @internal
 */
export function traceOf(event: object): unknown[] | undefined {
  try {
    const trace = (event as { log_trace?: unknown }).log_trace;
    return Array.isArray(trace) ? trace : undefined;
  } catch {
    return undefined;
  }
}

function failureReport(observer: Observer, error: unknown): LogEvent {
  const name = formatValue(observer.name) || "(anonymous)";
  return makeEvent({
    level: "error",
    message: `Log observer ${name} failed.`,
    namespace: "log",
    failure: toFailure(error),
  });
}
