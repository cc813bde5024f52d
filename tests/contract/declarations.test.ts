import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// The published .d.ts files (tsconfig.build.json, with stripInternal) must compile for a user who
// does not set skipLibCheck: a public module that re-exports a name marked @internal (stripped)
// breaks every consumer's build.

const REPO = path.join(__dirname, "..", "..");
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
const ENTRY_POINTS = ["index", "defer/index", "reactor/index", "task/index", "log/index", "net/index", "protocols/index", "testing/index", "testing/mocha"];

function tsc(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd: REPO, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("published declarations", () => {
  it("compile for a strict consumer without skipLibCheck, every entry point", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-dts-"));
    try {
      const out = path.join(dir, "dist");
      const build = tsc(["-p", "tsconfig.build.json", "--outDir", out, "--emitDeclarationOnly", "--declaration"]);
      expect(build.status, build.output).to.equal(0);
      const consumer = path.join(dir, "consumer.ts");
      const imports = ENTRY_POINTS.map((e, i) => `import * as m${i} from ${JSON.stringify(path.join(out, e))};`);
      fs.writeFileSync(consumer, `${imports.join("\n")}\nexport const all = [${ENTRY_POINTS.map((_, i) => `m${i}`).join(", ")}];\n`);
      const check = tsc(["--noEmit", "--strict", "--target", "ES2022", "--module", "commonjs", "--moduleResolution", "node", "--types", "node", "--typeRoots", path.join(REPO, "node_modules", "@types"), consumer]);
      expect(check.status, check.output).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
