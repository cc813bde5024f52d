/**
 * The docs' examples: every code block in docs/**\/*.md (and the README's TypeScript) is a file of
 * docs/examples/, and every example runs and prints what its `.expected` file says.
 *
 * Conventions (docs/examples/README.md says them for writers):
 * - In the markdown, a code block is preceded by `<!-- example: PATH -->` (the block is the file
 *   docs/examples/PATH) or `<!-- output: PATH -->` (the block is an expected output file:
 *   `.expected` or `.stderr`).
 * - `NAME.ts` / `.js` / `.mjs` runs with `twisted-ts run` (with ts-node for .ts); `NAME.test.ts`
 *   runs with mocha; `NAME.py` runs with Python (when Twisted is installed) and shares
 *   `NAME.expected` with its TypeScript twin: both must print the same.
 * - stdout must equal `NAME.expected` (dates and times are replaced by `<timestamp>`, mocha's
 *   durations dropped); stderr must be empty, or equal `NAME.stderr` when there is one; the exit
 *   code must be 0.
 * - A first-line comment `// Run: npx twisted-ts run NAME.ts ARGS...` (or
 *   `# Run: python3 NAME.py ARGS...`) gives the example's arguments.
 * - A file without an expected output is a module other examples import (`./NAME`).
 *
 * The examples run against the package as installed (helpers/package.ts), a few at a time.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runChild, runPool, type ChildResult } from "../helpers/child";
import { installPackage, type InstalledPackage } from "../helpers/package";

const REPO = path.join(__dirname, "..", "..");
const DOCS = path.join(REPO, "docs");
const EXAMPLES = path.join(DOCS, "examples");
const SOURCE_EXTENSIONS = [".ts", ".js", ".cjs", ".mjs", ".py"];
/** How many examples run at once (most of their time is spent waiting on timers). */
const CONCURRENCY = 4;

interface Example {
  /** Path relative to docs/examples, with forward slashes. */
  name: string;
  file: string;
  kind: "program" | "mocha" | "python";
  expected: string;
  args: string[];
  /** A mocha example run with the twisted-ts/testing/mocha plugin. */
  plugin: boolean;
}

/** Every file under `dir`, recursively, as absolute paths in a stable order. */
function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function slash(p: string): string {
  return p.split(path.sep).join("/");
}

/** `NAME.expected` for `NAME.ext` (`x.test.ts` → `x.test.expected`; `x.py` shares `x.expected`). */
function expectedFileOf(file: string): string {
  return file.slice(0, file.length - path.extname(file).length) + ".expected";
}

function argsOf(file: string): string[] {
  const first = fs.readFileSync(file, "utf8").split("\n", 1)[0];
  const m = /^(?:\/\/|#) Run: (?:npx twisted-ts run|python3) (\S+)(.*)$/.exec(first);
  if (m === null) return [];
  if (m[1] !== path.basename(file)) throw new Error(`${file}: its "Run:" line names ${m[1]}`);
  return m[2].split(/\s+/).filter((a) => a !== "");
}

function findExamples(): { examples: Example[]; modules: string[] } {
  const examples: Example[] = [];
  const modules: string[] = [];
  for (const file of walk(EXAMPLES)) {
    if (!SOURCE_EXTENSIONS.includes(path.extname(file))) continue;
    const name = slash(path.relative(EXAMPLES, file));
    const expected = expectedFileOf(file);
    if (!fs.existsSync(expected)) {
      modules.push(file);
      continue;
    }
    const kind = file.endsWith(".py") ? "python" : file.endsWith(".test.ts") ? "mocha" : "program";
    const plugin = kind === "mocha" && fs.readFileSync(file, "utf8").split("\n", 1)[0].includes("--require twisted-ts/testing/mocha");
    examples.push({ name, file, kind, expected, args: argsOf(file), plugin });
  }
  return { examples, modules };
}

/** What may differ from run to run: dates and times, mocha's durations. */
function normalize(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?Z?/g, "<timestamp>")
    .replace(/ \(\d+m?s\)$/gm, "");
}

/** A Python 3 with Twisted, or undefined (the .py twins are then skipped). */
function findPython(): string | undefined {
  for (const candidate of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(candidate, ["-c", "import twisted"], { stdio: "ignore" });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const { examples, modules } = findExamples();

describe("docs: every example runs and prints its expected output", function () {
  this.timeout(120_000);
  let pkg: InstalledPackage | undefined;
  let python: string | undefined;
  const results = new Map<string, ChildResult>();

  before(async () => {
    pkg = installPackage();
    const preload = path.join(pkg.dir, "preload.js");
    fs.writeFileSync(
      preload,
      [
        `require(${JSON.stringify(path.join(pkg.dir, "node_modules", "ts-node"))}).register({ transpileOnly: true });`,
        `require(${JSON.stringify(path.join(pkg.root, "dist", "cli", "alias.js"))}).installAlias(${JSON.stringify(path.join(pkg.root, "dist"))});`,
        "",
      ].join("\n"),
    );
    python = findPython();
    const mocha = path.join(REPO, "node_modules", "mocha", "bin", "mocha.js");
    const bin = pkg.bin;
    const jobs = examples.map((ex) => async (): Promise<void> => {
      const rel = path.relative(REPO, ex.file);
      let result: ChildResult;
      if (ex.kind === "python") {
        if (python === undefined) return;
        result = await runChild(python, [rel, ...ex.args], { cwd: REPO, timeoutMs: 30_000 });
      } else if (ex.kind === "mocha") {
        // A first line `// Run: npx mocha --require twisted-ts/testing/mocha NAME.test.ts` adds the plugin.
        const plugin = ex.plugin ? ["--require", "twisted-ts/testing/mocha"] : [];
        const args = [mocha, "--no-config", "--no-package", "--require", preload, ...plugin, "--reporter", "spec", "--no-color", rel];
        result = await runChild(process.execPath, args, { cwd: REPO, timeoutMs: 30_000 });
      } else {
        result = await runChild(process.execPath, [bin, "run", rel, ...ex.args], { cwd: REPO, timeoutMs: 30_000 });
      }
      results.set(ex.name, result);
    });
    await runPool(jobs, CONCURRENCY);
  });

  after(() => pkg?.remove());

  it("finds the examples", () => {
    expect(examples.length).to.be.greaterThan(20);
  });

  for (const ex of examples) {
    it(`${ex.name}${ex.args.length > 0 ? ` ${ex.args.join(" ")}` : ""}`, function () {
      if (ex.kind === "python" && python === undefined) this.skip();
      const r = results.get(ex.name);
      if (r === undefined) throw new Error("the example did not run");
      const stderrFile = ex.expected.replace(/\.expected$/, ".stderr");
      const expectedStderr = fs.existsSync(stderrFile) ? fs.readFileSync(stderrFile, "utf8") : "";
      const context = `exit ${r.code}${r.signal ? ` (${r.signal})` : ""}\nstderr:\n${r.stderr}`;
      expect(normalize(r.stdout), context).to.equal(fs.readFileSync(ex.expected, "utf8"));
      expect(normalize(r.stderr), "stderr").to.equal(expectedStderr);
      expect(r.code, context).to.equal(0);
    });
  }

  it("each example without an expected output is imported by another example", () => {
    for (const file of modules) {
      const base = path.basename(file).replace(/\.[cm]?[jt]s$/, "");
      const importers = walk(path.dirname(file)).filter(
        (f) => f !== file && fs.readFileSync(f, "utf8").includes(`from "./${base}"`),
      );
      expect(importers, `${slash(path.relative(REPO, file))} has no .expected and nothing imports it`).to.not.be.empty;
    }
  });
});

/** A fenced code block of a markdown file and the marker comment before it. */
interface Block {
  line: number;
  lang: string;
  content: string;
  marker?: { kind: "example" | "output"; path: string };
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== "```") end++;
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === "") before--;
    const m = before >= 0 ? /^<!-- (example|output): (\S+) -->$/.exec(lines[before].trim()) : null;
    blocks.push({
      line: i + 1,
      lang: open[1],
      content: lines.slice(i + 1, end).join("\n") + "\n",
      marker: m === null ? undefined : { kind: m[1] as "example" | "output", path: m[2] },
    });
    i = end;
  }
  return blocks;
}

describe("docs: every code block is an example file, unchanged", () => {
  const markdown = [...walk(DOCS).filter((f) => f.endsWith(".md") && !f.startsWith(path.join(DOCS, "api"))), path.join(REPO, "README.md")];

  it("finds the pages", () => {
    for (const page of ["howto/scheduling.md", "howto/asyncio-style.md", "howto/deferreds.md", "howto/cooperator.md", "howto/scheduler.md", "howto/testing.md", "howto/protocols.md", "porting.md"]) {
      expect(fs.existsSync(path.join(DOCS, page)), page).to.equal(true);
    }
  });

  for (const page of markdown) {
    const rel = slash(path.relative(REPO, page));
    it(rel, () => {
      const isReadme = page.endsWith("README.md") && !page.startsWith(DOCS);
      for (const block of blocksOf(fs.readFileSync(page, "utf8"))) {
        const where = `${rel}:${block.line}`;
        if (block.marker === undefined) {
          // The README's set-up commands are not examples; its TypeScript is.
          if (isReadme && block.lang !== "ts") continue;
          throw new Error(`${where}: a code block without an <!-- example: PATH --> or <!-- output: PATH --> marker`);
        }
        const file = path.join(EXAMPLES, block.marker.path);
        expect(fs.existsSync(file), `${where}: ${block.marker.path} does not exist in docs/examples`).to.equal(true);
        if (block.marker.kind === "output") {
          expect(block.marker.path, where).to.match(/\.(expected|stderr)$/);
        }
        expect(block.content, `${where}: the block differs from docs/examples/${block.marker.path}`).to.equal(
          fs.readFileSync(file, "utf8"),
        );
      }
    });
  }
});
