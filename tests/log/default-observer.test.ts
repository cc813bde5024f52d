import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Failure } from "../../core/failure";
import {
  addObserver,
  defaultObserver,
  err,
  isObserving,
  Logger,
  msg,
  removeObserver,
  type LogEvent,
  type LogLevel,
} from "../../log";
import { flushLoggedErrors } from "../setup";
import { plainEnv } from "../helpers/child";


/** Runs `fn` with process.stderr.write replaced, and returns what was written. */
function captureStderr(fn: () => void): string {
  const chunks: string[] = [];
  const original = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    process.stderr.write = original;
  }
  return chunks.join("");
}

function event(level: LogLevel, extra: Partial<LogEvent> = {}): LogEvent {
  // 2021-01-02T03:04:05.678Z
  return { time: 1609556645.678, level, message: `a ${level} event`, isError: false, ...extra };
}

describe("log defaultObserver", () => {
  // These tests log errors on purpose and check them with their own observers.
  afterEach(() => {
    flushLoggedErrors();
  });

  describe("called directly", () => {
    for (const level of ["warn", "error", "critical"] as const) {
      it(`writes a ${level} event as one line`, () => {
        const out = captureStderr(() => defaultObserver(event(level, { namespace: "sched" })));
        expect(out).to.equal(`2021-01-02T03:04:05.678Z [sched#${level}] a ${level} event\n`);
      });
    }

    for (const level of ["debug", "info"] as const) {
      it(`ignores a ${level} event`, () => {
        expect(captureStderr(() => defaultObserver(event(level, { namespace: "sched" })))).to.equal("");
      });
    }

    it("writes - when the event has no namespace", () => {
      expect(captureStderr(() => defaultObserver(event("warn")))).to.equal(
        "2021-01-02T03:04:05.678Z [-#warn] a warn event\n",
      );
    });

    it("writes the failure's traceback, indented, below the line", () => {
      const boom = new Error("boom");
      const failure = new Failure(boom);
      const out = captureStderr(() => defaultObserver(event("error", { isError: true, failure })));
      const lines = out.split("\n");
      expect(lines[0]).to.equal("2021-01-02T03:04:05.678Z [-#error] a error event");
      expect(lines[1]).to.equal("    Traceback (failure): Error: boom");
      const tracebackLines = failure.getTraceback().trimEnd().split("\n");
      expect(lines.slice(1, -1)).to.deep.equal(tracebackLines.map((l) => `    ${l}`));
      expect(out.endsWith("\n")).to.equal(true);
      expect(out).to.contain("default-observer.test.ts"); // the stack of `boom`
    });

    it("never throws: not when stderr.write throws, nor when the traceback cannot be made", () => {
      const original = process.stderr.write;
      process.stderr.write = (() => {
        throw new Error("EPIPE");
      });
      try {
        expect(() => defaultObserver(event("critical"))).not.to.throw();
      } finally {
        process.stderr.write = original;
      }

      const broken = {
        getTraceback(): string {
          throw new Error("no traceback");
        },
      } as unknown as Failure;
      let out = "";
      expect(() => {
        out = captureStderr(() => defaultObserver(event("error", { failure: broken })));
      }).not.to.throw();
      expect(out).to.contain("[-#error] a error event\n");
    });

    it("shows a time that is not a valid date as a number instead of failing", () => {
      const out = captureStderr(() => defaultObserver(event("warn", { time: Number.NaN })));
      expect(out).to.equal("NaN [-#warn] a warn event\n");
    });
  });

  describe("registered with the publisher", () => {
    let wasObserving = false;

    beforeEach(() => {
      wasObserving = isObserving(defaultObserver);
      addObserver(defaultObserver);
    });
    afterEach(() => {
      if (!wasObserving) removeObserver(defaultObserver);
      else addObserver(defaultObserver);
    });

    it("prints err() with its why and traceback, but not msg() or Logger.info()", () => {
      const out = captureStderr(() => {
        msg("quiet");
        new Logger("ns").info("quiet too");
        new Logger("ns").debug("quieter");
        err(new Error("loud"), "while testing");
        new Logger("ns").warn("careful");
      });
      const lines = out.split("\n");
      expect(lines[0]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[-#error\] while testing$/);
      expect(lines[1]).to.equal("    Traceback (failure): Error: loud");
      expect(out).not.to.contain("quiet");
      expect(lines.filter((l) => l.includes("[ns#warn] careful"))).to.have.length(1);
    });

    it("prints a bare err()'s error once: 'Unhandled Error', then the traceback", () => {
      const out = captureStderr(() => err(new Error("only once")));
      const lines = out.split("\n");
      expect(lines[0]).to.match(/\[-#error\] Unhandled Error$/);
      expect(lines[1]).to.equal("    Traceback (failure): Error: only once");
      expect(out.match(/only once/g)).to.have.length(1);
    });

    it("prints a Logger's formatted text", () => {
      const out = captureStderr(() => new Logger("ns").warn("{n} left", { n: 3 }));
      expect(out).to.match(/\[ns#warn\] 3 left\n$/);
    });

    it("is silenced by removeObserver(defaultObserver)", () => {
      removeObserver(defaultObserver);
      expect(isObserving(defaultObserver)).to.equal(false);
      expect(captureStderr(() => err(new Error("unheard")))).to.equal("");
    });
  });

  describe("at start-up", function () {
    this.timeout(30000);
    const root = path.resolve(__dirname, "..", "..");

    function run(script: string): { stdout: string; stderr: string } {
      const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        cwd: root,
        env: plainEnv(),
        encoding: "utf8",
      });
      expect(result.status, result.stderr).to.equal(0);
      return { stdout: result.stdout, stderr: result.stderr };
    }

    it("is registered when the log module loads, and prints errors to stderr", () => {
      const { stdout, stderr } = run(`
        const log = require("./log");
        console.log(log.isObserving(log.defaultObserver));
        log.msg("not printed");
        log.err(new Error("boom"), "at start-up");
      `);
      expect(stdout.trim()).to.equal("true");
      expect(stderr).to.match(/\[-#error\] at start-up\n {4}Traceback \(failure\): Error: boom\n/);
      expect(stderr).not.to.contain("not printed");
    });

    it("prints nothing once removed", () => {
      const { stderr } = run(`
        const log = require("./log");
        log.removeObserver(log.defaultObserver);
        log.err(new Error("boom"), "unheard");
      `);
      expect(stderr).not.to.contain("unheard");
    });
  });
});
