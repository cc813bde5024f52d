/**
 * A/B of core/fast-exports.ts: reading a class through a CommonJS module index as TypeScript
 * emits it (`export { X } from "./x"`: each name redefined as a getter, which leaves the exports
 * object in dictionary mode), with and without `fastExports(exports)`, then making a Deferred
 * with three callbacks and firing it, the Deferred benchmark's headline workload.
 *
 *   npm run experiment -- bench/experiments/fast-exports.ts [rounds]
 */
import { Deferred } from "../../defer/deferred";
import { fastExports } from "../../core/fast-exports";
import { median } from "../harness";

/** An exports object shaped as TypeScript's CommonJS re-exports leave it. */
function reExports(): { Deferred: typeof Deferred } {
  const exports: Record<string, unknown> = {};
  Object.defineProperty(exports, "__esModule", { value: true });
  const names = ["Deferred", "succeed", "fail", "maybeDeferred", "execute", "ensureDeferred", "inlineCallbacks", "DeferredList"];
  for (const name of names) exports[name] = undefined;
  for (const name of names) Object.defineProperty(exports, name, { enumerable: true, get: () => Deferred });
  return exports as { Deferred: typeof Deferred };
}

const inc = (x: number): number => x + 1;

function workload(mod: { Deferred: typeof Deferred }, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = new mod.Deferred<number>();
    d.addCallback(inc).addCallback(inc).addCallback(inc);
    d.callback(i);
    sum += d.result as number;
  }
  return sum;
}

function time(mod: { Deferred: typeof Deferred }, n: number): number {
  const t0 = process.hrtime.bigint();
  workload(mod, n);
  return Number(process.hrtime.bigint() - t0) / n;
}

const rounds = Number(process.argv[2] ?? 9);
const slow = reExports();
const fast = reExports();
fastExports(fast);
const n = 1_000_000;
time(slow, n);
time(fast, n);
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(time(slow, n));
  b.push(time(fast, n));
}
console.log(`Deferred with 3 callbacks, class read through the exports object (median of ${rounds}):`);
console.log(`  as TypeScript leaves it:  ${median(a).toFixed(1)} ns`);
console.log(`  after fastExports():      ${median(b).toFixed(1)} ns`);
