/**
 * `npm run bench`: runs every benchmark (or those named: `npm run bench -- deferred`).
 * `--quick` runs small sizes, as CI does to keep the benchmarks working.
 */
import * as cooperator from "./cooperator";
import * as deferred from "./deferred";
import * as timers from "./timers";

const benchmarks: Record<string, { run: () => Promise<unknown> }> = { deferred, timers, cooperator };

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const unknown = names.filter((n) => !(n in benchmarks));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(benchmarks).join(", ")}`);
    process.exitCode = 2;
    return;
  }
  console.log(`# twisted-ts benchmarks (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
  for (const name of names.length > 0 ? names : Object.keys(benchmarks)) await benchmarks[name].run();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
