/**
 * `reactor.stop()` closes what the reactor opened, seen from outside: a `react(main)` server
 * stopped by SIGINT exits with code 130, its protocols having seen connectionLost, and nothing
 * keeps the process alive.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { plainEnv } from "../helpers/child";

const CHILD = path.join(__dirname, "..", "fixtures", "net-server-child.ts");

describe("net: reactor shutdown closes ports and connections (child process)", function () {
  this.timeout(30_000);

  it("a react(main) server exits 130 on SIGINT, its protocols told ConnectionLost", async () => {
    const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD], {
      cwd: path.join(__dirname, "..", ".."),
      env: plainEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on("close", (code) => resolve(code)));
    const guard = setTimeout(() => proc.kill("SIGKILL"), 25_000);
    let client: net.Socket | undefined;
    const clientClosed = new Promise<void>((resolve) => {
      proc.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        const m = /port (\d+)\n/.exec(stdout);
        if (m !== null && client === undefined) {
          client = net.connect(Number(m[1]), "127.0.0.1");
          client.on("error", () => {});
          client.on("close", () => resolve());
        }
        if (stdout.includes("made\n") && !stdout.includes("lost") && proc.exitCode === null && !signalled) {
          signalled = true;
          proc.kill("SIGINT");
        }
      });
    });
    let signalled = false;
    const code = await exited;
    clearTimeout(guard);
    await clientClosed;
    expect(code, stderr).to.equal(130);
    expect(stdout).to.match(/made\nlost ConnectionLost\n/);
  });
});
