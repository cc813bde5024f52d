/**
 * `TimeoutProtocol` and `TimeoutFactory`, as `twisted.protocols.policies`: a wrapper that drops
 * a connection idle for a period.
 * @module
 */
import type { Failure } from "../core/failure";
import type { IDelayedCall } from "../core/interfaces";
import { describeValue } from "../core/validate";
import type { Address } from "../net/address";
import type { Data, IProtocolFactory } from "../net/interfaces";
import type { Protocol } from "../net/protocol";
import { reactor } from "../reactor";
import { bindMethods } from "../core/bind";
import { ProtocolWrapper, WrappingFactory, type ProtocolWrapperClass } from "./protocol-wrapper";

function checkPeriod(caller: string, period: unknown): asserts period is number | null {
  if (period === null) return;
  if (typeof period !== "number") {
    throw new TypeError(`${caller}: timeoutPeriod must be a number of seconds or null, got ${describeValue(period)}`);
  }
  if (!(period >= 0)) throw new RangeError(`${caller}: timeoutPeriod must be >= 0, got ${period}`);
}

/**
 * A {@link ProtocolWrapper} that loses the connection when nothing was received nor written for
 * `timeoutPeriod` seconds: each `dataReceived`, `write` and `writeSequence` restarts the
 * countdown. The countdown runs on its factory's `callLater` (a {@link TimeoutFactory}).
 */
export class TimeoutProtocol extends ProtocolWrapper {
  /** The pending timeout, or null when none is set. */
  timeoutCall: IDelayedCall | null = null;
  /** The current period in seconds, or null when none is set. */
  timeoutPeriod: number | null = null;
  /** The factory that made this wrapper (its `callLater` schedules the timeout). */
  declare factory: TimeoutFactory;

  /**
   * @param factory the TimeoutFactory that built it.
   * @param wrappedProtocol the protocol to wrap.
   * @param timeoutPeriod seconds of inactivity before the connection is dropped (null: none).
   * @throws TypeError / RangeError for a period that is not null or a number >= 0.
   */
  constructor(factory: TimeoutFactory, wrappedProtocol: Protocol, timeoutPeriod: number | null) {
    super(factory, wrappedProtocol);
    bindMethods(this as TimeoutProtocol, ["setTimeout", "cancelTimeout", "resetTimeout", "timeoutFunc"]);
    this.setTimeout(timeoutPeriod);
  }

  /**
   * Cancels the current timeout, then sets one of `timeoutPeriod` seconds (none when null).
   * @throws TypeError / RangeError for a period that is not null or a number >= 0.
   */
  setTimeout(timeoutPeriod: number | null = null): void {
    checkPeriod("TimeoutProtocol.setTimeout", timeoutPeriod);
    this.cancelTimeout();
    this.timeoutPeriod = timeoutPeriod;
    if (timeoutPeriod !== null) {
      this.timeoutCall = this.factory.callLater(timeoutPeriod, () => this.timeoutFunc());
    }
  }

  /** Cancels the timeout (nothing when none is pending, or it already ran or was cancelled elsewhere). */
  cancelTimeout(): void {
    this.timeoutPeriod = null;
    const call = this.timeoutCall;
    if (call !== null) {
      if (call.active()) call.cancel();
      this.timeoutCall = null;
    }
  }

  /** Restarts the countdown (some activity happened); nothing when no timeout is pending. */
  resetTimeout(): void {
    const call = this.timeoutCall;
    if (call !== null && call.active() && this.timeoutPeriod !== null) call.reset(this.timeoutPeriod);
  }

  /** Restarts the countdown, then writes. */
  override write(data: Data): void {
    this.resetTimeout();
    super.write(data);
  }

  /** Restarts the countdown, then writes. */
  override writeSequence(data: Iterable<Data>): void {
    this.resetTimeout();
    super.writeSequence(data);
  }

  /** Restarts the countdown, then relays to the wrapped protocol. */
  override dataReceived(data: Buffer): void {
    this.resetTimeout();
    super.dataReceived(data);
  }

  /** Cancels the timeout, then relays. */
  override connectionLost(reason: Failure): void {
    this.cancelTimeout();
    super.connectionLost(reason);
  }

  /** Called when the timeout expires. Default: `loseConnection()`. Override it to do otherwise. */
  timeoutFunc(): void {
    this.loseConnection();
  }
}

/**
 * A {@link WrappingFactory} whose protocols are {@link TimeoutProtocol}s: each connection it
 * builds is dropped after `timeoutPeriod` seconds without traffic.
 *
 * @example
 * ```ts
 * reactor.listenTCP(8000, new TimeoutFactory(Factory.forProtocol(Echo), 60));
 * ```
 */
export class TimeoutFactory extends WrappingFactory {
  /** The wrapper class, constructed with `(this, wrappedProtocol, timeoutPeriod)`. */
  override protocol: ProtocolWrapperClass = TimeoutProtocol;
  /** Seconds of inactivity before a connection is dropped (null: never). */
  timeoutPeriod: number | null;

  /**
   * @param wrappedFactory the factory whose protocols to wrap.
   * @param timeoutPeriod seconds of inactivity allowed (default 30 minutes, as Twisted; null: none).
   * @throws TypeError / RangeError for a period that is not null or a number >= 0.
   */
  constructor(wrappedFactory: IProtocolFactory, timeoutPeriod: number | null = 30 * 60) {
    checkPeriod("TimeoutFactory", timeoutPeriod);
    super(wrappedFactory);
    this.timeoutPeriod = timeoutPeriod;
  }

  /** A TimeoutProtocol around the wrapped factory's protocol for `addr` (null when that one refuses). */
  override buildProtocol(addr: Address): TimeoutProtocol | null {
    const wrapped = this.buildWrappedProtocol(addr);
    return wrapped === null ? null : (new this.protocol(this, wrapped, this.timeoutPeriod) as TimeoutProtocol);
  }

  /**
   * Schedules `f` in `period` seconds: the global reactor's `callLater`. Override it (tests
   * return a Clock's).
   */
  callLater(period: number, f: () => void): IDelayedCall {
    return reactor.callLater(period, f);
  }
}
