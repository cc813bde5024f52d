// The work deferToThread runs: a module whose exports are called in a worker thread.
import { createHash } from "node:crypto";

/** Hashes `size` bytes of `fill`, one megabyte at a time: CPU-bound work. */
export function sha256OfFilled(fill: number, size: number): string {
  const hash = createHash("sha256");
  const chunk = Buffer.alloc(1 << 20, fill);
  for (let done = 0; done < size; done += chunk.length) hash.update(chunk.subarray(0, Math.min(chunk.length, size - done)));
  return hash.digest("hex").slice(0, 16);
}

export function fails(): never {
  throw new RangeError("this ran in a thread, and failed");
}
