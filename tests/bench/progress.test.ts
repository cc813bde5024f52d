import { expect } from "chai";
import { formatElapsed, Progress, renderBar, type ProgressStream } from "../../bench/progress";

function stream(isTTY: boolean, columns = 80): ProgressStream & { out: string } {
  const s = {
    out: "",
    isTTY,
    columns,
    write(text: string): boolean {
      s.out += text;
      return true;
    },
  };
  return s;
}

describe("bench/progress: progress on stderr", () => {
  it("on a terminal: one line redrawn with \\r, a bar that fills, cleared at the end", () => {
    let now = 0;
    const s = stream(true);
    const p = new Progress(s, () => now);
    p.benchmark("timers", 1, 7);
    p.task("fired, N = 1e3", 4);
    p.tick();
    p.tick();
    now = 62_000;
    p.note("Twisted: fired N=1e6 round 1/3");
    expect(s.out).not.to.include("\n");
    const frames = s.out.split("\r").filter((f) => f !== "");
    expect(frames.length).to.be.greaterThanOrEqual(5);
    expect(frames[3]).to.include("[1/7] timers").and.include("2/4").and.include("fired, N = 1e3");
    expect(frames[3]).to.include("█".repeat(10) + "░".repeat(10));
    expect(frames[4]).to.include("1:02").and.include("Twisted: fired N=1e6 round 1/3");
    p.done();
    expect(s.out.endsWith("\r\x1b[Kbench: done in 1:02\n")).to.equal(true);
  });

  it("elsewhere: plain lines, one per benchmark, task and note; ticks print nothing", () => {
    const s = stream(false);
    const p = new Progress(s, () => 0);
    p.benchmark("deferred", 4, 7);
    p.task("deep chains", 12);
    for (let i = 0; i < 12; i++) p.tick();
    p.note("Twisted: deep chains round 1/3");
    p.done("all benchmarks ran");
    expect(s.out).not.to.include("\r");
    expect(s.out.split("\n")).to.deep.equal([
      "bench [4/7] deferred",
      "bench [4/7] deferred: deep chains",
      "bench [4/7] deferred:   Twisted: deep chains round 1/3",
      "bench: all benchmarks ran in 0:00",
      "",
    ]);
  });

  it("the bar never reaches the terminal's last column", () => {
    const state = { benchmark: "timers", index: 1, count: 7, task: "x".repeat(200), done: 3, total: 6, elapsed: 5 };
    const line = renderBar(state, 60);
    expect(line.length).to.equal(59);
    expect(line.endsWith("…")).to.equal(true);
    expect(renderBar({ ...state, task: "short" }, 200)).to.equal("[1/7] timers ██████████░░░░░░░░░░ 3/6 0:05 short");
    expect(formatElapsed(125.9)).to.equal("2:05");
  });
});
