import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { plainEnv } from "../helpers/child";

const root = path.join(__dirname, "..", "..");

/** Runs bench/index.ts as `npm run bench` does, with `args`. */
function bench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--expose-gc", "-r", "ts-node/register/transpile-only", "bench/index.ts", ...args], {
    cwd: root,
    env: plainEnv(),
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bench/index.ts: the command", function () {
  this.timeout(60_000);

  it("--help prints the usage and exits 0", () => {
    const r = bench("--help");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.include("usage: npm run bench --");
    for (const name of ["timers", "memory", "lateness", "deferred", "inline", "cooperator", "clock", "net", "threads", "processes", "udp", "workers"]) expect(r.stdout).to.include(`  ${name} `);
  });

  it("an unknown benchmark or option exits 2 with the usage, running nothing", () => {
    const r = bench("nosuch");
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include("unknown benchmark nosuch");
    expect(r.stderr).to.include("usage:");
    expect(r.stdout).to.equal("");
    expect(bench("--bogus").status).to.equal(2);
  });

  it("one benchmark, quick, without Twisted: the report on stdout, progress on stderr, exit 0", () => {
    const r = bench("memory", "--quick", "--no-twisted", "--no-write");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^# twisted-ts benchmarks\n/);
    expect(r.stdout).to.include("quick run (--quick: small N), only memory");
    expect(r.stdout).to.include("- Twisted: not available (skipped with --no-twisted)");
    expect(r.stdout).to.include("| heap bytes per pending call |");
    expect(r.stderr).to.include("bench [1/1] memory");
    expect(r.stderr).not.to.include("wrote docs");
  });
});

describe("bench/child.ts: one benchmark in a process of its own", function () {
  this.timeout(60_000);

  function child(request: Record<string, unknown>): { status: number | null; stderr: string } {
    const r = spawnSync(
      process.execPath,
      ["--expose-gc", "-r", "ts-node/register/transpile-only", "bench/child.ts", JSON.stringify(request)],
      { cwd: root, env: plainEnv(), encoding: "utf8", timeout: 60_000 },
    );
    return { status: r.status, stderr: r.stderr };
  }

  it("writes the benchmark's result as JSON to the file it is given, progress to stderr", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-child-"));
    try {
      const resultFile = path.join(dir, "r.json");
      const r = child({ name: "clock", quick: true, python: "/usr/bin/python3", twisted: false, index: 2, count: 3, resultFile });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.include("bench [2/3] clock");
      const reply = JSON.parse(fs.readFileSync(resultFile, "utf8")) as { result?: { name: string; sections: unknown[] }; error?: string; twistedFailures: string[] };
      expect(reply.error).to.equal(undefined);
      expect(reply.result?.name).to.equal("Clock");
      expect(reply.result?.sections).to.not.be.empty;
      expect(reply.twistedFailures).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("two benchmarks of one run each report their own part, in order", () => {
    const r = bench("deferred", "clock", "--quick", "--no-twisted", "--no-write");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/bench \[1\/2\] deferred[\s\S]*bench \[2\/2\] clock/);
    expect(r.stdout.indexOf("## Deferred")).to.be.greaterThan(0);
    expect(r.stdout.indexOf("## Deferred")).to.be.lessThan(r.stdout.indexOf("## Clock"));
  });
});
