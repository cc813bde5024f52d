/**
 * `LimitedHistoryLogObserver`: the last events, kept to be replayed, as `twisted.logger`'s.
 * @module
 */

import { bindMethods } from "../core/bind";
import type { LogEvent, Observer } from "./event";

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface LimitedHistoryLogObserver {
  /** Keeps `event`, dropping the oldest one when the buffer is full. */
  (event: LogEvent): void;
}

/** A ring of at most `size` events (`null`: unbounded); `start` is the oldest once it is full. */
type Ring = { events: LogEvent[]; size: number | null; start: number };

const BUFFERS = new WeakMap<object, Ring>();

/**
 * An observer (a function of an event) that keeps the last `size` events it saw, to replay them
 * to another observer later, as Twisted's `LimitedHistoryLogObserver`.
 *
 * @example
 * ```ts
 * const history = new LimitedHistoryLogObserver(5);
 * for (let n = 0; n < 10; n++) history({ n } as unknown as LogEvent);
 * const repeats: LogEvent[] = [];
 * history.replayTo((e) => repeats.push(e));   // the events with n = 5 … 9
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LimitedHistoryLogObserver {
  /**
   * @param size how many events to keep (default 65536, as Twisted's); `null` keeps them all
   *   (`{ size }`, Python's keyword, works too).
   * @throws {RangeError} when `size` is not a non-negative integer or `null`.
   */
  constructor(size: number | null | { size?: number | null } = 64 * 1024) {
    if (typeof size === "object" && size !== null) size = size.size === undefined ? 64 * 1024 : size.size;
    if (size !== null && (!Number.isInteger(size) || size < 0)) {
      throw new RangeError(`LimitedHistoryLogObserver: size must be a non-negative integer or null, not ${String(size)}`);
    }
    const state: Ring = { events: [], size, start: 0 };
    const observer = (event: LogEvent): void => {
      if (state.size === null || state.events.length < state.size) {
        state.events.push(event);
      } else if (state.size > 0) {
        state.events[state.start] = event;
        state.start = (state.start + 1) % state.size;
      }
    };
    const self = Object.setPrototypeOf(observer, new.target.prototype) as LimitedHistoryLogObserver;
    BUFFERS.set(self, state);
    bindMethods(self, ["replayTo"]);
    return self;
  }

  /** Calls `otherObserver` with each kept event, oldest first (the events stay kept). */
  replayTo(otherObserver: Observer): void {
    const state = BUFFERS.get(this);
    if (state === undefined) throw new TypeError("not a LimitedHistoryLogObserver");
    const { events, start } = state;
    for (const event of [...events.slice(start), ...events.slice(0, start)]) otherObserver(event);
  }
}
