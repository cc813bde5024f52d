import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { Failure } from "../../defer";
import type { Reactor } from "../../reactor";
import { ProcessDone, ProcessExitedAlready, ProcessTerminated } from "../../net";
import { ProcessProtocol, type IProcessTransport } from "../../net/process-protocol";
import "../../net/process";
import { getProcessOutput, getProcessOutputAndValue, getProcessValue, IOError } from "../../net/process-utils";
import { flushLoggedErrors } from "../setup";
import { newReactor, runReactor } from "../helpers/reactor";

/** Records every call, in order; `ended` resolves with processEnded's reason. */
class Recorder extends ProcessProtocol {
  readonly calls: string[] = [];
  readonly data = new Map<number, Buffer[]>();
  exitedReason: Failure | null = null;
  endedReason: Failure | null = null;
  readonly ended: Promise<Failure>;
  #resolve!: (f: Failure) => void;
  constructor() {
    super();
    this.ended = new Promise((resolve) => (this.#resolve = resolve));
  }
  override connectionMade(): void {
    this.calls.push("connectionMade");
  }
  override childDataReceived(fd: number, data: Buffer): void {
    const list = this.data.get(fd) ?? [];
    list.push(data);
    this.data.set(fd, list);
    super.childDataReceived(fd, data);
  }
  output(fd = 1): string {
    return Buffer.concat(this.data.get(fd) ?? []).toString();
  }
  override inConnectionLost(): void {
    this.calls.push("inConnectionLost");
  }
  override outConnectionLost(): void {
    this.calls.push("outConnectionLost");
  }
  override errConnectionLost(): void {
    this.calls.push("errConnectionLost");
  }
  override childConnectionLost(fd: number): void {
    if (fd > 2) this.calls.push(`childConnectionLost(${fd})`);
    super.childConnectionLost(fd);
  }
  override processExited(reason: Failure): void {
    this.calls.push("processExited");
    this.exitedReason = reason;
  }
  override processEnded(reason: Failure): void {
    this.calls.push("processEnded");
    this.endedReason = reason;
    this.#resolve(reason);
  }
}

const SH = "/bin/sh";

describe("net/process: reactor.spawnProcess", () => {
  let reactor: Reactor;
  beforeEach(() => {
    reactor = newReactor();
  });

  it("runs a child: stdin to cat comes back on stdout; ProcessDone; every call once, processEnded last", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    expect(p.calls).to.deep.equal(["connectionMade"]);
    expect(p.transport).to.equal(t);
    expect(t.pid).to.be.a("number");
    t.write("hello ");
    t.write(Buffer.from("world"));
    t.closeStdin();
    const reason = await p.ended;
    expect(p.output()).to.equal("hello world");
    expect(reason.value).to.be.instanceOf(ProcessDone);
    expect((reason.value as ProcessDone).exitCode).to.equal(0);
    expect(p.exitedReason?.value).to.be.instanceOf(ProcessDone);
    for (const name of ["inConnectionLost", "outConnectionLost", "errConnectionLost", "processExited", "processEnded"]) {
      expect(p.calls.filter((c) => c === name), name).to.have.length(1);
    }
    expect(p.calls.at(-1)).to.equal("processEnded");
    expect(p.calls.indexOf("processExited")).to.be.lessThan(p.calls.indexOf("processEnded"));
    expect(t.pid).to.equal(null);
  });

  it("a megabyte through cat comes back whole (flow through the pipes both ways)", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    const data = Buffer.alloc(1 << 20);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    t.write(data);
    t.closeStdin();
    await p.ended;
    expect(Buffer.concat(p.data.get(1) ?? []).equals(data)).to.equal(true);
  });

  it("many processes at once each end once, with their own exit code", async () => {
    const protocols = Array.from({ length: 12 }, () => new Recorder());
    protocols.forEach((p, i) => reactor.spawnProcess(p, SH, ["sh", "-c", `exit ${i}`]));
    const reasons = await Promise.all(protocols.map((p) => p.ended));
    reasons.forEach((r, i) => {
      if (i === 0) expect(r.value).to.be.instanceOf(ProcessDone);
      else expect((r.value as ProcessTerminated).exitCode).to.equal(i);
    });
    for (const p of protocols) expect(p.calls.filter((c) => c === "processEnded")).to.have.length(1);
  });

  it("arguments reach the child exactly, spaces, quotes and all", async () => {
    const args = ["a b", "'quoted'", '"double"', "$HOME", "", "ü"];
    const p = new Recorder();
    reactor.spawnProcess(p, process.execPath, ["node", "-e", "process.stdout.write(JSON.stringify(process.argv.slice(1)))", ...args], {
      env: null,
    });
    await p.ended;
    expect(JSON.parse(p.output())).to.deep.equal(args);
  });

  it("processExited comes when the child exits, processEnded once a grandchild releases the pipes", async () => {
    const p = new Recorder();
    const started = performance.now();
    let exitedAfter = -1;
    const exited = p.processExited.bind(p);
    p.processExited = (reason: Failure): void => {
      exitedAfter = performance.now() - started;
      exited(reason);
    };
    reactor.spawnProcess(p, SH, ["sh", "-c", "sleep 0.4 & exit 0"]);
    await p.ended;
    const endedAfter = performance.now() - started;
    expect(exitedAfter).to.be.at.least(0);
    expect(exitedAfter).to.be.below(endedAfter);
    expect(endedAfter).to.be.at.least(350);
  });

  it("pauseProducing holds the output back until resumeProducing", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    t.pauseProducing();
    t.write("held");
    await new Promise((r) => setTimeout(r, 50));
    expect(p.output()).to.equal("");
    t.resumeProducing();
    t.closeStdin();
    await p.ended;
    expect(p.output()).to.equal("held");
  });

  it("/bin/false: exit code 1", async () => {
    const p = new Recorder();
    reactor.spawnProcess(p, "/bin/false", ["false"]);
    expect(((await p.ended).value as ProcessTerminated).exitCode).to.equal(1);
  });

  it("a non-zero exit is ProcessTerminated with exitCode", async () => {
    const p = new Recorder();
    reactor.spawnProcess(p, SH, ["sh", "-c", "echo out; echo err >&2; exit 42"]);
    const reason = await p.ended;
    expect(reason.value).to.be.instanceOf(ProcessTerminated);
    expect((reason.value as ProcessTerminated).exitCode).to.equal(42);
    expect((reason.value as ProcessTerminated).signal).to.equal(null);
    expect(p.output(1)).to.equal("out\n");
    expect(p.output(2)).to.equal("err\n");
  });

  it("signalProcess: ProcessTerminated with the signal's name; afterwards ProcessExitedAlready", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    t.signalProcess("TERM");
    const reason = await p.ended;
    expect((reason.value as ProcessTerminated).signal).to.equal("SIGTERM");
    expect((reason.value as ProcessTerminated).exitCode).to.equal(null);
    expect(() => t.signalProcess("KILL")).to.throw(ProcessExitedAlready);
    expect(() => t.signalProcess(9)).to.throw(ProcessExitedAlready);
  });

  it("signalProcess takes numbers and other names, and rejects unknown ones", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    expect(() => t.signalProcess("NOPE" as "KILL")).to.throw(TypeError, /signal/);
    t.signalProcess(9);
    expect(((await p.ended).value as ProcessTerminated).signal).to.equal("SIGKILL");
  });

  it("args are the whole argv, argv[0] included; omitted means [executable]", async () => {
    const p = new Recorder();
    reactor.spawnProcess(p, SH, ["my-shell-name", "-c", 'echo "$0"']);
    await p.ended;
    expect(p.output()).to.equal("my-shell-name\n");
    const q = new Recorder();
    const t = reactor.spawnProcess(q, "/bin/cat");
    t.closeStdin();
    expect((await q.ended).value).to.be.instanceOf(ProcessDone);
  });

  it("env: undefined is an empty environment, null inherits, an object is used as is", async () => {
    const script = 'printf "%s|%s" "${FOO-unset}" "${HOME-unset}"';
    const empty = new Recorder();
    reactor.spawnProcess(empty, SH, ["sh", "-c", script]);
    await empty.ended;
    expect(empty.output()).to.equal("unset|unset");
    const given = new Recorder();
    reactor.spawnProcess(given, SH, ["sh", "-c", script], { env: { FOO: "bar" } });
    await given.ended;
    expect(given.output()).to.equal("bar|unset");
    const inherited = new Recorder();
    reactor.spawnProcess(inherited, SH, ["sh", "-c", 'printf "%s" "${PATH-unset}"'], { env: null });
    await inherited.ended;
    expect(inherited.output()).to.equal(process.env.PATH ?? "unset");
  });

  it("path is the working directory", async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-proc-")));
    try {
      const p = new Recorder();
      reactor.spawnProcess(p, "/bin/pwd", ["pwd"], { path: dir });
      await p.ended;
      expect(p.output().trim()).to.equal(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("childFDs: extra pipes in both directions, writeToChild and childDataReceived", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, SH, ["sh", "-c", "cat <&3 >&4; echo done"], {
      childFDs: { 0: "w", 1: "r", 2: "r", 3: "w", 4: "r" },
    });
    t.writeToChild(3, "through fd 3");
    t.closeChildFD(3);
    const reason = await p.ended;
    expect(reason.value).to.be.instanceOf(ProcessDone);
    expect(p.output(4)).to.equal("through fd 3");
    expect(p.output(1)).to.equal("done\n");
    expect(p.calls).to.include("childConnectionLost(3)");
    expect(p.calls).to.include("childConnectionLost(4)");
    expect(() => t.writeToChild(4, "x")).to.not.throw(); // closed by now: ignored
  });

  it("childFDs: a number maps a descriptor of the parent; writeToChild on a reader throws", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-proc-")), "out.txt");
    const fd = fs.openSync(file, "w");
    try {
      const p = new Recorder();
      const t = reactor.spawnProcess(p, SH, ["sh", "-c", "echo to-the-file; cat"], { childFDs: { 0: "w", 1: fd, 2: "r" } });
      expect(() => t.writeToChild(2, "x")).to.throw(RangeError, /reads/);
      expect(() => t.writeToChild(7, "x")).to.throw(RangeError, /childFD/);
      t.closeStdin();
      await p.ended;
      expect(p.calls).to.not.include("outConnectionLost");
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file, "utf8")).to.equal("to-the-file\n");
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("a missing executable ends with ProcessTerminated(127), the spawn error as cause", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/nonexistent/program", ["program"]);
    const reason = await p.ended;
    const e = reason.value as ProcessTerminated;
    expect(e).to.be.instanceOf(ProcessTerminated);
    expect(e.exitCode).to.equal(127);
    expect((e.cause as NodeJS.ErrnoException).code).to.equal("ENOENT");
    expect(t.pid).to.equal(null);
    expect(p.calls.filter((c) => c === "processExited")).to.have.length(1);
    expect(p.calls.at(-1)).to.equal("processEnded");
    expect(() => t.signalProcess("TERM")).to.throw(ProcessExitedAlready);
  });

  it("closeStdout / closeStderr close the pipes: the protocol hears of it", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    t.closeStdout();
    t.closeStderr();
    await new Promise((r) => setTimeout(r, 20));
    expect(p.calls).to.include("outConnectionLost");
    expect(p.calls).to.include("errConnectionLost");
    t.closeStdin();
    await p.ended;
  });

  it("loseConnection closes every pipe; cat then ends", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    t.write("x");
    t.loseConnection();
    await p.ended;
    expect(p.calls.filter((c) => c.endsWith("ConnectionLost"))).to.have.length(3);
  });

  it("an exception in outReceived is logged and the pipe closed; the process still ends", async () => {
    class Boom extends Recorder {
      override outReceived(): void {
        throw new RangeError("boom");
      }
    }
    const p = new Boom();
    reactor.spawnProcess(p, SH, ["sh", "-c", "echo hi; exec 1>&-; sleep 0.05"]);
    await p.ended;
    expect(flushLoggedErrors(RangeError)).to.have.length(1);
    expect(p.calls).to.include("outConnectionLost");
  });

  it("exceptions in processExited and processEnded are logged", async () => {
    class Boom extends ProcessProtocol {
      override processExited(): void {
        throw new RangeError("exited");
      }
      override processEnded(): void {
        throw new RangeError("ended");
      }
    }
    const p = new Boom();
    reactor.spawnProcess(p, "/bin/true", ["true"]);
    await new Promise((r) => setTimeout(r, 200));
    expect(flushLoggedErrors(RangeError)).to.have.length(2);
  });

  it("node runs as a child too", async () => {
    const p = new Recorder();
    reactor.spawnProcess(p, process.execPath, ["node", "-e", "process.stdin.pipe(process.stdout)"], { env: null });
    p.transport!.write("via node");
    p.transport!.closeStdin();
    await p.ended;
    expect(p.output()).to.equal("via node");
  });

  it("bad input throws at the call", () => {
    const p = new Recorder();
    expect(() => reactor.spawnProcess({} as ProcessProtocol, SH)).to.throw(TypeError, /protocol/);
    expect(() => reactor.spawnProcess(p, 3 as unknown as string)).to.throw(TypeError, /executable/);
    expect(() => reactor.spawnProcess(p, SH, "sh" as unknown as string[])).to.throw(TypeError, /args/);
    expect(() => reactor.spawnProcess(p, SH, ["sh"], { env: { A: 1 as unknown as string } })).to.throw(TypeError, /env/);
    expect(() => reactor.spawnProcess(p, SH, ["sh"], { childFDs: { 0: "x" as "r" } })).to.throw(TypeError, /childFDs/);
    expect(() => reactor.spawnProcess(p, SH, ["sh"], { uid: -1 })).to.throw(TypeError, /uid/);
    expect(p.transport).to.equal(null);
  });

  it("methods work when passed as values", async () => {
    const p = new Recorder();
    const t: IProcessTransport = reactor.spawnProcess(p, "/bin/cat", ["cat"]);
    const { write, closeStdin } = t;
    write("passed");
    setTimeout(closeStdin, 0);
    await p.ended;
    expect(p.output()).to.equal("passed");
  });

  it("reactor.stop() closes the pipes of a running child (not killing it) before run() resolves", async () => {
    const p = new Recorder();
    const t = reactor.spawnProcess(p, "/bin/sleep", ["sleep", "5"]);
    const pid = t.pid as number;
    reactor.callLater(0, () => reactor.stop());
    await runReactor(reactor);
    expect(p.calls).to.include("inConnectionLost");
    expect(p.calls).to.include("outConnectionLost");
    expect(p.calls).to.not.include("processEnded");
    // Still alive: signal 0 only checks.
    expect(() => process.kill(pid, 0)).to.not.throw();
    t.signalProcess("KILL");
    await p.ended;
  });
});

describe("net/process-utils", () => {
  let reactor: Reactor;
  beforeEach(() => {
    reactor = newReactor();
  });

  it("getProcessOutput: stdout, args without argv[0]", async () => {
    const out = await getProcessOutput("/bin/echo", ["hello", "world"], { reactor });
    expect(out.toString()).to.equal("hello world\n");
  });

  it("getProcessOutput fails with IOError when stderr is written; processEnded follows", async () => {
    const d = getProcessOutput(SH, ["-c", "echo oops >&2; exit 3"], { reactor });
    const e = await new Promise<IOError>((resolve) => { d.addErrback((f) => resolve(f.value as IOError)); });
    expect(e).to.be.instanceOf(IOError);
    expect(e.name).to.equal("IOError");
    expect(e.message).to.contain("oops");
    const ended = await new Promise<unknown>((resolve) => { e.processEnded.addErrback((f) => resolve(f.value)); });
    expect(ended).to.be.instanceOf(ProcessTerminated);
  });

  it("getProcessOutput with errortoo includes stderr", async () => {
    const out = await getProcessOutput(SH, ["-c", "echo a; echo b >&2"], { reactor, errortoo: true });
    expect(out.toString().split("\n").sort().join(",")).to.equal(",a,b");
  });

  it("getProcessValue: the exit code; 127 for a missing program; env and path", async () => {
    expect(await getProcessValue(SH, ["-c", "exit 5"], { reactor })).to.equal(5);
    expect(await getProcessValue("/bin/true", [], { reactor })).to.equal(0);
    expect(await getProcessValue("/nonexistent/x", [], { reactor })).to.equal(127);
    expect(await getProcessValue(SH, ["-c", 'test "$X" = y'], { reactor, env: { X: "y" } })).to.equal(0);
    expect(await getProcessValue(SH, ["-c", 'test "$(pwd)" = /'], { reactor, path: "/" })).to.equal(0);
  });

  it("getProcessOutputAndValue: [stdout, stderr, code]; a signal fails with [out, err, signal]", async () => {
    const [out, err, code] = await getProcessOutputAndValue(SH, ["-c", "echo o; echo e >&2; exit 1"], { reactor });
    expect([out.toString(), err.toString(), code]).to.deep.equal(["o\n", "e\n", 1]);
    const d = getProcessOutputAndValue(SH, ["-c", "echo before; kill -TERM $$"], { reactor });
    const value = await new Promise<unknown>((resolve) => { d.addErrback((f) => resolve(f.value)); });
    const [o, , sig] = value as [Buffer, Buffer, string];
    expect(o.toString()).to.equal("before\n");
    expect(sig).to.equal("SIGTERM");
  });

  it("getProcessOutputAndValue writes stdinBytes", async () => {
    const [out] = await getProcessOutputAndValue("/bin/cat", [], { reactor, stdinBytes: "fed" });
    expect(out.toString()).to.equal("fed");
  });

  it("bad input throws at the call", () => {
    expect(() => getProcessOutput(3 as unknown as string)).to.throw(TypeError, /executable/);
    expect(() => getProcessValue("/bin/true", "x" as unknown as string[])).to.throw(TypeError, /args/);
  });
});
