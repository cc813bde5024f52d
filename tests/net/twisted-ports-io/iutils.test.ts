// Ported from Twisted 22.4: twisted/test/test_iutils.py (ProcessUtilsTests), with node as the
// interpreter (sys.executable) and scripts in a temp directory.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import type { Deferred } from "../../../defer";
import { getProcessOutput, getProcessOutputAndValue, getProcessValue, IOError, ProcessDone } from "../../../net";

const exe = process.execPath;

/** Resolves with the Deferred's failure value; rejects if it succeeds (trial's assertFailure). */
async function failureOf<T>(d: Deferred<T>): Promise<unknown> {
  return d.then(
    (v) => {
      throw new Error(`expected a failure, got ${String(v)}`);
    },
    (e: unknown) => e,
  );
}

describe("twisted ports: test_iutils.ProcessUtilsTests", () => {
  let dir: string;
  let n = 0;
  before(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "tw-iutils-")))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const makeSourceFile = (lines: string[]): string => {
    const script = path.join(dir, `script${n++}.js`);
    fs.writeFileSync(script, lines.join(os.EOL) + os.EOL);
    return script;
  };

  it("test_output", async () => {
    const scriptFile = makeSourceFile(["for (const c of 'hello world\\n') require('fs').writeSync(1, c);"]);
    const out = await getProcessOutput(exe, [scriptFile]);
    expect(out).to.deep.equal(Buffer.from("hello world\n"));
  });

  it("test_outputWithErrorIgnored", async () => {
    const scriptFile = makeSourceFile(['process.stderr.write("hello world\\n")']);
    const e = await failureOf(getProcessOutput(exe, [scriptFile]));
    expect(e).to.be.instanceOf(IOError);
    expect((e as IOError).message).to.equal("got stderr: b'hello world\\n'");
    const ended = await failureOf((e as IOError).processEnded);
    expect(ended).to.be.instanceOf(ProcessDone);
  });

  it("test_outputWithErrorCollected", async () => {
    const scriptFile = makeSourceFile([
      "const fs = require('fs');",
      "fs.writeSync(1, 'foo');",
      "fs.writeSync(2, 'foo');",
    ]);
    const out = await getProcessOutput(exe, [scriptFile], { errortoo: true });
    expect(out.toString()).to.equal("foofoo");
  });

  it("test_value", async () => {
    const scriptFile = makeSourceFile(["process.exit(1)"]);
    expect(await getProcessValue(exe, [scriptFile])).to.equal(1);
  });

  it("test_outputAndValue", async () => {
    const scriptFile = makeSourceFile([
      "const fs = require('fs');",
      "fs.writeSync(1, 'hello world!\\n');",
      "fs.writeSync(2, 'goodbye world!\\n');",
      "process.exit(1);",
    ]);
    const [out, err, code] = await getProcessOutputAndValue(exe, [scriptFile]);
    expect(out).to.deep.equal(Buffer.from("hello world!\n"));
    expect(err).to.deep.equal(Buffer.from("goodbye world!\n"));
    expect(code).to.equal(1);
  });

  it("test_outputSignal: fails with [out, err, signal]", async () => {
    const scriptFile = makeSourceFile([
      "const fs = require('fs');",
      "fs.writeSync(1, 'stdout bytes\\n');",
      "fs.writeSync(2, 'stderr bytes\\n');",
      "process.kill(process.pid, 'SIGKILL');",
    ]);
    const e = await failureOf(getProcessOutputAndValue(exe, [scriptFile]));
    expect(e).to.be.an("array");
    const [out, err, sig] = e as [Buffer, Buffer, string];
    expect(out).to.deep.equal(Buffer.from("stdout bytes\n"));
    expect(err).to.deep.equal(Buffer.from("stderr bytes\n"));
    expect(sig).to.equal("SIGKILL");
  });

  describe("path", () => {
    const pathTest = async (check: (result: unknown, dir: string) => void, f: typeof getProcessOutput | typeof getProcessValue | typeof getProcessOutputAndValue) => {
      const sub = path.join(dir, `cwd${n++}`);
      fs.mkdirSync(sub);
      const scriptFile = makeSourceFile(["process.stdout.write(process.cwd())"]);
      check(await f(exe, [scriptFile], { path: sub }), sub);
    };
    it("test_getProcessOutputPath", () => pathTest((out, sub) => expect(String(out)).to.equal(sub), getProcessOutput));
    it("test_getProcessValuePath", () => pathTest((code) => expect(code).to.equal(0), getProcessValue));
    it("test_getProcessOutputAndValuePath", () =>
      pathTest((r, sub) => {
        const [out, , status] = r as [Buffer, Buffer, number];
        expect(out.toString()).to.equal(sub);
        expect(status).to.equal(0);
      }, getProcessOutputAndValue));
    it("default path: the parent's working directory", async () => {
      const scriptFile = makeSourceFile(["process.stdout.write(process.cwd())"]);
      expect((await getProcessOutput(exe, [scriptFile])).toString()).to.equal(process.cwd());
    });
  });

  it("test_get_processOutputAndValueStdin", async () => {
    const scriptFile = makeSourceFile(["process.stdin.pipe(process.stdout)"]);
    const stdinBytes = Buffer.from("These are the bytes to see.");
    const [out, , code] = await getProcessOutputAndValue(exe, [scriptFile], { stdinBytes });
    expect(out.includes(stdinBytes)).to.equal(true);
    expect(code).to.equal(0);
  });

  it("the environment defaults to empty (utils' env={})", async () => {
    const scriptFile = makeSourceFile(["process.stdout.write(JSON.stringify(Object.keys(process.env)))"]);
    const keys = JSON.parse((await getProcessOutput(exe, [scriptFile])).toString()) as string[];
    expect(keys).to.not.include("PATH");
    const out = await getProcessOutput(exe, [makeSourceFile(["process.stdout.write(process.env.X)"])], { env: { X: "y" } });
    expect(out.toString()).to.equal("y");
  });
});
