/**
 * The producer half shared by `LineReceiver` and `IntNStringReceiver` (Twisted's
 * `_PauseableMixin`): pausing the protocol pauses its transport and stops delivery of
 * what is already buffered.
 * @internal
 * @module
 */
import type { ITransport } from "../net/interfaces";

/** What a pauseable protocol's transport may offer (a push producer). @internal */
export interface MaybeProducer {
  pauseProducing?(): void;
  resumeProducing?(): void;
  stopProducing?(): void;
}

/** Calls `transport[method]()` when the transport has it. @internal */
export function forwardProducing(
  transport: ITransport | null,
  method: "pauseProducing" | "resumeProducing" | "stopProducing",
): void {
  const t: (ITransport & MaybeProducer) | null = transport;
  if (t !== null && typeof t[method] === "function") t[method]();
}

/** True when the transport says it is closing (a truthy `disconnecting`, as Twisted tests). @internal */
export function isDisconnecting(transport: ITransport | null): boolean {
  return transport !== null && Boolean((transport as { disconnecting?: unknown }).disconnecting);
}

/** `data` as a Buffer (strings as UTF-8). @internal */
export function toBuffer(data: Buffer | Uint8Array | string, what: string): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what} must be a Buffer, Uint8Array or string, got ${typeof data}`);
}

/**
 * Where `delim` first occurs in `buf` at or after `from`, or -1. Searches for its first byte
 * with `indexOf(number)` (several times cheaper than `indexOf(Buffer)` for short lines), then
 * compares the rest. @internal
 */
export function findDelimiter(buf: Buffer, delim: Buffer, from: number): number {
  const first = delim[0];
  const dl = delim.length;
  const end = buf.length - dl;
  for (let i = buf.indexOf(first, from); i >= 0 && i <= end; i = buf.indexOf(first, i + 1)) {
    let k = 1;
    while (k < dl && buf[i + k] === delim[k]) k++;
    if (k === dl) return i;
  }
  return -1;
}

/**
 * `data` as given to `dataReceived`: a Buffer as is, another Uint8Array as a Buffer view.
 * @throws TypeError for anything else (a string: decode nothing, as Twisted refuses str). @internal
 */
export function receivedData(data: unknown, caller: string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${caller}.dataReceived: data must be a Buffer, got ${data === null ? "null" : typeof data}`);
}
