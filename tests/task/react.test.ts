import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { Deferred, fail, succeed } from "../../defer";
import type { Reactor } from "../../reactor";
import { SystemExit, react } from "../../task";
import { newReactor } from "../helpers/reactor";
import { flushLoggedErrors } from "../setup";
import { plainEnv } from "../helpers/child";

class MainError extends Error {}

/** Runs react on a fresh reactor, recording exit calls; returns [resolved code, exit calls]. */
async function runReact(main: (r: Reactor, ...argv: string[]) => unknown, argv: string[] = []): Promise<[number, number[], Reactor]> {
  const r = newReactor();
  const exits: number[] = [];
  const code = await react(main, argv, { reactor: r, exit: (c) => exits.push(c) });
  return [code, exits, r];
}

describe("react", () => {
  it("runs until main's asynchronous result fires, then stops the reactor: code 0", async () => {
    let stopped = false;
    const [code, exits, r] = await runReact((reactor) => {
      reactor.addSystemEventTrigger("after", "shutdown", () => (stopped = true));
      const d = new Deferred<null>();
      reactor.callLater(0.005, () => d.callback(null));
      return d;
    });
    expect(code).to.equal(0);
    expect(exits).to.deep.equal([0]);
    expect(stopped).to.equal(true);
    expect(r.running).to.equal(false);
  });

  it("a synchronous result: the reactor still starts, then stops", async () => {
    let started = false;
    const [code, exits] = await runReact((reactor) => {
      reactor.callWhenRunning(() => (started = true));
      return succeed("now");
    });
    expect(started).to.equal(true);
    expect([code, exits]).to.deep.equal([0, [0]]);
  });

  it("a plain value and a Promise work as results", async () => {
    expect((await runReact(() => 42))[0]).to.equal(0);
    expect((await runReact(async () => "later"))[0]).to.equal(0);
  });

  it("an asynchronous failure: logged with log.err, code 1", async () => {
    const [code, exits] = await runReact((reactor) => {
      const d = new Deferred<null>();
      reactor.callLater(0.005, () => d.errback(new MainError("async")));
      return d;
    });
    expect([code, exits]).to.deep.equal([1, [1]]);
    const logged = flushLoggedErrors(MainError);
    expect(logged).to.have.length(1);
    expect(logged[0].why).to.equal("main function encountered error");
  });

  it("a synchronous failure or a throw from main: logged, code 1", async () => {
    expect((await runReact(() => fail(new MainError("sync"))))[0]).to.equal(1);
    expect(
      (
        await runReact(() => {
          throw new MainError("thrown");
        })
      )[0],
    ).to.equal(1);
    expect(flushLoggedErrors(MainError)).to.have.length(2);
  });

  it("a rejected Promise from an async main: logged, code 1", async () => {
    expect(
      (
        await runReact(async () => {
          throw new MainError("rejected");
        })
      )[0],
    ).to.equal(1);
    expect(flushLoggedErrors(MainError)).to.have.length(1);
  });

  it("SystemExit(code) gives that code and is not logged", async () => {
    const [code, exits] = await runReact(() => fail(new SystemExit(7)));
    expect([code, exits]).to.deep.equal([7, [7]]);
    expect(flushLoggedErrors()).to.have.length(0);
  });

  it("passes argv after the reactor", async () => {
    let seen: unknown[] = [];
    await runReact((reactor, ...argv) => {
      seen = [reactor !== undefined, ...argv];
      return null;
    }, ["a", "b"]);
    expect(seen).to.deep.equal([true, "a", "b"]);
  });

  it("stops the reactor exactly once, even when main stops it itself first", async () => {
    let shutdowns = 0;
    const [code] = await runReact((reactor) => {
      reactor.addSystemEventTrigger("before", "shutdown", () => shutdowns++);
      const d = new Deferred<null>();
      reactor.callLater(0.001, () => {
        reactor.stop();
        d.callback(null); // fires while the shutdown is under way: react must not stop again
      });
      return d;
    });
    expect(code).to.equal(0);
    expect(shutdowns).to.equal(1);
  });

  it("main's result settling during the shutdown (a before-shutdown trigger) does not stop again", async () => {
    const [code] = await runReact((reactor) => {
      const d = new Deferred<null>();
      reactor.addSystemEventTrigger("before", "shutdown", () => d.callback(null));
      reactor.callLater(0.001, () => reactor.stop());
      return d;
    });
    expect(code).to.equal(0);
  });

  it("a failure while the reactor is being stopped by someone else still sets the code", async () => {
    const [code] = await runReact((reactor) => {
      const d = new Deferred<null>();
      reactor.addSystemEventTrigger("before", "shutdown", () => d.errback(new MainError("late")));
      reactor.callLater(0.001, () => reactor.stop());
      return d;
    });
    expect(code).to.equal(1);
    expect(flushLoggedErrors(MainError)).to.have.length(1);
  });

  it("uses the global reactor by default (checked in a child process below)", () => {
    expect(react).to.be.a("function");
  });
});

const CHILD = path.join(__dirname, "..", "fixtures", "react-child.ts");

function runChild(
  scenario: string,
  onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", CHILD, scenario], {
      cwd: path.join(__dirname, "..", ".."),
      env: plainEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout, (s) => proc.kill(s));
    });
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("react: process exit codes (child processes)", function () {
  this.timeout(30_000);

  it("exits 0 when main succeeds", async () => {
    const r = await runChild("ok");
    expect(r.code, r.stderr).to.equal(0);
  });

  it("exits 1 and prints the error when main fails (asynchronously or at once)", async () => {
    for (const scenario of ["fail", "sync-throw"]) {
      const r = await runChild(scenario);
      expect(r.code, scenario).to.equal(1);
      expect(r.stderr).to.match(/main function encountered error/);
    }
  });

  it("exits with SystemExit's code, printing nothing", async () => {
    const r = await runChild("system-exit");
    expect(r.code).to.equal(3);
    expect(r.stderr).to.equal("");
  });

  for (const [signal, expected] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`exits ${expected} when ${signal} stops the reactor before main settles`, async () => {
      let sent = false;
      const r = await runChild("wait", (out, kill) => {
        if (!sent && out.includes("ready")) {
          sent = true;
          kill(signal);
        }
      });
      expect(r.code, r.stderr).to.equal(expected);
    });
  }

  it("writes all buffered output (1 MiB to a pipe) before exiting", async () => {
    const r = await runChild("big-output");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.length).to.equal(1024 * 1024);
  });
});
