/**
 * `twisted-ts run --workers N`, run as a child process from the installed layout (see
 * helpers/package.ts), with small JavaScript fixtures.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { plainEnv, runChild, type ChildResult } from "../helpers/child";
import { installPackage, type InstalledPackage } from "../helpers/package";

const REPO = path.join(__dirname, "..", "..");
const FIXTURES = path.join(__dirname, "..", "fixtures", "cli");

describe("twisted-ts run --workers N", function () {
  this.timeout(60_000);
  let pkg: InstalledPackage;
  const run = (...args: string[]): Promise<ChildResult> => runChild(process.execPath, [pkg.bin, ...args], { cwd: REPO, timeoutMs: 45_000 });

  before(() => {
    pkg = installPackage();
  });
  after(() => pkg?.remove());

  it("runs N copies of the program in workers and exits 0 when they all succeed", async () => {
    const r = await run("run", "--workers", "3", path.join(FIXTURES, "workers-hello.js"));
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).to.deep.equal(["worker 1 ran", "worker 2 ran", "worker 3 ran"]);
  });

  it("--workers=N and -w N are the same option; a bad count is a usage error", async () => {
    const r = await run("run", "--workers=2", path.join(FIXTURES, "workers-hello.js"));
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim().split("\n")).to.have.length(2);
    const w = await run("run", "-w", "1", path.join(FIXTURES, "workers-hello.js"));
    expect(w.stdout).to.equal("worker 1 ran\n");
    for (const bad of ["0", "x", "1.5"]) {
      const b = await run("run", "--workers", bad, path.join(FIXTURES, "workers-hello.js"));
      expect(b.code).to.equal(2);
      expect(b.stderr).to.contain("--workers");
    }
  });

  it("restarts a worker that dies", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-workers-"));
    try {
      const r = await run("run", "--workers", "1", path.join(FIXTURES, "workers-restart.js"), dir);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal("restarted after a crash\n");
      expect(r.stderr).to.match(/ended with SIGKILL; restarting it/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives up on a worker that keeps failing at start-up, exiting with its code", async () => {
    const r = await run("run", "--workers", "1", path.join(FIXTURES, "workers-fail.js"));
    expect(r.code).to.equal(3);
    expect(r.stderr.match(/restarting it/g)).to.have.length(2);
    expect(r.stderr).to.contain("3 times in a row");
  });

  it("the workers share a listening port; SIGTERM is passed on and the command exits with their code", async () => {
    const child = spawn(process.execPath, [pkg.bin, "run", "--workers", "2", path.join(FIXTURES, "workers-serve.js")], {
      cwd: REPO,
      env: plainEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    try {
      const listening = await new Promise<string[]>((resolve) => {
        child.stdout.on("data", (c: Buffer) => {
          stdout += c.toString();
          const lines = stdout.split("\n").filter((l) => l.startsWith("listening"));
          if (lines.length === 2) resolve(lines);
        });
      });
      const ports = listening.map((l) => l.split(" ")[1]);
      const pids = listening.map((l) => l.split(" ")[2]);
      expect(ports[0]).to.equal(ports[1]);
      expect(pids[0]).to.not.equal(pids[1]);
      // Connections are answered by the workers (which one is up to the cluster's scheduling).
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          new Promise<string>((resolve, reject) => {
            const s = net.connect(Number(ports[0]), "127.0.0.1");
            let data = "";
            s.on("data", (c: Buffer) => (data += c.toString()));
            s.on("end", () => resolve(data.trim()));
            s.on("error", reject);
          }),
        ),
      );
      for (const a of answers) expect(pids).to.include(a);
      child.kill("SIGTERM");
      expect(await exited, stderr).to.equal(143);
    } finally {
      clearTimeout(killer);
      child.kill("SIGKILL");
    }
  });
});
