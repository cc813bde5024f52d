/**
 * Where the benchmarks find the repository's files. They run either from the sources (through
 * ts-node, `--sources`) or, by default, from a copy compiled into {@link BUILD_DIR} at the
 * repository's root (bench/index.ts builds it): what a user's compiled program runs, without the
 * TypeScript compiler's ~50 MB in the heap, which made every scavenge several times slower and
 * showed as timer lateness.
 */
import * as path from "node:path";

/** The compiled copy's folder, at the repository's root (so node_modules resolves). */
export const BUILD_DIR = ".bench-build";

const parent = path.join(__dirname, "..");

/** The repository's root, whether this file runs from bench/ or from BUILD_DIR/bench/. */
export const REPO = path.basename(parent) === BUILD_DIR ? path.dirname(parent) : parent;

/** The extension of the running code's files: ".ts" from the sources, ".js" compiled. */
export const EXT = path.extname(__filename);

/** A runnable module of this build (`bench/child`, `net/thread-worker`): the .ts or the .js. */
export function moduleFile(relative: string): string {
  return path.join(parent, `${relative}${EXT}`);
}
