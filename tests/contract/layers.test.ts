/**
 * The package's import graph: folders import only the layers below them (layers.cjs), and no two
 * product files import each other, directly or through others. eslint's no-restricted-imports
 * enforces the first rule as code is written; this test checks both over the whole tree.
 * Type-only imports (`import type`) count for the layers but not for cycles: they are erased
 * when compiling, so two files may name each other's types (Protocol.factory and
 * Factory.buildProtocol) without either loading the other.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const LAYERS: string[] = require("../../layers.cjs");
const ROOT = path.resolve(__dirname, "../..");

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s*["']([^"']+)["']|\brequire\(\s*["']([^"']+)["']\s*\)|\bimport\(\s*["']([^"']+)["']\s*\)/g;

function productFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(full);
    }
  };
  for (const layer of LAYERS) if (fs.existsSync(path.join(ROOT, layer))) walk(path.join(ROOT, layer));
  return files;
}

/**
 * The product files `file` imports (relative specifiers only; packages are outside the graph);
 * with `runtimeOnly`, leaving out `import type` / `export type` (erased when compiling).
 */
function importsOf(file: string, runtimeOnly = false): string[] {
  const text = fs.readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    if (runtimeOnly && /^\s*(?:import|export)\s+type\b/.test(m[0])) continue;
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith(".")) continue;
    const base = path.resolve(path.dirname(file), spec);
    const target = [`${base}.ts`, path.join(base, "index.ts")].find((p) => fs.existsSync(p));
    if (target !== undefined) out.push(target);
  }
  return out;
}

function layerOf(file: string): string {
  const rel = path.relative(ROOT, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : "(root)";
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) connect(v);
  return found;
}

describe("layers: the import graph", function () {
  const files = productFiles();
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const runtimeGraph = new Map(files.map((f) => [f, importsOf(f, true)]));

  it("finds the product files and their imports", function () {
    // Guards the parsing itself: a regex that stopped matching would make the checks below vacuous.
    expect(files.length).to.be.greaterThan(30);
    const reactorFile = path.join(ROOT, "reactor", "reactor.ts");
    expect(graph.get(reactorFile)).to.include(path.join(ROOT, "core", "validate.ts"));
  });

  it("imports only from the same folder or from the layers below it", function () {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const rank = LAYERS.indexOf(layerOf(file));
      for (const target of targets) {
        const targetRank = LAYERS.indexOf(layerOf(target));
        if (targetRank < 0 || targetRank > rank) {
          wrong.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
        }
      }
    }
    expect(wrong, wrong.join("\n")).to.deep.equal([]);
  });

  it("has no import cycle between files (type-only imports aside)", function () {
    const found = cycles(runtimeGraph).map((c) => c.map((f) => path.relative(ROOT, f)).sort().join(" <-> "));
    expect(found, found.join("\n")).to.deep.equal([]);
  });

  it("detects a cycle when there is one", function () {
    // The detector itself, on a made-up graph.
    const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
    expect(cycles(g).map((c) => c.sort())).to.deep.equal([["a", "b", "c"]]);
  });
});
