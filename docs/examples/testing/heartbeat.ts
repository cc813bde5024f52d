import type { IDelayedCall, IReactorTime } from "twisted-ts/reactor";
import { LoopingCall } from "twisted-ts/task";

/**
 * Sends a ping every `interval` seconds; if no pong has come `timeout` seconds after a ping, the
 * peer is declared dead and the pings stop.
 */
export class Heartbeat {
  dead = false;
  readonly #loop: LoopingCall;
  #deadline: IDelayedCall | null = null;

  constructor(
    private readonly clock: IReactorTime,
    private readonly interval: number,
    private readonly timeout: number,
    private readonly sendPing: () => void,
  ) {
    this.#loop = new LoopingCall(() => this.#ping());
    this.#loop.clock = clock; // the reactor in production, a Clock in tests
  }

  start(): void {
    void this.#loop.start(this.interval);
  }

  /** The peer answered: it is alive. */
  pong(): void {
    this.#deadline?.cancel();
    this.#deadline = null;
  }

  #ping(): void {
    this.sendPing();
    this.#deadline ??= this.clock.callLater(this.timeout, () => {
      this.dead = true;
      this.#loop.stop();
    });
  }
}
