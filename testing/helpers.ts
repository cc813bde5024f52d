/**
 * Small helpers of `twisted.internet.testing`: `FakeDatagramTransport` and
 * `waitUntilAllDisconnected`.
 * @module
 */
import type { IReactorTime } from "../core/interfaces";
import { describeValue } from "../core/validate";
import type { Deferred } from "../defer/deferred";
import type { ITransport } from "../net/interfaces";
import { LoopingCall } from "../task/looping-call";

/** What `FakeDatagramTransport.write` records as the address when none is given (Twisted's `noAddr`). */
const NO_ADDR = Symbol("noAddr");

/**
 * A datagram transport that records what is written: each `write(packet, addr)` appends
 * `[packet, addr]` to `written` (`addr` is `FakeDatagramTransport.noAddr` when not given).
 */
export class FakeDatagramTransport {
  /** The address recorded for a write without one. */
  static readonly noAddr: symbol = NO_ADDR;
  /** Each write's packet and address, in order. */
  written: Array<[Buffer | Uint8Array | string, [string, number] | symbol]> = [];

  /** Records `packet` and `addr`. */
  write = (packet: Buffer | Uint8Array | string, addr: [string, number] | symbol = NO_ADDR): void => {
    this.written.push([packet, addr]);
  };
}

/**
 * A Deferred that fires (with the LoopingCall) once none of `protocols` has a connected
 * transport (`transport.connected` false), checking every 10 ms of `reactor`'s time, the first
 * time at once: for tests whose connections close on a later turn, as Twisted's.
 * @throws TypeError for a `reactor` without `callLater`/`seconds`, or `protocols` that is not an array.
 * @example
 * ```ts
 * client.transport!.loseConnection();
 * await waitUntilAllDisconnected(reactor, [client, server]);
 * ```
 */
export function waitUntilAllDisconnected(
  reactor: IReactorTime,
  protocols: ReadonlyArray<{ transport: ITransport | null }>,
): Deferred<LoopingCall> {
  if (reactor === null || typeof reactor !== "object" || typeof reactor.callLater !== "function" || typeof reactor.seconds !== "function") {
    throw new TypeError(`waitUntilAllDisconnected: reactor must provide callLater and seconds, got ${describeValue(reactor)}`);
  }
  if (!Array.isArray(protocols)) {
    throw new TypeError(`waitUntilAllDisconnected: protocols must be an array, got ${describeValue(protocols)}`);
  }
  const lc: LoopingCall = new LoopingCall(() => {
    const stillConnected = (p: { transport: ITransport | null }): boolean =>
      p.transport !== null && Boolean((p.transport as { connected?: unknown }).connected);
    if (!protocols.some(stillConnected)) lc.stop();
  });
  lc.clock = reactor;
  return lc.start(0.01, true);
}
