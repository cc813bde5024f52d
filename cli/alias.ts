/**
 * Makes `require("twisted-ts")` and `require("twisted-ts/<module>")` resolve to one given copy of
 * the runtime: the one the `twisted-ts` command itself runs on.
 *
 * `twisted-ts run FILE` calls FILE's `main` through its own `react`, on its own global reactor. If
 * FILE imported a second copy of the runtime (another install, or the compiled `dist/` of a
 * source checkout), its `reactor`, its `LoopingCall`'s default clock and so on would be a reactor
 * that nobody runs. With the alias, FILE gets the command's copy, whatever `node_modules` holds.
 *
 * Only CommonJS resolution is covered (`require`, and `import` in TypeScript compiled to
 * CommonJS, which is how `twisted-ts run` loads `.ts` files); an ES module (`.mjs`) resolves
 * `twisted-ts` as Node does.
 * @module
 */
import Module from "node:module";
import * as path from "node:path";

/** The package's public entry points below the root: `twisted-ts/<name>`. */
const SUBPATHS = new Set(["defer", "reactor", "task", "log", "net", "protocols", "testing", "testing/mocha"]);

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

/** The runtime root currently aliased, so that installing twice does not wrap twice. */
let installedRoot: string | undefined;

/**
 * From now on, resolves `twisted-ts` to `<runtimeRoot>/index` and `twisted-ts/defer` (`reactor`,
 * `task`, `log`, `net`, `protocols`, `testing`, `testing/mocha`) to `<runtimeRoot>/<name>` (the folder's index), with whatever extensions
 * `require` knows (`.ts` through ts-node, `.js`). `runtimeRoot` is the folder holding the
 * runtime's `index`: the repository root for the sources, `dist/` for the built package.
 * Other requests, including other `twisted-ts/...` subpaths, resolve as usual.
 */
export function installAlias(runtimeRoot: string): void {
  const alreadyInstalled = installedRoot !== undefined;
  installedRoot = path.resolve(runtimeRoot);
  if (alreadyInstalled) return; // the hook is in place: it reads installedRoot
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    const target = aliasTarget(request);
    return original.call(this, target ?? request, ...rest);
  };
}

/** Where `request` goes under the alias, or undefined when it is not one of the package's names. */
function aliasTarget(request: string): string | undefined {
  if (installedRoot === undefined) return undefined;
  if (request === "twisted-ts") return path.join(installedRoot, "index");
  if (!request.startsWith("twisted-ts/")) return undefined;
  const sub = request.slice("twisted-ts/".length);
  return SUBPATHS.has(sub) ? path.join(installedRoot, sub) : undefined;
}
