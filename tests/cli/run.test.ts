/**
 * The `twisted-ts` command, run as a child process.
 *
 * Most cases run the package as it is installed (bin/ + dist/ in a temporary node_modules: see
 * helpers/package.ts), which starts in a fraction of the time the sources take; the first block
 * runs bin/twisted-ts.js of this checkout, which loads the TypeScript sources through ts-node.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { runChild, type ChildResult } from "../helpers/child";
import { installPackage, type InstalledPackage } from "../helpers/package";

const REPO = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "cli");
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as { version: string }).version;

/** Runs `node BIN ...args` from the repository's root. */
function twistedTs(bin: string, args: readonly string[]): Promise<ChildResult> {
  return runChild(process.execPath, [bin, ...args], { cwd: REPO, timeoutMs: 30_000 });
}

/** The lines of a text, without the empty one after its last newline. */
function lines(text: string): string[] {
  return text.split("\n").filter((line, i, all) => !(line === "" && i === all.length - 1));
}

/** `tests/fixtures/cli/NAME`, relative to the repository (as a user would type it). */
function fixture(name: string): string {
  return path.relative(REPO, path.join(FIXTURES, name));
}

describe("twisted-ts (from the sources: bin/twisted-ts.js of this checkout)", function () {
  this.timeout(30_000);
  const bin = path.join(REPO, "bin", "twisted-ts.js");

  it("runs a .ts main with its arguments, sharing the command's runtime (the sources)", async () => {
    const r = await twistedTs(bin, ["run", fixture("main.ts"), "a", "b c"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('ts main ran; args: ["a","b c"]\n');
    const same = await twistedTs(bin, ["run", fixture("same-runtime.ts")]);
    expect(same.code, same.stderr).to.equal(0);
    expect(same.stdout).to.equal("same reactor: true; running: true\n");
  });

  it("--version prints package.json's version", async () => {
    const r = await twistedTs(bin, ["--version"]);
    expect([r.code, r.stdout, r.stderr]).to.deep.equal([0, `${VERSION}\n`, ""]);
  });
});

describe("twisted-ts (as installed: bin/ and dist/ in node_modules)", function () {
  this.timeout(30_000);
  let pkg: InstalledPackage;
  const run = (...args: string[]): Promise<ChildResult> => twistedTs(pkg.bin, args);

  before(() => {
    pkg = installPackage();
  });
  after(() => pkg?.remove());

  it("the package's bin loads dist/cli/run.js (there are no sources beside it)", () => {
    expect(fs.existsSync(path.join(pkg.root, "dist", "cli", "run.js"))).to.equal(true);
    expect(fs.existsSync(path.join(pkg.root, "cli"))).to.equal(false);
  });

  describe("--help and --version", () => {
    for (const flag of ["--help", "-h", "help"]) {
      it(`${flag}: the usage on stdout, exit 0`, async () => {
        const r = await run(flag);
        expect(r.code).to.equal(0);
        expect(r.stderr).to.equal("");
        expect(r.stdout).to.match(/^Usage: twisted-ts run \[--workers N\] FILE \[ARGS\.\.\.\]\n/);
        expect(r.stdout).to.include("--version");
      });
    }

    it("run --help is the same usage", async () => {
      const r = await run("run", "--help");
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^Usage: twisted-ts run \[--workers N\] FILE/);
    });

    for (const flag of ["--version", "-v"]) {
      it(`${flag}: the version from package.json, exit 0`, async () => {
        const r = await run(flag);
        expect([r.code, r.stdout, r.stderr]).to.deep.equal([0, `${VERSION}\n`, ""]);
      });
    }
  });

  describe("running programs", () => {
    it("a .ts main (through ts-node), with ARGS passed through as they are", async () => {
      const r = await run("run", fixture("main.ts"), "one", "--flag", "two words", "");
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('ts main ran; args: ["one","--flag","two words",""]\n');
      expect(r.stderr).to.equal("");
    });

    it("`run -- FILE` takes FILE after the --", async () => {
      const r = await run("run", "--", fixture("main.ts"), "x");
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('ts main ran; args: ["x"]\n');
    });

    it("a CommonJS .js main that requires twisted-ts by name; main runs on the running reactor", async () => {
      const r = await run("run", fixture("main.js"), "1", "2");
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('js main ran; args: ["1","2"]; running: true\n');
    });

    it("a .cjs module whose module.exports is the function", async () => {
      const r = await run("run", fixture("exports-function.cjs"), "z");
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('cjs function ran; args: ["z"]; has callLater: function\n');
    });

    it("an .mjs module's default export (loaded with import())", async () => {
      const r = await run("run", fixture("default.mjs"), "m");
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('mjs default ran; args: ["m"]\n');
    });

    it("twisted-ts imports in the program are the command's runtime (one reactor)", async () => {
      const r = await run("run", fixture("same-runtime.ts"));
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal("same reactor: true; running: true\n");
    });

    it("a program that runs the reactor itself when loaded (no main) is left to do so", async () => {
      const r = await run("run", fixture("runs-itself.ts"));
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal("ran by itself\n");
    });
  });

  describe("exit codes of the program", () => {
    it("a failing main: exit 1, the error logged on stderr", async () => {
      const r = await run("run", fixture("failing-main.ts"));
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include("main function encountered error");
      expect(r.stderr).to.include("main failed on purpose");
    });

    it("SystemExit(code): that code, nothing printed", async () => {
      for (const code of ["3", "0", "42"]) {
        const r = await run("run", fixture("system-exit.ts"), code);
        expect(r.code, `SystemExit(${code}): ${r.stderr}`).to.equal(Number(code));
        expect(r.stderr).to.equal("");
      }
    });
  });

  describe("errors of the command: exit 2 and one line on stderr", () => {
    /** Checks the usage-error shape: exit 2, nothing on stdout, exactly one line on stderr. */
    function expectOneLine(r: ChildResult, pattern: RegExp): void {
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stdout).to.equal("");
      expect(lines(r.stderr), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(/^twisted-ts: /);
      expect(r.stderr).to.match(pattern);
    }

    it("a missing FILE names it", async () => {
      expectOneLine(await run("run", "no/such/program.ts"), /cannot find no\/such\/program\.ts/);
    });

    it("a module with no main", async () => {
      expectOneLine(await run("run", fixture("no-main.ts")), /no-main\.ts: exports no main function/);
    });

    it("a main that is not a function says what it is", async () => {
      expectOneLine(await run("run", fixture("main-not-function.ts")), /main is not a function \(it is the number 42\)/);
    });

    it("a module that exports main but also calls react when loaded", async () => {
      const r = await run("run", fixture("main-and-react.ts"));
      expect(r.code, r.stderr).to.equal(2);
      expect(lines(r.stderr)).to.have.length(1);
      expect(r.stderr).to.match(/runs the reactor itself/);
    });

    it("no command, an unknown command, an unknown option, run without FILE", async () => {
      expectOneLine(await run(), /missing command/);
      expectOneLine(await run("walk", "x.ts"), /unknown command "walk"/);
      expectOneLine(await run("run", "--fast", "x.ts"), /unknown option "--fast"/);
      expectOneLine(await run("run"), /missing FILE/);
    });

    it("an unsupported file type, and a directory", async () => {
      expectOneLine(await run("run", "README.md"), /unsupported file type "\.md"/);
      expectOneLine(await run("run", "docs"), /docs is not a file/);
    });
  });

  describe("errors while loading the program: exit 1 and the error", () => {
    it("a TypeScript syntax error: ts-node's diagnostic, with the file and line", async () => {
      const r = await run("run", fixture("syntax-error.ts"));
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.match(/^twisted-ts: error while loading tests\/fixtures\/cli\/syntax-error\.ts:\n/);
      expect(r.stderr).to.match(/syntax-error\.ts\(3,18\): error TS1109: Expression expected/);
    });

    it("a missing import: the module-not-found error", async () => {
      const r = await run("run", fixture("import-error.js"));
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include("error while loading");
      expect(r.stderr).to.include("Cannot find module './no-such-module'");
    });

    it("a throw at load: the error and its stack", async () => {
      const r = await run("run", fixture("throws-at-load.ts"));
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include("RangeError: thrown while loading");
      expect(r.stderr).to.include("throws-at-load.ts:");
    });
  });

  it("a .ts program where ts-node cannot be found: exit 2, one line saying what to install", async () => {
    const link = path.join(pkg.dir, "node_modules", "ts-node");
    const hidden = path.join(pkg.dir, "node_modules", ".ts-node-hidden");
    fs.writeFileSync(path.join(pkg.dir, "main.ts"), "export function main(): void {}\n");
    fs.renameSync(link, hidden);
    try {
      const r = await runChild(process.execPath, [pkg.bin, "run", "main.ts"], { cwd: pkg.dir });
      expect(r.code, r.stderr).to.equal(2);
      expect(lines(r.stderr)).to.have.length(1);
      expect(r.stderr).to.match(/main\.ts is TypeScript, and ts-node cannot be found: install it/);
      // JavaScript needs no ts-node.
      fs.copyFileSync(path.join(FIXTURES, "exports-function.cjs"), path.join(pkg.dir, "f.cjs"));
      const js = await runChild(process.execPath, [pkg.bin, "run", "f.cjs"], { cwd: pkg.dir });
      expect(js.code, js.stderr).to.equal(0);
    } finally {
      fs.renameSync(hidden, link);
    }
  });

  it("a .ts program outside any TypeScript project (no tsconfig.json) runs with ts-node's defaults", async () => {
    const file = path.join(pkg.dir, "app", "hello.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      [
        'import { deferLater } from "twisted-ts/task";',
        'import type { Reactor } from "twisted-ts/reactor";',
        "export const main = (reactor: Reactor, who: string) =>",
        "  deferLater(reactor, 0.01, () => console.log(`hello, ${who}`));",
        "",
      ].join("\n"),
    );
    const r = await runChild(process.execPath, [pkg.bin, "run", "app/hello.ts", "world"], { cwd: pkg.dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("hello, world\n");
  });

  it("a .ts program in a project whose tsconfig is `tsc --init`'s (module nodenext, verbatimModuleSyntax)", async () => {
    const app = path.join(pkg.dir, "esm-app");
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(
      path.join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", target: "esnext", strict: true, verbatimModuleSyntax: true, isolatedModules: true },
      }),
    );
    fs.writeFileSync(
      path.join(app, "main.ts"),
      'import { succeed } from "twisted-ts/defer";\nexport function main() { return succeed(1).addCallback((n) => console.log(`got ${n}`)); }\n',
    );
    const r = await runChild(process.execPath, [pkg.bin, "run", "esm-app/main.ts"], { cwd: pkg.dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal("got 1\n");
  });
});
