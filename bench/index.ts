/**
 * `npm run bench`: runs every benchmark (or those named: `npm run bench -- deferred`), each
 * side by side with its anchor in one process, and Twisted's figures from bench/twisted/*.py.
 * Prints the report (Markdown) on stdout and progress on stderr; a full run (or --write) also
 * writes docs/benchmarks.md and docs/benchmarks.svg. `--quick` runs small sizes, as CI does to
 * keep the benchmarks working. See bench/README.md.
 *
 * Exit status: 0; 1 when a benchmark (or a Twisted script, Twisted being importable) crashed;
 * 2 for a bad command line. Slow figures never fail the run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs, selected, shouldWrite, usage } from "./args";
import type { Benchmark } from "./benchmark";
import { clock } from "./clock";
import { cooperator } from "./cooperator";
import { deferred } from "./deferred";
import { inline } from "./inline";
import { lateness } from "./lateness";
import { memory } from "./memory";
import { Progress } from "./progress";
import { environment, renderDocument, renderReport, type BenchResult, type Report } from "./report";
import { drawChart } from "./svg";
import { timers } from "./timers";
import { TwistedRunner } from "./twisted";

/** Every benchmark, in the order a full run takes them. */
const benchmarks: readonly Benchmark[] = [timers, memory, lateness, deferred, inline, cooperator, clock];

const DOCS = path.join(__dirname, "..", "docs");

function modeOf(quick: boolean, names: string[]): string {
  const what = names.length === 0 ? "every benchmark" : `only ${names.join(", ")}`;
  return quick ? `quick run (--quick: small N), ${what}` : `full run, ${what}`;
}

async function main(): Promise<number> {
  const known = benchmarks.map((b) => b.name);
  const parsed = parseArgs(process.argv.slice(2), known);
  if ("error" in parsed) {
    console.error(`${parsed.error}\n\n${usage(benchmarks)}`);
    return 2;
  }
  const options = parsed.options;
  if (options.help) {
    console.log(usage(benchmarks));
    return 0;
  }
  const progress = new Progress(process.stderr);
  const twisted = new TwistedRunner({
    python: options.python,
    enabled: options.twisted,
    progress,
    // Quick runs take a few seconds of Python a script; a full run's timers about a minute.
    timeoutMs: options.quick ? 30_000 : 15 * 60_000,
  });
  const ctx = { quick: options.quick, progress, twisted };
  const env = environment();
  const results: BenchResult[] = [];
  const crashed: string[] = [];
  const chosen = selected(options, benchmarks);
  for (const [i, b] of chosen.entries()) {
    progress.benchmark(b.name, i + 1, chosen.length);
    try {
      results.push(await b.run(ctx));
    } catch (e) {
      crashed.push(`${b.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  crashed.push(...twisted.failures);
  progress.done(crashed.length > 0 ? `${crashed.length} crashed` : "all benchmarks ran");
  const report: Report = {
    environment: env,
    mode: modeOf(options.quick, options.names),
    twisted: await twisted.statusLine(),
    results,
    crashed,
  };
  process.stdout.write(renderReport(report));
  if (shouldWrite(options, known)) {
    const chart = results.flatMap((r) => r.chart ?? []);
    const svgName = "benchmarks.svg";
    fs.mkdirSync(DOCS, { recursive: true });
    if (chart.length > 0) {
      const svg = drawChart({
        title: "twisted-ts: per-call cost against N (log-log)",
        subtitle: `${env.date} · Node ${env.node} · ${env.machine}`,
        xLabel: "N (calls)",
        yLabel: "time per call (fired: CPU; scheduled+cancelled: wall)",
        series: chart,
        xDomain: [1e3, 1e6],
      });
      fs.writeFileSync(path.join(DOCS, svgName), svg);
    }
    fs.writeFileSync(path.join(DOCS, "benchmarks.md"), renderDocument(report, chart.length > 0 ? svgName : undefined));
    console.error(`bench: wrote docs/benchmarks.md${chart.length > 0 ? " and docs/benchmarks.svg" : ""}`);
  }
  return crashed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
