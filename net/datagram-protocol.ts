/**
 * `DatagramProtocol`, as `twisted.internet.protocol.DatagramProtocol`.
 * @module
 */
import { className } from "../core/validate";
import { msg } from "../log";
import type { IPv4Address, IPv6Address } from "./address";
import type { UDPPort } from "./udp";

/**
 * The protocol of a UDP port: override `datagramReceived` to handle each datagram, write with
 * `this.transport.write(data, [host, port])`. `startProtocol()` is called once the port is
 * bound (the first time, when several ports share the protocol), `stopProtocol()` once the last
 * port stopped listening.
 *
 * @example
 * ```ts
 * class Echo extends DatagramProtocol {
 *   override datagramReceived(data: Buffer, addr: IPv4Address | IPv6Address): void {
 *     this.transport!.write(data, [addr.host, addr.port]);
 *   }
 * }
 * reactor.listenUDP(9999, new Echo());
 * ```
 */
export class DatagramProtocol {
  /** The port this protocol is attached to; null when not listening. */
  transport: UDPPort | null = null;
  /** How many ports this protocol is listening on. */
  numPorts = 0;
  /** Log "Starting protocol …" / "Stopping protocol …" (default true, as Twisted). */
  noisy = true;

  /** A prefix for log messages about this protocol: its class name. */
  logPrefix(): string {
    return className(this);
  }

  /** Called by the port when it starts listening: `startProtocol()` for the first port. */
  doStart(): void {
    if (this.numPorts === 0) {
      if (this.noisy) msg(`Starting protocol ${this.logPrefix()}`);
      this.startProtocol();
    }
    this.numPorts++;
  }

  /** Called by the port when it stops listening: `stopProtocol()` after the last port. */
  doStop(): void {
    if (this.numPorts <= 0) throw new Error("doStop: the protocol is not started");
    this.numPorts--;
    this.transport = null;
    if (this.numPorts === 0) {
      if (this.noisy) msg(`Stopping protocol ${this.logPrefix()}`);
      this.stopProtocol();
    }
  }

  /** Called when the protocol starts listening (once bound). Does nothing by default. */
  startProtocol(): void {}

  /** Called when the protocol stops listening. Does nothing by default. */
  stopProtocol(): void {}

  /**
   * Called with each datagram and the address it came from. A datagram longer than the port's
   * `maxPacketSize` arrives cut to that size. Does nothing by default.
   */
  datagramReceived(_data: Buffer, _addr: IPv4Address | IPv6Address): void {}

  /**
   * Called, on a connected port (`transport.connect(host, port)`), when the peer refused a
   * datagram (an ICMP "port unreachable" came back). Does nothing by default.
   */
  connectionRefused(): void {}

  /** Attaches the protocol to `transport` and calls `doStart()`. Called by the port. */
  makeConnection(transport: UDPPort): void {
    if (this.transport !== null) throw new Error("makeConnection: the protocol already has a transport");
    this.transport = transport;
    this.doStart();
  }
}
