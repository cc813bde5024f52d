/**
 * `SpewingFactory` and `SpewingProtocol`, as `twisted.protocols.policies`: log every chunk a
 * connection receives and sends (for debugging).
 * @module
 */
import { msg, repr } from "../log";
import type { Data } from "../net/interfaces";
import { ProtocolWrapper, WrappingFactory, type ProtocolWrapperClass } from "./protocol-wrapper";

/** Logs `Received: b'…'` and `Sending: b'…'` for each chunk (Python's repr of the bytes, as Twisted). */
export class SpewingProtocol extends ProtocolWrapper {
  override dataReceived(data: Buffer): void {
    msg(`Received: ${repr(data)}`);
    super.dataReceived(data);
  }

  override write(data: Data): void {
    msg(`Sending: ${repr(typeof data === "string" ? Buffer.from(data) : data)}`);
    super.write(data);
  }
}

/** Wraps each protocol of `wrappedFactory` in a {@link SpewingProtocol}. */
export class SpewingFactory extends WrappingFactory {
  override protocol: ProtocolWrapperClass = SpewingProtocol;
}
