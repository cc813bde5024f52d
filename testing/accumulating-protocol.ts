/**
 * Protocols for tests, as `twisted.internet.testing`: `AccumulatingProtocol`,
 * `LineSendingProtocol` and `NonStreamingProducer`.
 * @module
 */
import { bindMethods } from "../core/bind";
import type { Failure } from "../core/failure";
import { Deferred } from "../defer/deferred";
import type { IConsumer, IPullProducer } from "../net/interfaces";
import { Protocol } from "../net/protocol";
import { LineReceiver } from "../protocols/line-receiver";

/**
 * A protocol that keeps what it receives in `data` and counts `made` and `closed`. When its
 * factory has a `protocolConnectionMade` Deferred, `connectionMade` fires it with the protocol
 * (once); `closedDeferred`, when set, fires with null on `connectionLost`.
 */
export class AccumulatingProtocol extends Protocol {
  /** Everything received so far. */
  data: Buffer = Buffer.alloc(0);
  /** 1 once connected. */
  made = 0;
  /** 1 once the connection is lost. */
  closed = 0;
  /** The reason given to `connectionLost`. */
  closedReason: Failure | null = null;
  /** Fired (with null) and cleared on `connectionLost`, when set. */
  closedDeferred: Deferred<unknown> | null = null;

  override connectionMade(): void {
    this.made = 1;
    const factory = this.factory as { protocolConnectionMade?: Deferred<unknown> | null } | null;
    if (factory !== null && factory.protocolConnectionMade !== undefined && factory.protocolConnectionMade !== null) {
      const d = factory.protocolConnectionMade;
      factory.protocolConnectionMade = null;
      d.callback(this);
    }
  }

  override dataReceived(data: Buffer): void {
    this.data = Buffer.concat([this.data, data]);
  }

  override connectionLost(reason: Failure): void {
    this.closed = 1;
    this.closedReason = reason;
    const d = this.closedDeferred;
    if (d !== null) {
      this.closedDeferred = null;
      d.callback(null);
    }
  }
}

/**
 * A line protocol that sends `lines` (on connection when `start`, else after the first line
 * received) and keeps the lines it receives in `response`.
 */
export class LineSendingProtocol extends LineReceiver {
  /** True once the connection is lost. */
  lostConn = false;
  /** The lines still to send. */
  lines: Array<Buffer | string>;
  /** The lines received. */
  response: Buffer[] = [];
  /** Send on connection (true) or on the first line received (false). */
  start: boolean;

  constructor(lines: Array<Buffer | string>, start = true) {
    super();
    this.lines = [...lines];
    this.start = start;
  }

  override connectionMade(): void {
    if (this.start) for (const line of this.lines) this.sendLine(line);
  }

  override lineReceived(line: Buffer): void {
    if (!this.start) {
      for (const l of this.lines) this.sendLine(l);
      this.lines = [];
    }
    this.response.push(line);
  }

  override connectionLost(_reason: Failure): void {
    this.lostConn = true;
  }
}

/**
 * A pull producer that writes the bytes "0" to "9" (a Buffer each), one per `resumeProducing()`, then unregisters and
 * fires `result`. Pausing it is a bug (it throws).
 */
export class NonStreamingProducer implements IPullProducer {
  /** How many writes so far. */
  counter = 0;
  /** True once stopProducing was called. */
  stopped = false;
  /** The consumer written to (null once done). */
  consumer: IConsumer | null;
  /** Fires with null once done (10 writes, or stopped). */
  result: Deferred<null> = new Deferred<null>();

  constructor(consumer: IConsumer) {
    this.consumer = consumer;
    bindMethods(this, ["resumeProducing", "pauseProducing", "stopProducing"]);
  }

  /** Writes the next digit. @throws Error after it is done. */
  resumeProducing(): void {
    if (this.consumer === null || this.counter >= 10) throw new Error("BUG: resume after unregister/stop.");
    this.consumer.write(Buffer.from(String(this.counter))); // bytes, as Twisted's b"%d"
    this.counter += 1;
    if (this.counter === 10) {
      this.consumer.unregisterProducer();
      this.#done();
    }
  }

  /** @throws Error always: a pull producer is never paused. */
  pauseProducing(): void {
    throw new Error("BUG: pause should never be called.");
  }

  #done(): void {
    this.consumer = null;
    this.result.callback(null);
  }

  /** Stops: `stopped` is set and `result` fires. */
  stopProducing(): void {
    this.stopped = true;
    this.#done();
  }
}
