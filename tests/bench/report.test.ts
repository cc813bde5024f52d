import { expect } from "chai";
import type { Measurement } from "../../bench/harness";
import {
  comparisonTable,
  formatFigure,
  formatRatio,
  headlineTable,
  renderDocument,
  renderReport,
  renderTable,
  type Report,
} from "../../bench/report";

const m = (name: string, ns: number, cpu = ns): Measurement => ({ name, ops: 1000, nsPerOp: ns, cpuNsPerOp: cpu, rounds: [ns], cpuRounds: [cpu] });

function report(overrides: Partial<Report> = {}): Report {
  return {
    environment: { machine: "Test CPU, 2 cores", node: "v20.0.0", date: "2025-01-01 12:00 UTC" },
    mode: "full run, every benchmark",
    twisted: "Twisted 22.4.0 on Python 3.11.2 (/usr/bin/python3)",
    results: [
      {
        name: "Timers",
        headlines: [
          { workload: "fired", kind: "time", ours: 300, anchor: { name: "setTimeout", value: 900 }, twisted: 8300, goal: "≥ 3x", met: true },
          { workload: "bytes", kind: "bytes", ours: 96, anchor: { name: "setTimeout", value: 136 }, twisted: "n/a" },
        ],
        sections: [{ title: "Per-call cost", text: ["Some words."], table: { columns: ["N", "x"], rows: [["1e3", "1 µs"]] }, notes: ["a note"] }],
        growth: ["reactor fired: ×2.00 (log N allows ×1.20) from N = 1e5 to 1e6"],
      },
    ],
    crashed: [],
    ...overrides,
  };
}

describe("bench/report: the Markdown report", () => {
  it("ratios read as twisted-ts against the other, lower being better for every kind", () => {
    expect(formatRatio(300, 900, "time")).to.equal("3.00x faster");
    expect(formatRatio(900, 300, "time")).to.equal("3.00x slower");
    expect(formatRatio(96, 136, "bytes")).to.equal("1.42x smaller");
    expect(formatRatio(2e6, 1e6, "latency")).to.equal("2.00x higher");
    expect(formatRatio(0, 1, "time")).to.equal("—");
    expect(formatFigure(96.4, "bytes")).to.equal("96 B");
    expect(formatFigure(1500, "time")).to.equal("1.50 µs");
  });

  it("renders tables with right-aligned figures and escaped pipes", () => {
    const md = renderTable({ columns: ["a", "b"], numeric: [false, true], rows: [["x|y", "1"]] });
    expect(md).to.equal("| a | b |\n|---|---:|\n| x\\|y | 1 |");
  });

  it("the headline table: figures, anchor, Twisted (or why not), ratios, goal", () => {
    const t = headlineTable(report().results[0].headlines, "Twisted 22.4.0");
    expect(t.columns[4]).to.equal("Twisted 22.4.0");
    expect(t.rows[0]).to.deep.equal(["fired", "300.0 ns", "setTimeout: 900.0 ns", "3.00x faster", "8.30 µs", "27.67x faster", "≥ 3x", "yes"]);
    expect(t.rows[1]).to.deep.equal(["bytes", "96 B", "setTimeout: 136 B", "1.42x smaller", "n/a", "—", "—", "—"]);
    const capped = headlineTable([{ workload: "clock", kind: "time", ours: 100, oursAtTwistedSize: 200, twisted: 60_000, twistedNote: "(N = 1e3)" }]);
    expect(capped.rows[0][4]).to.equal("60.00 µs (N = 1e3)");
    expect(capped.rows[0][5]).to.equal("300.00x faster");
  });

  it("comparison tables: ratio of the anchor to each row, wall or CPU, extra rows with reasons", () => {
    const t = comparisonTable([m("ours", 100, 50), m("node", 300, 200)], "node", [
      { name: "Twisted", ops: 10, value: 600 },
      { name: "Twisted 2", value: "not available (x)" },
    ]);
    expect(t.rows).to.deep.equal([
      ["ours", "1,000", "100.0 ns", "3.00x"],
      ["node", "1,000", "300.0 ns", "1.00x"],
      ["Twisted", "10", "600.0 ns", "0.50x"],
      ["Twisted 2", "—", "not available (x)", "—"],
    ]);
    const cpu = comparisonTable([m("ours", 100, 50), m("node", 300, 200)], "node", [], "cpu");
    expect(cpu.columns[2]).to.equal("median per op (CPU)");
    expect(cpu.rows[0]).to.deep.equal(["ours", "1,000", "50.0 ns", "4.00x"]);
  });

  it("the report: machine, Node, date, Twisted status, at a glance, growth, sections", () => {
    const md = renderReport(report());
    expect(md).to.match(/^# twisted-ts benchmarks\n/);
    expect(md).to.include("- Machine: Test CPU, 2 cores");
    expect(md).to.include("- Node v20.0.0; 2025-01-01 12:00 UTC; full run, every benchmark");
    expect(md).to.include("- Twisted 22.4.0 on Python 3.11.2");
    expect(md).to.include("## At a glance");
    expect(md).to.include("| workload | twisted-ts | Node anchor | twisted-ts vs anchor | Twisted 22.4.0 |");
    expect(md).to.include("- reactor fired: ×2.00 (log N allows ×1.20) from N = 1e5 to 1e6");
    expect(md).to.include("## Timers\n\n### Per-call cost\n\nSome words.\n\n| N | x |");
    expect(md).to.include("- a note");
    expect(md).not.to.include("## Crashed");
  });

  it("says when Twisted is not available, and lists crashed benchmarks", () => {
    const md = renderReport(report({ twisted: "Twisted: not available (/usr/bin/python3 not found)", crashed: ["clock: Error: boom"] }));
    expect(md).to.include("- Twisted: not available (/usr/bin/python3 not found)");
    expect(md).to.include("| workload | twisted-ts | Node anchor | twisted-ts vs anchor | Twisted |");
    expect(md).to.include("## Crashed\n\n- clock: Error: boom");
  });

  it("says when no series grew faster than log N", () => {
    const r = report();
    r.results[0].growth = [];
    expect(renderReport(r)).to.include("No series grew faster than log N");
  });

  it("the docs file: a generated-file header, how it is written, the chart, then the report", () => {
    const doc = renderDocument(report(), "benchmarks.svg");
    expect(doc.split("\n")[0]).to.equal("<!-- Generated by bench/index.ts: do not edit by hand. -->");
    expect(doc).to.include("--quick");
    expect(doc).to.include("![Per-call cost against N, log-log](benchmarks.svg)");
    expect(doc).to.include("# twisted-ts benchmarks");
    expect(doc).to.include("- Machine: Test CPU, 2 cores");
    expect(doc.indexOf("- Machine:")).to.be.lessThan(doc.indexOf("!["));
    expect(doc.indexOf("![")).to.be.lessThan(doc.indexOf("## At a glance"));
    expect(renderDocument(report())).not.to.include("![");
  });
});
