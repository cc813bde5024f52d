import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { twistedHeadline, twistedRow } from "../../bench/benchmark";
import { memory } from "../../bench/memory";
import { Progress } from "../../bench/progress";
import { renderReport } from "../../bench/report";
import { parseTwistedOutput, TwistedRunner, twistedValue } from "../../bench/twisted";

const RESULT =
  '{"twisted": "22.4.0", "python": "3.11.2", "results": [{"workload": "clock", "n": 1000, "unit": "ns", "value": 123.5, "cpu": 120, "ops": 1000}]}';

describe("bench/twisted: running the Python side", function () {
  this.timeout(30_000);
  let dir: string;

  /** A fake interpreter: a shell script answering the availability check with `check` and running scripts with `body`. */
  function fakePython(name: string, check: string, body: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\nif [ "$1" = "-c" ]; then\n${check}\nfi\n${body}\n`, { mode: 0o755 });
    return file;
  }

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-twisted-"));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a nonexistent interpreter: 'not available', no failure, and the report says so", async () => {
    const runner = new TwistedRunner({ python: path.join(dir, "no-such-python3") });
    const outcome = await runner.run("clock.py", { n: 10 });
    expect(outcome).to.deep.equal({ status: "unavailable", reason: `${path.join(dir, "no-such-python3")} not found` });
    expect(runner.failures).to.deep.equal([]);
    expect(await runner.statusLine()).to.equal(`Twisted: not available (${path.join(dir, "no-such-python3")} not found)`);
    const row = twistedRow(outcome, "task.Clock", "clock", 1000);
    expect(row.value).to.equal(`not available (${path.join(dir, "no-such-python3")} not found)`);
    expect(twistedHeadline(outcome, "clock", 1000)).to.equal("n/a");
  });

  it("a whole benchmark with no Python still reports, with a 'not available' row", async () => {
    const runner = new TwistedRunner({ python: "/nonexistent/python3" });
    const result = await memory.run({ quick: true, twisted: runner });
    const rows = result.sections[0].table?.rows ?? [];
    const twistedRowCells = rows.find((r) => r[0].startsWith("Twisted"));
    expect(twistedRowCells?.[1]).to.equal("not available (/nonexistent/python3 not found)");
    expect(result.headlines[0].twisted).to.equal("n/a");
    const md = renderReport({
      environment: { machine: "m", node: "v20", date: "today" },
      mode: "quick",
      twisted: await runner.statusLine(),
      results: [result],
      crashed: [],
    });
    expect(md).to.include("- Twisted: not available (/nonexistent/python3 not found)");
    expect(md).to.include("| heap bytes per pending call |");
    expect(md).to.match(/\| n\/a \| — \|/);
  });

  it("an interpreter without twisted: 'not available (… cannot import twisted: …)'", async () => {
    const python = fakePython("py-no-twisted", `echo "ModuleNotFoundError: No module named 'twisted'" >&2; exit 1`, "exit 1");
    const runner = new TwistedRunner({ python });
    const outcome = await runner.run("clock.py", {});
    expect(outcome.status).to.equal("unavailable");
    expect(outcome.status === "unavailable" && outcome.reason).to.equal(`${python} cannot import twisted: ModuleNotFoundError: No module named 'twisted'`);
    expect(runner.failures).to.deep.equal([]);
  });

  it("--no-twisted: not run at all", async () => {
    const python = fakePython("py-never", "exit 3", "exit 3");
    const runner = new TwistedRunner({ python, enabled: false });
    expect(await runner.run("clock.py", {})).to.deep.equal({ status: "unavailable", reason: "skipped with --no-twisted" });
  });

  it("reads the JSON line of a script, with the parameters passed as one JSON argument", async () => {
    const python = fakePython(
      "py-ok",
      "echo 22.4.0; echo 3.11.2; exit 0",
      `case "$2" in '{"n":1000}') ;; *) echo "bad params: $2" >&2; exit 9;; esac\necho progress: round 1/1 >&2\necho some noise\necho '${RESULT}'`,
    );
    let shown = "";
    const progress = new Progress({ write: (t: string) => (shown += t) }, () => 0);
    const runner = new TwistedRunner({ python, progress });
    const outcome = await runner.run("clock.py", { n: 1000 });
    expect(outcome.status).to.equal("ok");
    expect(twistedValue(outcome, "clock", 1000)).to.equal(123.5);
    expect(twistedValue(outcome, "clock", 1000, "cpu")).to.equal(120);
    expect(twistedValue(outcome, "clock", 10)).to.equal("not measured");
    expect(await runner.statusLine()).to.equal(`Twisted 22.4.0 on Python 3.11.2 (${python})`);
    expect(shown).to.include(": Twisted: clock.py\n").and.include(":   Twisted: round 1/1\n");
  });

  it("a script that crashes (Twisted importable) is a failure the run reports", async () => {
    const python = fakePython("py-crash", "echo 22.4.0; echo 3.11.2; exit 0", `echo "Traceback: ZeroDivisionError" >&2; exit 1`);
    const runner = new TwistedRunner({ python });
    const outcome = await runner.run("timers.py", {});
    expect(outcome).to.deep.equal({ status: "failed", reason: "exit code 1: Traceback: ZeroDivisionError" });
    expect(runner.failures).to.deep.equal(["bench/twisted/timers.py: exit code 1: Traceback: ZeroDivisionError"]);
    expect(twistedHeadline(outcome, "fired")).to.equal("failed");
  });

  it("a script that runs out of time: 'not available (timed out)', not a failure", async () => {
    const python = fakePython("py-slow", "echo 22.4.0; echo 3.11.2; exit 0", "exec sleep 20");
    const runner = new TwistedRunner({ python, timeoutMs: 300 });
    const outcome = await runner.run("timers.py", {});
    expect(outcome).to.deep.equal({ status: "unavailable", reason: "timers.py timed out after 0.3 s" });
    expect(runner.failures).to.deep.equal([]);
  });

  it("rejects output without a well-formed result line", () => {
    expect(() => parseTwistedOutput("hello\n")).to.throw(/no JSON result line/);
    expect(() => parseTwistedOutput('{"results": []}')).to.throw(/unexpected result line/);
    expect(() => parseTwistedOutput('{"twisted": "1", "python": "3", "results": [{"workload": "x", "n": 1, "unit": "parsec", "value": 1}]}')).to.throw(/malformed/);
    expect(parseTwistedOutput(`noise\n${RESULT}\n`).figures).to.have.length(1);
  });

  it("with the real Twisted, when /usr/bin/python3 has it: the scripts run and report", async function () {
    const runner = new TwistedRunner();
    if (!(await runner.availability()).ok) this.skip();
    const clock = await runner.run("clock.py", { n: 50, rounds: 1 });
    expect(clock.status, JSON.stringify(clock)).to.equal("ok");
    expect(twistedValue(clock, "clock", 50)).to.be.a("number").greaterThan(0);
    const deferred = await runner.run("deferred.py", { n: 100, depth: 10, chains: 1, rounds: 1 });
    expect(deferred.status, JSON.stringify(deferred)).to.equal("ok");
    for (const w of ["three_callbacks", "three_callbacks_all"]) expect(twistedValue(deferred, w, 100)).to.be.a("number");
    expect(twistedValue(deferred, "deep_chain", 10)).to.be.a("number");
    expect(runner.failures).to.deep.equal([]);
  });
});
