/**
 * Lays out twisted-ts as an installed package, in a temporary folder, for the tests of the
 * `twisted-ts` command and of the docs' examples:
 *
 *     <dir>/node_modules/twisted-ts/{package.json, bin/, dist/}   what `npm pack` ships
 *     <dir>/node_modules/<dependency>                             links to this repo's node_modules
 *
 * dist/ is the JavaScript of tsconfig.build.json's files, emitted with TypeScript's transpiler
 * (what `npm run build` emits, without its type check and .d.ts files, in about a second).
 * Without cli/run.ts beside it, the package's bin loads dist/cli/run.js, as it does once
 * installed, and ts-node is loaded only for a .ts program: each run costs a fraction of running
 * from the sources, where the whole runtime is compiled by ts-node at start-up.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

const REPO = path.join(__dirname, "..", "..");

/** A laid-out package; `remove()` deletes the folder. */
export interface InstalledPackage {
  /** The temporary folder (the "project" the package is installed in). */
  dir: string;
  /** `<dir>/node_modules/twisted-ts`. */
  root: string;
  /** The package's bin script. */
  bin: string;
  remove(): void;
}

/** Builds the package layout described above; throws on a TypeScript syntax error. */
export function installPackage(): InstalledPackage {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-pkg-"));
  const root = path.join(dir, "node_modules", "twisted-ts");
  try {
    fs.mkdirSync(root, { recursive: true });
    fs.copyFileSync(path.join(REPO, "package.json"), path.join(root, "package.json"));
    fs.cpSync(path.join(REPO, "bin"), path.join(root, "bin"), { recursive: true });
    emit(path.join(root, "dist"));
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    // The runtime's dependencies, and ts-node + typescript for the .ts programs run.
    for (const name of [...Object.keys(pkg.dependencies ?? {}), "ts-node", "typescript"]) {
      const link = path.join(dir, "node_modules", name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(REPO, "node_modules", name), link, "dir");
    }
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, root, bin: path.join(root, "bin", "twisted-ts.js"), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Transpiles every file of tsconfig.build.json into `outDir`, keeping the layout. */
function emit(outDir: string): void {
  const configPath = path.join(REPO, "tsconfig.build.json");
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, REPO);
  const compilerOptions: ts.CompilerOptions = { ...parsed.options, declaration: false, sourceMap: false };
  for (const fileName of parsed.fileNames) {
    if (fileName.endsWith(".d.ts")) continue;
    const output = ts.transpileModule(fs.readFileSync(fileName, "utf8"), {
      compilerOptions,
      fileName,
      reportDiagnostics: true,
    });
    const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      throw new Error(`${fileName}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, "\n")}`);
    }
    const target = path.join(outDir, path.relative(REPO, fileName)).replace(/\.ts$/, ".js");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, output.outputText);
  }
}
