/** The functions bench/threads.ts runs in worker threads (and, for the anchor, on the main thread). */
import { createHash } from "node:crypto";

export function add(a: number, b: number): number {
  return a + b;
}

/** SHA-256 of one piece, as hex. */
export function sha256(piece: Uint8Array): string {
  return createHash("sha256").update(piece).digest("hex");
}
