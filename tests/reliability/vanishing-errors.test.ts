/**
 * Issue 13, item 5: errors that vanished or killed the process. Unhandled Deferred failures are
 * reported when a reactor stops and at process exit (each once); under react, a stray rejected
 * Promise is logged and the program stops gracefully; EPIPE on stdout ends it quietly.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Deferred, fail } from "../../defer";
import { plainEnv } from "../helpers/child";
import { newReactor } from "../helpers/reactor";
import { collectGarbage } from "../helpers/gc";
import { flushLoggedErrors } from "../setup";

const ROOT = path.join(__dirname, "..", "..");
const CHILD = path.join(__dirname, "..", "fixtures", "react-child.ts");

class Lost extends Error {}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a scenario of react-child.ts; `closeStdoutEarly` closes the read end after the first chunk. */
function runScenario(scenario: string, closeStdoutEarly = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, scenario], {
      cwd: ROOT,
      env: plainEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    proc.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      if (closeStdoutEarly) proc.stdout.destroy();
    });
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe("errors that vanished (issue 13 item 5)", function () {
  this.timeout(30_000);

  it("a failure still unhandled when a reactor stops is reported then, once (not again on GC)", async () => {
    const held: { d?: Deferred<never> } = { d: fail(new Lost("still unhandled")) };
    const r = newReactor();
    r.callLater(0, () => r.stop());
    await r.run();
    const atStop = flushLoggedErrors(Lost);
    expect(atStop).to.have.length(1);
    expect(atStop[0].why).to.match(/^Unhandled error in Deferred/);
    expect(held.d?.called).to.equal(true); // still alive: reported by the stop, not by the collector
    delete held.d;
    await collectGarbage();
    expect(flushLoggedErrors(Lost)).to.have.length(0);
  });

  it("a failure handled before the stop is not reported", async () => {
    const d = fail(new Lost("handled"));
    d.addErrback(() => null);
    const r = newReactor();
    r.callLater(0, () => r.stop());
    await r.run();
    expect(flushLoggedErrors(Lost)).to.have.length(0);
  });

  it("a short react program: the unhandled failure is reported at the stop, once", async () => {
    const r = await runScenario("unhandled-at-stop");
    expect(r.signal).to.equal(null);
    expect(count(r.stderr, "Unhandled error in Deferred")).to.equal(1);
    expect(r.stderr).to.contain("no data");
    expect(r.code).to.equal(0); // the exit code stays as react decides
  });

  it("a stray rejected Promise under react: logged once, shutdown triggers run, exit 1", async () => {
    const r = await runScenario("stray-rejection");
    expect(r.signal).to.equal(null);
    expect(count(r.stderr, "stray rejection\n")).to.be.greaterThan(0);
    expect(count(r.stderr, "Unhandled rejected Promise")).to.equal(1);
    expect(r.stderr).to.not.contain("main function encountered error");
    expect(r.stderr).to.contain("shutdown triggers ran");
    expect(r.code).to.equal(1);
  });

  it("EPIPE on stdout (`| head -1`): a quiet end, shutdown triggers run, no crash", async () => {
    const r = await runScenario("spam", true);
    expect(r.signal).to.equal(null);
    expect(r.stderr).to.not.contain("EPIPE");
    expect(r.stderr).to.contain("shutdown triggers ran");
    expect(r.code).to.equal(0);
  });

  it("at process exit, what is still unhandled is reported once", async () => {
    const script = [
      `const { fail } = require(${JSON.stringify(path.join(ROOT, "defer"))});`,
      `globalThis.kept = fail(new Error("left at exit"));`,
    ].join("\n");
    const r = await new Promise<Outcome>((resolve) => {
      const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        cwd: ROOT,
        env: plainEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      proc.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      proc.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    expect(count(r.stderr, "Unhandled error in Deferred")).to.equal(1);
    expect(r.stderr).to.contain("left at exit");
    expect(r.code).to.equal(0);
  });
});
