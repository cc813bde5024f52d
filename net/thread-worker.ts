/**
 * The code the thread pool's worker threads run (piscina's task handler): loads the module a
 * call names, calls its export with the arguments, and returns the outcome as a plain,
 * structured-cloneable record (an Error's own name does not survive structured cloning, so a
 * throw is sent back as its name, message and stack).
 *
 * A TypeScript module (`.ts`, `.cts`, `.mts`) is loaded through ts-node (transpile-only), when
 * ts-node can be found from the module's folder, the working directory or this package.
 * @module
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { isThenable } from "../core/validate";

/** One call, as sent to a worker. */
export interface ThreadCall {
  module: string;
  exportName: string;
  args: unknown[];
}

/** What a worker sends back. */
export type ThreadOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { isError: boolean; name: string; message: string; stack?: string; code?: unknown; value?: unknown } };

// eslint-disable-next-line @typescript-eslint/no-implied-eval -- on purpose: a real import(), which the CommonJS output cannot express
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;
const loaded = new Map<string, unknown>();

function registerTypeScript(module: string): void {
  if ((process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")] !== undefined) return;
  let tsNodePath: string;
  try {
    tsNodePath = require.resolve("ts-node", { paths: [path.dirname(module), process.cwd(), __dirname] });
  } catch {
    throw new Error(`cannot run ${module} in a thread: it is TypeScript and ts-node cannot be found (install ts-node, or compile it)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- found at run time, optional
  const tsNode = require(tsNodePath) as { register(options: object): unknown };
  tsNode.register({
    transpileOnly: true,
    projectSearchDir: path.dirname(module),
    compilerOptions: { module: "commonjs", moduleResolution: "node10" },
  });
}

/** Loads `module` (not loaded yet: runThreadCall checks) and keeps it in `loaded`. */
async function load(module: string): Promise<unknown> {
  if (/\.[cm]?ts$/.test(module)) registerTypeScript(module);
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the caller named
    mod = require(module) as unknown;
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code !== "ERR_REQUIRE_ESM" && code !== "ERR_REQUIRE_ASYNC_MODULE") throw e;
    mod = await importModule(path.isAbsolute(module) ? pathToFileURL(module).href : module);
  }
  loaded.set(module, mod);
  return mod;
}

function findExport(mod: unknown, module: string, exportName: string): (...args: unknown[]) => unknown {
  const m = mod as Record<string, unknown> | null;
  let f = m?.[exportName];
  if (typeof f !== "function") f = (m?.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof f !== "function") throw new TypeError(`deferToThread: ${module} has no exported function ${JSON.stringify(exportName)}`);
  return f as (...args: unknown[]) => unknown;
}

/**
 * Runs one call; never throws (the outcome says how it went). Synchronous when it can be (the module already loaded, the export returning a
 * plain value): piscina then posts the outcome without waiting on a Promise.
 */
export default function runThreadCall(call: ThreadCall): ThreadOutcome | Promise<ThreadOutcome> {
  try {
    if (!loaded.has(call.module)) return load(call.module).then(() => runThreadCall(call), failed);
    const value = findExport(loaded.get(call.module), call.module, call.exportName)(...call.args);
    if (isThenable(value)) return Promise.resolve(value).then((v) => succeeded(v, call.exportName), failed);
    return succeeded(value, call.exportName);
  } catch (e) {
    return failed(e);
  }
}

function succeeded(value: unknown, exportName: string): ThreadOutcome {
  if (typeof value === "function" || typeof value === "symbol") {
    return failed(new TypeError(`${exportName} returned ${typeof value === "function" ? "a function" : "a symbol"}, which cannot be sent back from a thread`));
  }
  return { ok: true, value };
}

function failed(e: unknown): ThreadOutcome {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { ok: false, error: { isError: true, name: e.name, message: e.message, stack: e.stack, code: typeof code === "string" ? code : undefined } };
  }
  return { ok: false, error: { isError: false, name: "", message: String(e), value: e } };
}
