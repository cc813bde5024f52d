/**
 * `BaseProtocol` and `Protocol`, as `twisted.internet.protocol`.
 * @module
 */
import { className } from "../core/validate";
import type { Failure } from "../core/failure";
import type { IProtocol, ITransport } from "./interfaces";
import type { Factory } from "./factory";

/**
 * The base of every protocol: it is told when a transport connects it
 * (`makeConnection` → `connectionMade`). Subclasses: {@link Protocol} for stream connections,
 * and the process and datagram protocols.
 */
export class BaseProtocol {
  /** True between `makeConnection` and `connectionLost` (the transport sets it back to false). */
  connected = false;
  /** The transport this protocol writes to; null until connected. */
  transport: ITransport | null = null;

  /**
   * Sets `transport` and `connected`, then calls `connectionMade()`. Called by the transport,
   * which is handed back what `connectionMade` returned (a failing Deferred or Promise is logged).
   */
  makeConnection(transport: ITransport): void {
    this.connected = true;
    this.transport = transport;
    return this.connectionMade();
  }

  /**
   * Called once the connection is made: for clients once connected, for servers once the
   * connection is accepted. Send a greeting here. Does nothing by default.
   */
  connectionMade(): void {}
}

/**
 * A stream (connection-oriented) protocol: override `dataReceived` to handle the bytes as they
 * arrive (in chunks of any size: a message may be split or several may come in one call), write
 * with `this.transport.write`, and override `connectionLost` to learn that the connection ended.
 *
 * @example
 * ```ts
 * class Echo extends Protocol {
 *   override dataReceived(data: Buffer): void {
 *     this.transport!.write(data);
 *   }
 * }
 * reactor.listenTCP(8000, Factory.forProtocol(Echo));
 * ```
 */
export class Protocol extends BaseProtocol implements IProtocol {
  /** The factory that built this protocol (set by `Factory.buildProtocol`). */
  factory: Factory | null = null;

  /** Called with each chunk of bytes received. Does nothing by default. */
  dataReceived(_data: Buffer): void {}

  /**
   * Called once when the connection ends: `reason` is a Failure of `ConnectionDone` (closed
   * cleanly), `ConnectionLost` (uncleanly) or `ConnectionAborted`. Does nothing by default.
   */
  connectionLost(_reason: Failure): void {}

  /** A prefix for log messages about this protocol: its class name. */
  logPrefix(): string {
    return className(this);
  }
}

/** A protocol class: what `Factory.protocol` holds (constructed with no arguments). */
export type ProtocolClass<P extends Protocol = Protocol> = new () => P;
