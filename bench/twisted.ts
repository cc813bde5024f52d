/**
 * The Python side: runs the scripts of bench/twisted/ (the same workloads on Twisted) as child
 * processes with a timeout, and reads the one JSON line each prints.
 *
 * A missing interpreter, one that cannot import twisted, or a script that runs out of time
 * gives an "unavailable" outcome: the report says so and the run does not fail. A script that
 * crashes while Twisted imports fine is a broken benchmark: a "failed" outcome, which makes
 * `npm run bench` exit non-zero.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { Progress } from "./progress";
import { REPO } from "./paths";

/** One figure a script measured (the keys its JSON line uses). */
export interface TwistedFigure {
  workload: string;
  n: number;
  /** "ns" per operation (wall), "B" per call, "ms" of lateness, or a "count". */
  unit: "ns" | "B" | "ms" | "count";
  /** The median. */
  value: number;
  /** Median CPU ns per operation, for timed workloads. */
  cpu?: number;
  /** Operations per measured round. */
  ops?: number;
}

/** What running one script gave. */
export type TwistedOutcome =
  | { status: "ok"; version: string; python: string; figures: TwistedFigure[] }
  | { status: "unavailable"; reason: string }
  | { status: "failed"; reason: string };

/** How the runner finds Python and how long it lets each script run. */
export interface TwistedOptions {
  /** The interpreter (default /usr/bin/python3: Debian's python3-twisted). */
  python?: string;
  /** false: do not run Python at all (`--no-twisted`). */
  enabled?: boolean;
  /** Per-script time limit in ms (default 15 minutes). */
  timeoutMs?: number;
  /** The availability check's time limit in ms (default 30 s). */
  checkTimeoutMs?: number;
  /** Where the scripts are (default bench/twisted beside this file). */
  scriptDir?: string;
  progress?: Progress;
}

/** The result of a child process run to its end (or killed at its time limit). */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the process could not be started (ENOENT, EACCES…). */
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Runs `command args` to its end, collecting its output; kills it after `timeoutMs`.
 * `onStderrLine` sees each line of stderr as it comes. Never rejects.
 */
export function runChild(
  command: string,
  args: readonly string[],
  timeoutMs: number,
  options: { cwd?: string; onStderrLine?: (line: string) => void } = {},
): Promise<ChildResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let pending = "";
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONUNBUFFERED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const finish = (result: ChildResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (s: string) => (stdout += s));
    child.stderr.on("data", (s: string) => {
      stderr += s;
      pending += s;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) options.onStderrLine?.(line);
    });
    child.on("error", (e: NodeJS.ErrnoException) => finish({ code: null, stdout, stderr, timedOut, spawnError: e }));
    child.on("close", (code) => finish({ code, stdout, stderr, timedOut }));
  });
}

/**
 * Reads a script's output: the last stdout line that is a JSON object with `twisted`,
 * `python` and a `results` list.
 * @throws Error when there is no such line or a result lacks its fields.
 */
export function parseTwistedOutput(stdout: string): { version: string; python: string; figures: TwistedFigure[] } {
  const line = stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("{"))
    .pop();
  if (line === undefined) throw new Error("no JSON result line in the script's output");
  const data = JSON.parse(line) as { twisted?: unknown; python?: unknown; results?: unknown };
  if (typeof data.twisted !== "string" || typeof data.python !== "string" || !Array.isArray(data.results)) {
    throw new Error(`unexpected result line: ${line.slice(0, 200)}`);
  }
  const figures = data.results.map((r: Partial<TwistedFigure>) => {
    if (typeof r.workload !== "string" || typeof r.n !== "number" || typeof r.value !== "number" || !["ns", "B", "ms", "count"].includes(String(r.unit))) {
      throw new Error(`malformed result: ${JSON.stringify(r)}`);
    }
    return r as TwistedFigure;
  });
  return { version: data.twisted, python: data.python, figures };
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").trim().slice(0, 300);
}

/** Runs the Twisted scripts; checks once whether Python and Twisted are there. */
export class TwistedRunner {
  readonly python: string;
  readonly #enabled: boolean;
  readonly #timeoutMs: number;
  readonly #checkTimeoutMs: number;
  readonly #scriptDir: string;
  readonly #progress: Progress | undefined;
  #availability: Promise<{ ok: true; version: string; python: string } | { ok: false; reason: string }> | undefined;
  /** Scripts that crashed: "script: reason". */
  readonly failures: string[] = [];

  /** @param options the interpreter, time limits, where the scripts are; see {@link TwistedOptions}. */
  constructor(options: TwistedOptions = {}) {
    this.python = options.python ?? "/usr/bin/python3";
    this.#enabled = options.enabled ?? true;
    this.#timeoutMs = options.timeoutMs ?? 15 * 60_000;
    this.#checkTimeoutMs = options.checkTimeoutMs ?? 30_000;
    this.#scriptDir = options.scriptDir ?? path.join(REPO, "bench", "twisted");
    this.#progress = options.progress;
  }

  /** Whether Python imports twisted: its version and Python's, or why not (checked once). */
  availability(): Promise<{ ok: true; version: string; python: string } | { ok: false; reason: string }> {
    this.#availability ??= this.#check();
    return this.#availability;
  }

  async #check(): Promise<{ ok: true; version: string; python: string } | { ok: false; reason: string }> {
    if (!this.#enabled) return { ok: false, reason: "skipped with --no-twisted" };
    const code = "import platform, twisted; print(twisted.__version__); print(platform.python_version())";
    const r = await runChild(this.python, ["-c", code], this.#checkTimeoutMs);
    if (r.spawnError !== undefined) {
      return { ok: false, reason: r.spawnError.code === "ENOENT" ? `${this.python} not found` : `${this.python}: ${r.spawnError.message}` };
    }
    if (r.timedOut) return { ok: false, reason: `${this.python} did not answer within ${this.#checkTimeoutMs / 1000} s` };
    if (r.code !== 0) return { ok: false, reason: `${this.python} cannot import twisted: ${lastLine(r.stderr) || `exit code ${r.code}`}` };
    const [version, python] = r.stdout.trim().split("\n");
    return { ok: true, version: version.trim(), python: (python ?? "?").trim() };
  }

  /** The report's line about Twisted: its version and interpreter, or why it is not available. */
  async statusLine(): Promise<string> {
    const a = await this.availability();
    return a.ok ? `Twisted ${a.version} on Python ${a.python} (${this.python})` : `Twisted: not available (${a.reason})`;
  }

  /**
   * Runs `bench/twisted/<script>` with `params` (passed as one JSON argument). Its stderr lines
   * "progress: …" go to the progress display.
   */
  async run(script: string, params: Record<string, unknown>): Promise<TwistedOutcome> {
    const a = await this.availability();
    if (!a.ok) return { status: "unavailable", reason: a.reason };
    this.#progress?.task(`Twisted: ${script}`);
    const file = path.join(this.#scriptDir, script);
    const r = await runChild(this.python, [file, JSON.stringify(params)], this.#timeoutMs, {
      cwd: this.#scriptDir,
      onStderrLine: (line) => {
        if (line.startsWith("progress: ")) this.#progress?.note(`Twisted: ${line.slice(10)}`);
      },
    });
    if (r.timedOut) return { status: "unavailable", reason: `${script} timed out after ${this.#timeoutMs / 1000} s` };
    let reason: string;
    if (r.spawnError !== undefined) reason = r.spawnError.message;
    else if (r.code !== 0) reason = `exit code ${r.code}: ${lastLine(r.stderr)}`;
    else {
      try {
        return { status: "ok", ...parseTwistedOutput(r.stdout) };
      } catch (e) {
        reason = e instanceof Error ? e.message : String(e);
      }
    }
    this.failures.push(`bench/twisted/${script}: ${reason}`);
    return { status: "failed", reason };
  }
}

/** The figure of `workload` at size `n` (any size when omitted) in an outcome, if it has one. */
export function twistedFigure(outcome: TwistedOutcome, workload: string, n?: number): TwistedFigure | undefined {
  if (outcome.status !== "ok") return undefined;
  return outcome.figures.find((f) => f.workload === workload && (n === undefined || f.n === n));
}

/**
 * Twisted's value for a workload, in the unit it was measured in (ns, B or ms), or why there is
 * none: "not available (reason)", "failed (reason)", "not measured".
 * @param pick which value: the median wall time (default) or CPU time.
 */
export function twistedValue(outcome: TwistedOutcome, workload: string, n?: number, pick: "value" | "cpu" = "value"): number | string {
  if (outcome.status === "unavailable") return `not available (${outcome.reason})`;
  if (outcome.status === "failed") return `failed (${outcome.reason})`;
  const f = twistedFigure(outcome, workload, n);
  const v = f === undefined ? undefined : pick === "cpu" ? f.cpu : f.value;
  return v ?? "not measured";
}
