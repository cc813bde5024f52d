import { expect } from "chai";
import * as path from "node:path";
import { runChild } from "../helpers/child";

const REPO = path.join(__dirname, "..", "..");

interface JsonTest {
  title: string;
  err: { message?: string };
}

describe("twisted-ts/testing/mocha (the root-hook plugin)", function () {
  this.timeout(60_000);
  let report: { stats: { passes: number; failures: number }; passes: JsonTest[]; failures: JsonTest[] };
  let code: number | null;
  let seconds: number;

  before(async () => {
    const result = await runChild(
      process.execPath,
      [
        path.join(REPO, "node_modules", "mocha", "bin", "mocha.js"),
        "--no-config",
        "-r",
        "ts-node/register/transpile-only",
        "-r",
        "./testing/mocha.ts",
        "--reporter",
        "json",
        "tests/fixtures/mocha-plugin/real-reactor.fixture.ts",
      ],
      { cwd: REPO, timeoutMs: 50_000 },
    );
    code = result.code;
    seconds = result.seconds;
    const start = result.stdout.indexOf("{");
    report = JSON.parse(result.stdout.slice(start)) as typeof report;
  });

  const failure = (title: string): string => {
    const f = report.failures.find((t) => t.title === title);
    expect(f, `"${title}" should have failed`).to.not.equal(undefined);
    return f!.err.message ?? "";
  };
  const passed = (title: string): boolean => report.passes.some((t) => t.title === title);

  it("runs the global reactor: deferLater, coiterate and callLater(0) work", () => {
    expect(passed("deferLater resolves")).to.equal(true);
    expect(passed("coiterate runs")).to.equal(true);
    expect(passed("callLater(0) runs")).to.equal(true);
  });

  it("a test may return a Deferred; its failure fails the test", () => {
    expect(failure("a failing Deferred fails the test")).to.contain("deferred failed");
  });

  it("fails a test that logged an error it did not flush, and not one that flushed it", () => {
    expect(passed("a flushed error is fine")).to.equal(true);
    const message = failure("an unflushed error fails the test");
    expect(message).to.contain("did not flush");
    expect(message).to.contain("forgotten");
  });

  it("fails a test that left a delayed call, naming it (and cancels it)", () => {
    const message = failure("a delayed call left behind fails the test");
    expect(message).to.contain("dirty");
    expect(message).to.contain("pendingForever");
  });

  it("fails a test that left a server open, naming the handle", () => {
    expect(failure("an open server left behind fails the test")).to.contain("TCPServerWrap");
  });

  it("fails a test that left a reactor port listening, naming it (and closes it)", () => {
    const message = failure("a reactor port left listening fails the test");
    expect(message).to.match(/left open: <ListeningPort [^>]*127\.0\.0\.1/);
    expect(message).to.not.contain("TCPServerWrap"); // closed, so not counted again as a handle
  });

  it("keeps running the tests after a dirty one; the process ends", () => {
    expect(passed("the tests after a dirty one still run")).to.equal(true);
    // A test failed by the plugin's afterEach is reported as failed (mocha reported its pass first).
    expect(new Set(report.failures.map((t) => t.title))).to.deep.equal(
      new Set([
        "a failing Deferred fails the test",
        "an unflushed error fails the test",
        "a delayed call left behind fails the test",
        "an open server left behind fails the test",
        "a reactor port left listening fails the test",
      ]),
    );
    expect(report.stats.failures).to.equal(5);
    expect(code).to.equal(5); // mocha's exit code: the number of failures
    expect(seconds).to.be.below(40); // the reactor stopped: nothing kept the process alive
  });
});
