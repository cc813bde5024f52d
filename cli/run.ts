/**
 * The `twisted-ts` command (started by `bin/twisted-ts.js`):
 *
 *     twisted-ts run FILE [ARGS...]
 *
 * loads FILE, takes its exported `main` (or its default export) and runs it with
 * `react(main, ARGS)`, so the process ends with react's exit code.
 *
 * Exit codes of the command itself: 2 for bad usage, a FILE that does not exist or has an
 * unsupported extension, a module with no `main`, or a `main` that is not a function (one line
 * on stderr); 1 when FILE fails to load (a syntax error, a missing import, a throw at load: the
 * error is printed).
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { reactor } from "../reactor";
import { exitProcess, react } from "../task/react";
import { installAlias } from "./alias";
import { isWorker, runWorkers } from "./workers";

/**
 * The folder holding the runtime's `index` (the repository root when this file runs from the
 * sources, `dist/` when it runs compiled): what `twisted-ts` imports in FILE resolve to.
 */
const RUNTIME_ROOT = path.join(__dirname, "..");

const USAGE = `Usage: twisted-ts run [--workers N] FILE [ARGS...]
       twisted-ts --help | --version

Runs a program on the twisted-ts reactor. FILE is loaded (.ts and .cts through ts-node;
.js, .cjs and .mjs directly), and its exported main(reactor, ...ARGS) (or its default
export) is run with react(main, ARGS): the reactor runs until what main returns (a
Deferred, a Promise or a plain value) settles, then stops.

Exit code: 0 when main succeeds; 1 when it fails (the error is printed) or FILE cannot be
loaded; the code of a SystemExit main fails with; 130 / 143 on SIGINT / SIGTERM; 2 for bad
usage, a missing FILE, or a FILE without a main function.

Inside FILE, "twisted-ts" and "twisted-ts/<module>" resolve to the runtime this command
runs on, so FILE shares its reactor.

With --workers N, N copies of the program run in node:cluster workers (for servers
using more than one core): a port they listen on is shared; a worker that dies is
restarted; SIGINT and SIGTERM are passed on to them; the command exits once they
have all ended, with their exit code (the first non-zero one).

Options:
  -w, --workers N  run N copies of FILE in worker processes (N >= 1)
  -h, --help     show this help
  -v, --version  show the version of twisted-ts`;

/** File extensions `run` loads, and how. */
type Loader = "ts" | "require" | "import";
const LOADERS: Record<string, Loader> = {
  ".ts": "ts",
  ".cts": "ts",
  ".js": "require",
  ".cjs": "require",
  ".mjs": "import",
};

/** The command's exit code for usage errors and unusable programs. */
const USAGE_ERROR = 2;
/** The command's exit code when FILE could not be loaded. */
const LOAD_ERROR = 1;

/**
 * `import()` as the host does it. Written this way because TypeScript compiling to CommonJS
 * turns an `import()` expression into `require()`, which cannot load an ES module.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- on purpose: a real import(), which the CommonJS output cannot express
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/** Runs the command line `argv` (the arguments after `twisted-ts`); ends the process when done. */
export function cli(argv: readonly string[]): void {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      usageError("missing command");
      return;
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(`${USAGE}\n`);
      return;
    case "-v":
    case "--version":
      process.stdout.write(`${version()}\n`);
      return;
    case "run":
      runCommand(rest);
      return;
    default:
      usageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** `twisted-ts run [--] FILE [ARGS...]`. */
function runCommand(rest: readonly string[]): void {
  let i = 0;
  const first = rest[0];
  if (first === "-h" || first === "--help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let workers: number | undefined;
  for (;;) {
    const option = rest[i];
    if (option === "--workers" || option === "-w" || option?.startsWith("--workers=")) {
      const value = option.startsWith("--workers=") ? option.slice("--workers=".length) : rest[i + 1];
      const n = Number(value);
      if (value === undefined || value === "" || !Number.isInteger(n) || n < 1) {
        usageError(`run: --workers needs a whole number of workers >= 1, got ${JSON.stringify(value ?? "")}`);
        return;
      }
      workers = n;
      i += option.startsWith("--workers=") ? 1 : 2;
      continue;
    }
    break;
  }
  const firstArg = rest[i];
  if (firstArg === "--") i++;
  else if (firstArg !== undefined && firstArg.startsWith("-") && firstArg !== "-") {
    usageError(`run: unknown option ${JSON.stringify(firstArg)}`);
    return;
  }
  const file = rest[i];
  if (file === undefined) {
    usageError("run: missing FILE");
    return;
  }
  const args = rest.slice(i + 1);
  const filename = path.resolve(file);

  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(filename);
  } catch {
    stat = undefined;
  }
  if (stat === undefined) {
    fail(USAGE_ERROR, `twisted-ts: cannot find ${file} (no such file: ${filename})`);
    return;
  }
  if (!stat.isFile()) {
    fail(USAGE_ERROR, `twisted-ts: ${file} is not a file`);
    return;
  }
  const ext = path.extname(filename).toLowerCase();
  const loader = LOADERS[ext];
  if (loader === undefined) {
    const supported = Object.keys(LOADERS).join(", ");
    fail(USAGE_ERROR, `twisted-ts: cannot run ${file}: unsupported file type "${ext}" (supported: ${supported})`);
    return;
  }
  if (loader === "ts" && !registerTypeScript(filename)) {
    fail(
      USAGE_ERROR,
      `twisted-ts: ${file} is TypeScript, and ts-node cannot be found: install it ` +
        "(npm install --save-dev ts-node typescript), or compile the program to JavaScript",
    );
    return;
  }

  if (workers !== undefined && !isWorker()) {
    // The primary: it does not load FILE; each worker runs this same command line.
    runWorkers(workers);
    return;
  }

  installAlias(RUNTIME_ROOT);
  load(filename, loader).then(
    (mod) => start(file, mod, args),
    (e: unknown) => fail(LOAD_ERROR, `twisted-ts: error while loading ${file}:\n${describeLoadError(e)}`),
  );
}

/** Loads the program module: its exports (CommonJS) or its namespace (ES module). */
async function load(filename: string, loader: Loader): Promise<unknown> {
  if (loader === "import") return importModule(pathToFileURL(filename).href);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the program by its path
    return require(filename) as unknown;
  } catch (e) {
    // A .js file of a "type": "module" package (or one with top-level await): an ES module.
    const code = (e as { code?: unknown } | null)?.code;
    if (loader === "require" && (code === "ERR_REQUIRE_ESM" || code === "ERR_REQUIRE_ASYNC_MODULE")) {
      return importModule(pathToFileURL(filename).href);
    }
    throw e;
  }
}

/** Finds the program's main function and runs it with react; react ends the process. */
function start(file: string, mod: unknown, args: string[]): void {
  const found = findMain(mod);
  if (reactor.running) {
    // Loading the module started the reactor: it runs itself (`react(main)` or `reactor.run()`).
    if (found.main === undefined) return;
    fail(
      USAGE_ERROR,
      `twisted-ts: ${file} exports main but also runs the reactor itself when loaded; ` +
        "let twisted-ts call react (guard the call with `if (require.main === module)`)",
    );
    return;
  }
  if (found.main === undefined) {
    fail(USAGE_ERROR, `twisted-ts: ${file}: ${found.problem}`);
    return;
  }
  let done: Promise<number>;
  try {
    done = react(found.main, args);
  } catch (e) {
    // react() runs the reactor: it throws when the module ran (or stopped) the reactor already.
    fail(LOAD_ERROR, `twisted-ts: cannot run ${file}: ${describeLoadError(e)}`);
    return;
  }
  // react ends the process with its code (after the output is written); nothing to do here.
  void done;
}

/** The program's main function, or why there is none. */
function findMain(mod: unknown): { main?: (...args: unknown[]) => unknown; problem?: string } {
  if (typeof mod === "function") return { main: mod as (...args: unknown[]) => unknown }; // module.exports = fn
  if (typeof mod !== "object" || mod === null) {
    return { problem: 'exports no main function (export a function named "main", or a default export)' };
  }
  const exports = mod as { main?: unknown; default?: unknown };
  if (exports.main !== undefined) {
    if (typeof exports.main === "function") return { main: exports.main as (...args: unknown[]) => unknown };
    return { problem: `main is not a function (it is ${describe(exports.main)})` };
  }
  if (exports.default !== undefined) {
    const d = exports.default;
    if (typeof d === "function") return { main: d as (...args: unknown[]) => unknown };
    // A CommonJS module imported as an ES module: its exports object is the default export.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- false positive: `d` is `{}` here, without `main`
    const inner = (d as { main?: unknown } | null)?.main;
    if (typeof inner === "function") return { main: inner as (...args: unknown[]) => unknown };
    return { problem: `the default export is not a function (it is ${describe(d)})` };
  }
  return { problem: 'exports no main function (export a function named "main", or a default export)' };
}

/** A short description of a value that should have been a function. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `the string ${JSON.stringify(value)}`;
    case "undefined":
      return "undefined";
    case "function":
      return `the function ${String(value)}`;
    case "number":
    case "bigint":
    case "boolean":
    case "symbol":
      return `the ${typeof value} ${String(value)}`;
    default: // "object"
      return "an object";
  }
}

/** How a load error is shown: a TypeScript error by its diagnostics, others by their stack. */
function describeLoadError(e: unknown): string {
  if (e instanceof Error) {
    // ts-node's TSError: the message lists the diagnostics; its stack is ts-node's own frames.
    if (e.name === "TSError") return e.message.trimEnd();
    return e.stack ?? `${e.name}: ${e.message}`;
  }
  return String(e);
}

/**
 * Makes `require` load TypeScript through ts-node (transpile-only), unless something registered
 * it already (the launcher does, when the command runs from the sources). The nearest
 * `tsconfig.json` above the program is used. False when ts-node cannot be found.
 */
function registerTypeScript(filename: string): boolean {
  if ((process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")] !== undefined) {
    return true;
  }
  let tsNodePath: string;
  try {
    tsNodePath = require.resolve("ts-node", { paths: [path.dirname(filename), process.cwd(), __dirname] });
  } catch {
    return false;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- found at run time, optional
  const tsNode = require(tsNodePath) as {
    register(options: { transpileOnly: boolean; projectSearchDir: string; compilerOptions?: object }): unknown;
  };
  tsNode.register({
    transpileOnly: true,
    projectSearchDir: path.dirname(filename),
    // The program is loaded with require(): whatever the project's tsconfig says, emit CommonJS.
    compilerOptions: { module: "commonjs", moduleResolution: "node10" },
  });
  return true;
}

/** The version in the package's package.json. */
function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "twisted-ts" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not here: look further up
    }
    if (path.dirname(dir) === dir) return "unknown";
  }
}

/** A usage error: one line, exit code 2. */
function usageError(problem: string): void {
  fail(USAGE_ERROR, `twisted-ts: ${problem} (usage: twisted-ts run [--workers N] FILE [ARGS...]; see twisted-ts --help)`);
}

/**
 * Prints `message` on stderr and ends the process with `code`, once stdout and stderr have
 * written what they buffered (the loaded program may have printed, or left timers behind).
 */
function fail(code: number, message: string): void {
  process.stderr.write(`${message}\n`);
  exitProcess(code);
}
