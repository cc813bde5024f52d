/**
 * Process-level tests of the hangs of issue 13: each scenario runs in a child process
 * (tests/fixtures/hang-child.ts) killed after a timeout, so a spin or a hang fails the test
 * instead of the suite.
 */
import { expect } from "chai";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { plainEnv, runChild } from "../helpers/child";

const CHILD = path.join(__dirname, "..", "fixtures", "hang-child.ts");
const ROOT = path.join(__dirname, "..", "..");

function run(...args: string[]): ReturnType<typeof runChild> {
  return runChild(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, ...args], {
    cwd: ROOT,
    timeoutMs: 20_000,
  });
}

describe("hangs (process level)", function () {
  this.timeout(30_000);

  it("a Deferred failing near the stack limit returns (no spin in the callback loop)", async () => {
    const r = await run("errback-at-stack-limit");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.equal("returned\n");
  });

  it("a failed Deferred at every stack position near the limit returns (the walk's bookkeeping is not retried)", async () => {
    const r = await run("errback-across-stack-limit");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.equal("returned\n");
  });

  it("a failing inlineCallbacks recursion started at every stack position near the limit returns", async () => {
    const r = await run("inline-recursion-across-stack-limit");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.equal("returned\n");
  });

  it("a callback throwing near the stack limit returns; the failure is reported at exit", async () => {
    const r = await run("callback-at-stack-limit");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.equal("returned\n");
  });

  it("inlineCallbacks generators 1,400 deep, resumed from a delayed call, finish", async () => {
    const r = await run("inline-deep", "1400");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.equal("result 1400\n");
    expect(r.code).to.equal(0);
  });

  it("inlineCallbacks generators too deep for the stack fail with a RangeError, never hang", async () => {
    const r = await run("inline-deep", "20000");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.match(/^result .*RangeError/);
  });

  it("chainDeferred 2,000 and 100,000 deep: the last Deferred fires", async () => {
    for (const n of ["2000", "100000"]) {
      const r = await run("chain-deferred", n);
      expect(r.signal, r.stderr).to.equal(null);
      expect(r.stdout).to.equal("last 5\n");
    }
  });

  it("cancel() of a 10,000-deep chain of returned Deferreds reaches the leaf's canceller", async () => {
    const r = await run("cancel-deep", "10000");
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.stdout).to.equal("cancelled true failed\n");
  });
});

describe("hangs (process level): signals still stop the program", function () {
  this.timeout(30_000);

  it("after an inlineCallbacks recursion failing near the stack limit, SIGINT ends it with 130", async () => {
    const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
      const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, "inline-recursion-then-signal"], {
        cwd: ROOT,
        env: plainEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
      proc.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes("ready")) proc.kill("SIGINT");
      });
      proc.on("close", (code, signal) => {
        clearTimeout(killer);
        resolve({ code, signal, stdout, stderr });
      });
    });
    expect(result.signal, result.stderr.slice(0, 2000)).to.equal(null);
    expect(result.stdout).to.equal("ready\n");
    expect(result.code).to.equal(130);
  });
});
