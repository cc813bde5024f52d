// Ported from Twisted 22.4: twisted/test/test_process.py (ProcessProtocolTests, ProcessTests,
// PosixProcessBase, ClosingPipesTests, environment and childFDs), with /bin/sh and node.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { constants as osConstants } from "node:os";
import { expect } from "chai";
import { Deferred, type Failure } from "../../../defer";
import { reactor } from "../../../reactor";
import {
  ConnectionDone,
  ConnectionLost,
  ProcessDone,
  ProcessExitedAlready,
  ProcessProtocol,
  ProcessTerminated,
  type ProcessSignal,
} from "../../../net";
import { flushLoggedErrors } from "../../setup";

const SH = "/bin/sh";
const NODE = process.execPath;

class TrivialProcessProtocol extends ProcessProtocol {
  readonly outData: Buffer[] = [];
  readonly errData: Buffer[] = [];
  reason!: Failure;
  constructor(readonly deferred: Deferred<void>) {
    super();
  }
  override processEnded(reason: Failure): void {
    this.reason = reason;
    this.deferred.callback(undefined);
  }
  override outReceived(data: Buffer): void {
    this.outData.push(data);
  }
  override errReceived(data: Buffer): void {
    this.errData.push(data);
  }
}

describe("twisted ports: test_process.ProcessProtocolTests", () => {
  it("test_outReceived / test_errReceived", () => {
    const received: string[] = [];
    class P extends ProcessProtocol {
      override outReceived(data: Buffer): void {
        received.push(`out ${data.toString()}`);
      }
      override errReceived(data: Buffer): void {
        received.push(`err ${data.toString()}`);
      }
    }
    const p = new P();
    p.childDataReceived(1, Buffer.from("bytes"));
    p.childDataReceived(2, Buffer.from("bytes"));
    expect(received).to.deep.equal(["out bytes", "err bytes"]);
  });

  it("test_inConnectionLost / test_outConnectionLost / test_errConnectionLost", () => {
    const lost: string[] = [];
    class P extends ProcessProtocol {
      override inConnectionLost(): void {
        lost.push("in");
      }
      override outConnectionLost(): void {
        lost.push("out");
      }
      override errConnectionLost(): void {
        lost.push("err");
      }
    }
    const p = new P();
    p.childConnectionLost(0);
    p.childConnectionLost(1);
    p.childConnectionLost(2);
    expect(lost).to.deep.equal(["in", "out", "err"]);
  });
});

/** process_tester.py in sh: read 4 bytes, echo them to stdout and close it, the same on stderr, exit 23. */
const PROCESS_TESTER = [
  "b=$(dd bs=4 count=1 2>/dev/null)",
  'printf %s "$b"',
  "exec 1>&-",
  "b=$(dd bs=4 count=1 2>/dev/null)",
  'printf %s "$b" >&2',
  "exec 2>&-",
  "dd bs=4 count=1 >/dev/null 2>/dev/null",
  "exit 23",
].join("\n");

class TestProcessProtocol extends ProcessProtocol {
  stages: number[] = [];
  data = Buffer.alloc(0);
  err = Buffer.alloc(0);
  reason!: Failure;
  readonly deferred = new Deferred<void>();
  override connectionMade(): void {
    this.stages = [1];
    this.transport!.write("abcd");
  }
  override childDataReceived(childFD: number, data: Buffer): void {
    if (childFD === 1) this.data = Buffer.concat([this.data, data]);
    else if (childFD === 2) this.err = Buffer.concat([this.err, data]);
  }
  override childConnectionLost(childFD: number): void {
    if (childFD === 1) {
      this.stages.push(2);
      if (this.data.toString() !== "abcd") throw new Error(`Data was ${this.data.toString()} instead of 'abcd'`);
      this.transport!.write("1234");
    } else if (childFD === 2) {
      this.stages.push(3);
      if (this.err.toString() !== "1234") throw new Error(`Err was ${this.err.toString()} instead of '1234'`);
      this.transport!.write("abcd");
      this.stages.push(4);
    } else if (childFD === 0) {
      this.stages.push(5);
    }
  }
  override processEnded(reason: Failure): void {
    this.reason = reason;
    this.deferred.callback(undefined);
  }
}

describe("twisted ports: test_process.ProcessTests", () => {
  it("test_process: stages, exit code 23, then ProcessExitedAlready", async () => {
    const p = new TestProcessProtocol();
    reactor.spawnProcess(p, SH, [SH, "-c", PROCESS_TESTER], { env: null });
    await p.deferred;
    expect(p.stages).to.deep.equal([1, 2, 3, 4, 5]);
    p.reason.trap(ProcessTerminated);
    expect((p.reason.value as ProcessTerminated).exitCode).to.equal(23);
    expect(() => p.transport!.signalProcess("INT")).to.throw(ProcessExitedAlready);
  });

  it("test_unsetPid", async () => {
    const finished = new Deferred<void>();
    const p = new TrivialProcessProtocol(finished);
    const procTrans = reactor.spawnProcess(p, "/bin/cat", ["cat"], { env: null });
    expect(procTrans.pid).to.be.a("number").and.greaterThan(0);
    p.transport!.closeStdin();
    await finished;
    expect(procTrans.pid).to.equal(null);
  });

  it("test_echo", async () => {
    const finished = new Deferred<void>();
    const n = 10;
    const s = "1234567890".repeat(100);
    class EchoProtocol extends ProcessProtocol {
      buffer = "";
      override connectionMade(): void {
        for (let i = 0; i < n; i++) this.transport!.write(s);
      }
      override outReceived(data: Buffer): void {
        this.buffer += data.toString();
        if (this.buffer.length === s.length * n) this.transport!.closeStdin();
      }
      override processEnded(): void {
        finished.callback(undefined);
      }
    }
    const p = new EchoProtocol();
    reactor.spawnProcess(p, "/bin/cat", ["cat"], { env: null });
    await finished;
    expect(p.buffer.length).to.equal(s.length * n);
  });

  it("test_commandLine: arguments arrive unchanged", async () => {
    const args = ['a\\"b ', "a\\b ", ' a\\\\"b', " a\\\\b", '"foo bar" "', "\tab", '"\\', 'a"b', "a'b"];
    const finished = new Deferred<void>();
    const p = new TrivialProcessProtocol(finished);
    reactor.spawnProcess(p, NODE, [NODE, "-e", "for (const a of process.argv.slice(1)) console.log(a)", ...args], { env: null });
    await finished;
    expect(Buffer.concat(p.errData).toString()).to.equal("");
    expect(Buffer.concat(p.outData).toString().split("\n").slice(0, -1)).to.deep.equal(args);
  });

  it("GetArgumentVector: argv[0] is args[0]", async () => {
    const finished = new Deferred<void>();
    const p = new TrivialProcessProtocol(finished);
    reactor.spawnProcess(p, SH, ["my-sh", "-c", 'printf %s "$0"'], { env: null });
    await finished;
    expect(Buffer.concat(p.outData).toString()).to.equal("my-sh");
  });

  describe("environment (GetEnvironmentDictionary)", () => {
    const getenv = async (env: Record<string, string> | null | undefined): Promise<Record<string, string>> => {
      const finished = new Deferred<void>();
      const p = new TrivialProcessProtocol(finished);
      const options = env === undefined ? {} : { env };
      reactor.spawnProcess(p, NODE, [NODE, "-e", "process.stdout.write(JSON.stringify(process.env))"], options);
      await finished;
      return JSON.parse(Buffer.concat(p.outData).toString()) as Record<string, string>;
    };
    it("env given: exactly that environment", async () => {
      const env = await getenv({ FOO: "bar", "Z\u00e9": "\u00e9" });
      expect(env["FOO"]).to.equal("bar");
      expect(env["Z\u00e9"]).to.equal("\u00e9");
      expect(env["PATH"]).to.equal(undefined);
    });
    it("env omitted: empty (Twisted's POSIX default)", async () => {
      const env = await getenv(undefined);
      expect(env["PATH"]).to.equal(undefined);
    });
    it("env null: inherits os.environ", async () => {
      const env = await getenv(null);
      expect(env["PATH"]).to.equal(process.env["PATH"]);
    });
  });
});

describe("twisted ports: test_process.PosixProcessBase", () => {
  it("test_normalTermination", async () => {
    const d = new Deferred<void>();
    const p = new TrivialProcessProtocol(d);
    reactor.spawnProcess(p, "/bin/true", ["true"], { env: null });
    await d;
    p.reason.trap(ProcessDone);
    expect((p.reason.value as ProcessDone).exitCode).to.equal(0);
    expect((p.reason.value as ProcessDone).signal).to.equal(null);
    expect(p.reason.value).to.be.instanceOf(ConnectionDone);
    expect((p.reason.value as ProcessDone).status).to.equal(0);
  });

  it("test_abnormalTermination", async () => {
    const d = new Deferred<void>();
    const p = new TrivialProcessProtocol(d);
    reactor.spawnProcess(p, SH, [SH, "-c", "exit 1"], { env: null });
    await d;
    p.reason.trap(ProcessTerminated);
    const v = p.reason.value as ProcessTerminated;
    expect(v.exitCode).to.equal(1);
    expect(v.signal).to.equal(null);
    expect(v.status).to.equal(256);
    expect(v).to.be.instanceOf(ConnectionLost);
    expect(v.message).to.equal("A process has ended with a probable error condition: process ended with exit code 1.");
  });

  for (const sig of ["HUP", "INT", "KILL", "TERM"] as const) {
    it(`test_signal${sig}`, async () => {
      const d = new Deferred<void>();
      class SignalProtocol extends ProcessProtocol {
        signaled = false;
        override outReceived(): void {
          if (!this.signaled) {
            this.signaled = true;
            this.transport!.signalProcess(sig);
          }
        }
        override processEnded(reason: Failure): void {
          if (!reason.check(ProcessTerminated)) return d.errback(new Error(`wrong termination: ${String(reason)}`));
          const v = reason.value as ProcessTerminated;
          if (v.exitCode !== null) return d.errback(new Error(`SIG${sig}: exitCode is ${v.exitCode}, not None`));
          if (v.signal !== `SIG${sig}`) return d.errback(new Error(`SIG${sig}: .signal was ${v.signal}`));
          // os.WTERMSIG(status)
          if (((v.status ?? 0) & 0x7f) !== osConstants.signals[`SIG${sig}`]) return d.errback(new Error(`status ${v.status}`));
          d.callback(undefined);
        }
      }
      // process_signal.py: restore the default handler, say "ok", wait.
      reactor.spawnProcess(new SignalProtocol(), SH, [SH, "-c", `trap - ${sig}; echo ok; exec sleep 10`], { env: null });
      await d;
    });
  }

  it("signalProcess with a number, and a bad signal name", async () => {
    const d = new Deferred<void>();
    const p = new TrivialProcessProtocol(d);
    const t = reactor.spawnProcess(p, "/bin/sleep", ["sleep", "10"], { env: null });
    expect(() => t.signalProcess("NOPE" as ProcessSignal)).to.throw(TypeError);
    t.signalProcess(osConstants.signals.SIGTERM);
    await d;
    expect((p.reason.value as ProcessTerminated).signal).to.equal("SIGTERM");
    expect(() => t.signalProcess("KILL")).to.throw(ProcessExitedAlready);
  });

  it("test_executionError: a program that cannot run ends as ProcessTerminated", async () => {
    const d = new Deferred<void>();
    const p = new TrivialProcessProtocol(d);
    reactor.spawnProcess(p, "/nonexistent/program", ["program"], { env: null });
    await d;
    p.reason.trap(ProcessTerminated);
  });

  it("test_errorInProcessEnded: the error is logged", async () => {
    const ended = new Deferred<void>();
    const connected = new Deferred<number>();
    class ErrorInProcessEnded extends ProcessProtocol {
      override makeConnection(transport: Parameters<ProcessProtocol["makeConnection"]>[0]): void {
        super.makeConnection(transport);
        connected.callback(this.transport!.pid!);
      }
      override processEnded(): void {
        setImmediate(() => ended.callback(undefined));
        throw new RangeError("Deliberate error");
      }
    }
    const p = new ErrorInProcessEnded();
    reactor.spawnProcess(p, "/bin/cat", ["cat"], { env: null });
    await connected;
    p.transport!.loseConnection();
    await ended;
    expect(flushLoggedErrors(RangeError)).to.have.length(1);
  });
});

describe("twisted ports: test_process.ClosingPipesTests", () => {
  const doit = async (fd: 1 | 2): Promise<string> => {
    const d = new Deferred<Failure>();
    let output = "";
    let errput = "";
    class P extends ProcessProtocol {
      override processEnded(reason: Failure): void {
        d.callback(reason);
      }
      override outReceived(data: Buffer): void {
        output += data.toString();
      }
      override errReceived(data: Buffer): void {
        errput += data.toString();
      }
    }
    const p = new P();
    const script = `read line; i=0; while [ $i -lt 100 ]; do echo foo >&${fd} || exit 3; i=$((i+1)); sleep 0.01; done; exit 42`;
    reactor.spawnProcess(p, SH, [SH, "-c", script], { env: null });
    if (fd === 1) p.transport!.closeStdout();
    else p.transport!.closeStderr();
    p.transport!.write("go\n");
    p.transport!.closeStdin();
    // A Failure given to callback() fails the Deferred, as Twisted's (the test's assertFailure).
    const e = await d.then(
      () => null,
      (f: unknown) => f,
    );
    expect(e).to.be.instanceOf(ProcessTerminated);
    // sh dies of SIGPIPE (Python ignores it and raises BrokenPipeError); never reaches exit 42.
    expect((e as ProcessTerminated).exitCode).to.not.equal(42);
    expect(output).to.equal("");
    return errput;
  };
  it("test_stdout", async () => {
    await doit(1);
  });
  it("test_stderr", async () => {
    expect(await doit(2)).to.equal("");
  });
});

describe("twisted ports: test_process.FDTests (childFDs)", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "tw-fd-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("test_FD: extra pipes both ways, childDataReceived/childConnectionLost per fd", async () => {
    const d = new Deferred<void>();
    const calls: string[] = [];
    let got = "";
    class FDChecker extends ProcessProtocol {
      override connectionMade(): void {
        this.transport!.writeToChild(0, "abcd");
        this.transport!.closeChildFD(0);
      }
      override childDataReceived(fd: number, data: Buffer): void {
        calls.push(`data ${fd}`);
        got += data.toString();
      }
      override childConnectionLost(fd: number): void {
        calls.push(`lost ${fd}`);
      }
      override processEnded(reason: Failure): void {
        calls.push(`ended ${reason.type!.name}`);
        d.callback(undefined);
      }
    }
    // fd 0 written by the parent, fd 3 read by the parent; 1 and 2 not passed.
    reactor.spawnProcess(new FDChecker(), SH, [SH, "-c", "cat >&3"], { env: null, childFDs: { 0: "w", 3: "r" } });
    await d;
    expect(got).to.equal("abcd");
    expect(calls.filter((c) => c.startsWith("data")).every((c) => c === "data 3")).to.equal(true);
    expect(calls).to.include.members(["lost 0", "lost 3"]);
    expect(calls[calls.length - 1]).to.equal("ended ProcessDone");
  });

  it("test_linger: output written after stdout's parent end... arrives before processEnded", async () => {
    const d = new Deferred<void>();
    const p = new TrivialProcessProtocol(d);
    reactor.spawnProcess(p, SH, [SH, "-c", "echo here is some text; sleep 0.1; echo goodbye"], {
      env: null,
      childFDs: { 1: "r", 2: 2 },
    });
    await d;
    expect(Buffer.concat(p.outData).toString()).to.equal("here is some text\ngoodbye\n");
  });
});
