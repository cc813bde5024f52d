/**
 * `SpewingFactory` and `SpewingProtocol`, as `twisted.protocols.policies`: log every chunk a
 * connection receives and sends (for debugging).
 * @module
 */
import { msg } from "../log";
import type { Data } from "../net/interfaces";
import { ProtocolWrapper, WrappingFactory, type ProtocolWrapperClass } from "./protocol-wrapper";

/** Logs `Received: …` and `Sending: …` for each chunk (bytes shown as a JSON string of latin-1). */
export class SpewingProtocol extends ProtocolWrapper {
  override dataReceived(data: Buffer): void {
    msg(`Received: ${JSON.stringify(data.toString("latin1"))}`);
    super.dataReceived(data);
  }

  override write(data: Data): void {
    const text = typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
    msg(`Sending: ${JSON.stringify(text)}`);
    super.write(data);
  }
}

/** Wraps each protocol of `wrappedFactory` in a {@link SpewingProtocol}. */
export class SpewingFactory extends WrappingFactory {
  override protocol: ProtocolWrapperClass = SpewingProtocol;
}
