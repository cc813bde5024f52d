/**
 * `npm run bench`: runs every benchmark (or those named: `npm run bench -- deferred`), each
 * side by side with its anchor in one process, and Twisted's figures from bench/twisted/*.py.
 * Each benchmark runs in a child process of its own (bench/child.ts: why), one after another.
 * Prints the report (Markdown) on stdout and progress on stderr; a full run (or --write) also
 * writes docs/benchmarks.md and docs/benchmarks.svg. `--quick` runs small sizes, as CI does to
 * keep the benchmarks working. See bench/README.md.
 *
 * Exit status: 0; 1 when a benchmark (or a Twisted script, Twisted being importable) crashed;
 * 2 for a bad command line. Slow figures never fail the run.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs, selected, shouldWrite, usage } from "./args";
import type { ChildReply, ChildRequest } from "./child";
import { Progress } from "./progress";
import { benchmarks } from "./registry";
import { environment, renderDocument, renderReport, type BenchResult, type Report } from "./report";
import { drawChart } from "./svg";
import { TwistedRunner } from "./twisted";
import { BUILD_DIR, REPO, moduleFile } from "./paths";

const DOCS = path.join(REPO, "docs");

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
  // Here only for the report's line about Twisted; the children run the Twisted scripts.
  const twisted = new TwistedRunner({ python: options.python, enabled: options.twisted });
  const env = environment();
  const results: BenchResult[] = [];
  const crashed: string[] = [];
  const chosen = selected(options, benchmarks);
  const runner = options.sources ? fromSources() : compiled(progress);
  if ("error" in runner) {
    console.error(runner.error);
    return 1;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-bench-"));
  try {
    for (const [i, b] of chosen.entries()) {
      const request: ChildRequest = {
        name: b.name,
        quick: options.quick,
        python: options.python,
        twisted: options.twisted,
        index: i + 1,
        count: chosen.length,
        resultFile: path.join(scratch, `${b.name}.json`),
      };
      const reply = await runInChild(runner, request);
      if ("crash" in reply) crashed.push(`${b.name}: ${reply.crash}`);
      else {
        if (reply.result !== undefined) results.push(reply.result);
        if (reply.error !== undefined) crashed.push(`${b.name}: ${reply.error}`);
        crashed.push(...reply.twistedFailures);
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
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

/** How to start a child: Node's options and the child module (bench/child, .ts or .js). */
interface Runner {
  nodeArgs: string[];
  childModule: string;
}

/** Children run the sources through ts-node, with this process's Node options (--sources). */
function fromSources(): Runner {
  return { nodeArgs: process.execArgv, childModule: moduleFile("bench/child") };
}

/**
 * Compiles the repository into BUILD_DIR (tsc, emit only, incremental: ~10 s the first time)
 * and has the children run that: this process's Node options, less ts-node's `--require`.
 */
function compiled(progress: Progress): Runner | { error: string } {
  const out = path.join(REPO, BUILD_DIR);
  progress.note(`compiling the sources into ${BUILD_DIR}/ (--sources runs them through ts-node instead)`);
  const tsc = spawnSync(
    process.execPath,
    [
      require.resolve("typescript/bin/tsc"),
      ...["-p", path.join(REPO, "tsconfig.json"), "--outDir", out, "--noEmit", "false", "--noEmitOnError", "false"],
      ...["--declaration", "false", "--sourceMap", "false", "--incremental", "--tsBuildInfoFile", path.join(out, "tsbuildinfo")],
    ],
    { encoding: "utf8" },
  );
  const childModule = path.join(out, "bench", "child.js");
  // Type errors still emit (npm test reports them); only a missing output is fatal here.
  if (tsc.error !== undefined || !fs.existsSync(childModule)) {
    return { error: `bench: compiling the sources failed:\n${tsc.error?.message ?? ""}${tsc.stdout}${tsc.stderr}` };
  }
  const nodeArgs: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i];
    if ((a === "-r" || a === "--require") && /ts-node/.test(process.execArgv[i + 1] ?? "")) i++;
    else if (!/^(-r|--require=).*ts-node/.test(a)) nodeArgs.push(a);
  }
  return { nodeArgs, childModule };
}

/** Runs one benchmark in a child process (bench/child). */
function runInChild({ nodeArgs, childModule }: Runner, request: ChildRequest): Promise<ChildReply | { crash: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, childModule, JSON.stringify(request)], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", (e) => resolve({ crash: e.message }));
    child.on("close", (code, signal) => {
      try {
        resolve(JSON.parse(fs.readFileSync(request.resultFile, "utf8")) as ChildReply);
      } catch {
        resolve({ crash: `its process ended (${signal ?? `exit code ${code}`}) without a result` });
      }
    });
  });
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
