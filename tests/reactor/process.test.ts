import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { plainEnv } from "../helpers/child";

const CHILD = path.join(__dirname, "..", "fixtures", "reactor-child.ts");

interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor: (text: string) => Promise<void>;
}

/** Starts the fixture program under ts-node with `scenario`. */
function startChild(scenario: string): Child {
  const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, scenario], {
    cwd: path.join(__dirname, "..", ".."),
    env: plainEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: Array<() => void> = [];
  proc.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (text: string): Promise<void> => {
    while (!out.includes(text)) {
      if (proc.exitCode !== null) throw new Error(`child exited before printing ${text}: ${out}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { proc, output: () => out, exited, waitFor };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref()),
  ]);
}

describe("Reactor: process level (child processes)", function () {
  this.timeout(30_000);

  it("an idle running reactor keeps the process alive", async () => {
    const child = startChild("idle");
    try {
      await withTimeout(child.waitFor("ready"), 20_000, "ready");
      const early = await Promise.race([
        child.exited.then(() => "exited"),
        new Promise((resolve) => setTimeout(() => resolve("alive"), 300)),
      ]);
      expect(early).to.equal("alive");
    } finally {
      child.proc.kill("SIGKILL");
      await child.exited;
    }
  });

  it("a stopped reactor lets the process exit by itself with code 0", async () => {
    const child = startChild("stop");
    const { code } = await withTimeout(child.exited, 20_000, "exit");
    expect(code, child.output()).to.equal(0);
    expect(child.output()).to.include("stopped normally");
  });

  it("calls still pending after the stop do not keep the process alive", async () => {
    const child = startChild("pending");
    const { code } = await withTimeout(child.exited, 20_000, "exit");
    expect(code, child.output()).to.equal(0);
    expect(child.output()).not.to.include("never");
  });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal} runs the before-shutdown triggers, stops the reactor and the process exits`, async () => {
      const child = startChild("signal");
      await withTimeout(child.waitFor("ready"), 20_000, "ready");
      child.proc.kill(signal);
      const { code } = await withTimeout(child.exited, 20_000, "exit");
      expect(code, child.output()).to.equal(0);
      expect(child.output()).to.include("before shutdown");
      expect(child.output()).to.include(`stopped ${signal}`);
    });
  }

  it("a second SIGINT during a slow shutdown ends it at once", async () => {
    const child = startChild("slow-stop");
    await withTimeout(child.waitFor("ready"), 20_000, "ready");
    child.proc.kill("SIGINT");
    await withTimeout(child.waitFor("before shutdown"), 20_000, "before shutdown");
    child.proc.kill("SIGINT");
    const { code } = await withTimeout(child.exited, 20_000, "exit");
    expect(code, child.output()).to.equal(0);
    expect(child.output()).to.include("stopped SIGINT");
  });
});
