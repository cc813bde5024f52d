/**
 * `TimeoutMixin`, as `twisted.protocols.policies.TimeoutMixin`.
 * @module
 */
import type { IDelayedCall } from "../core/interfaces";
import { reactor } from "../reactor";
import { bindMethods } from "../core/bind";

/** The members `TimeoutMixin` adds to a class. */
export interface TimeoutMixinMembers {
  /** The current timeout period in seconds, or null when none is set. */
  timeOut: number | null;
  /**
   * Schedules `f` in `delay` seconds: the global reactor's `callLater` by default. Override it
   * in a subclass, or assign a test clock's (`p.callLater = clock.callLater`).
   */
  callLater(delay: number, f: () => void): IDelayedCall;
  /**
   * Sets the timeout to `period` seconds from now (null cancels it).
   * @returns the previous period (null when none).
   * @throws TypeError / RangeError for a `period` that is not null or a number >= 0.
   */
  setTimeout(period: number | null): number | null;
  /** Restarts the timeout's countdown (call it whenever there is activity); nothing when none is set. */
  resetTimeout(): void;
  /** Called when the timeout expires. Default: `this.transport.loseConnection()`. */
  timeoutConnection(): void;
}

/** A class `TimeoutMixin` can extend. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MixinBase = new (...args: any[]) => object;

const timeoutCalls = new WeakMap<object, IDelayedCall>();

/**
 * Adds a connection timeout to a protocol class (Twisted's mixin, as a class factory): after
 * `setTimeout(period)`, `timeoutConnection()` is called unless `resetTimeout()` or another
 * `setTimeout` comes first within `period` seconds.
 *
 * @example
 * ```ts
 * class Idle extends TimeoutMixin(LineReceiver) {
 *   override connectionMade(): void { this.setTimeout(60); }
 *   override lineReceived(line: Buffer): void { this.resetTimeout(); this.sendLine(line); }
 *   override connectionLost(): void { this.setTimeout(null); }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function TimeoutMixin<B extends MixinBase>(Base: B): B & (new (...a: any[]) => TimeoutMixinMembers) {
  class WithTimeout extends Base implements TimeoutMixinMembers {
    timeOut: number | null = null;

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- a mixin constructor must take `any[]` (TypeScript's rule)
      super(...args);
      bindMethods(this as WithTimeout, ["setTimeout", "resetTimeout", "timeoutConnection"]);
    }

    callLater(delay: number, f: () => void): IDelayedCall {
      return reactor.callLater(delay, f);
    }

    resetTimeout(): void {
      const call = timeoutCalls.get(this);
      if (call !== undefined && this.timeOut !== null) call.reset(this.timeOut);
    }

    setTimeout(period: number | null): number | null {
      if (period !== null) {
        if (typeof period !== "number") {
          throw new TypeError(`setTimeout: period must be a number of seconds or null, got ${String(period)}`);
        }
        if (!(period >= 0)) throw new RangeError(`setTimeout: period must be >= 0, got ${period}`);
      }
      const prev = this.timeOut;
      this.timeOut = period;
      const call = timeoutCalls.get(this);
      if (call !== undefined) {
        if (period === null) {
          if (call.active()) call.cancel();
          timeoutCalls.delete(this);
        } else {
          call.reset(period);
        }
      } else if (period !== null) {
        timeoutCalls.set(
          this,
          this.callLater(period, () => {
            timeoutCalls.delete(this);
            this.timeoutConnection();
          }),
        );
      }
      return prev;
    }

    timeoutConnection(): void {
      const transport = (this as { transport?: { loseConnection(): void } | null }).transport;
      transport?.loseConnection();
    }
  }
  return WithTimeout;
}
