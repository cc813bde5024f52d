/**
 * The report: what each benchmark returns (sections, headline rows, chart series), and its
 * rendering as Markdown for stdout and docs/benchmarks.md.
 */
import * as os from "node:os";
import { formatCount, formatNs, type Measurement } from "./harness";
import type { ChartSeries } from "./svg";

/** A Markdown table: a header row, right-aligned columns where `numeric` says so, the rows. */
export interface Table {
  columns: string[];
  /** Per column: true to right-align (figures). */
  numeric?: boolean[];
  rows: string[][];
}

/** One titled part of the report: paragraphs, then a table, then notes. */
export interface Section {
  title: string;
  text?: string[];
  table?: Table;
  notes?: string[];
}

/** How a figure is read: all three are "lower is better". */
export type FigureKind = "time" | "latency" | "bytes";

/** One row of the at-a-glance table. Times and latencies in ns, sizes in bytes. */
export interface Headline {
  workload: string;
  kind: FigureKind;
  /** twisted-ts's figure. */
  ours: number;
  /** The Node anchor measured beside it, if any. */
  anchor?: { name: string; value: number };
  /** Twisted's figure for the same workload; a string says why there is none. */
  twisted?: number | string;
  /** Said after Twisted's figure, e.g. "(N = 1e3)" when capped. */
  twistedNote?: string;
  /** twisted-ts's figure at Twisted's (capped) size, when it differs: the ratio uses it. */
  oursAtTwistedSize?: number;
  /** The goal in words, and whether this run met it. */
  goal?: string;
  met?: boolean;
}

/** What one benchmark hands back. */
export interface BenchResult {
  name: string;
  headlines: Headline[];
  sections: Section[];
  /** Series for docs/benchmarks.svg (only the timers benchmark has some). */
  chart?: ChartSeries[];
  /** Where per-call cost grew faster than log N, one line each. */
  growth?: string[];
}

/** Where and when the figures were taken. */
export interface Environment {
  machine: string;
  node: string;
  date: string;
}

/** The whole run. */
export interface Report {
  environment: Environment;
  /** "full run", "quick run (--quick)", "selected: deferred"… */
  mode: string;
  /** "Twisted 22.4.0 on Python 3.11.2 (/usr/bin/python3)" or "Twisted: not available (reason)". */
  twisted: string;
  results: BenchResult[];
  /** Benchmarks that threw, and Twisted scripts that crashed: "name: error". */
  crashed: string[];
}

/** The machine (CPU model, cores, memory, OS), Node's version and the date and time (UTC). */
export function environment(date = new Date()): Environment {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  const memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  return {
    machine: `${model}, ${cpus.length} cores, ${memory}, ${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`,
  };
}

/** Formats a figure of the given kind: "1.27 µs", "96 B". */
export function formatFigure(value: number, kind: FigureKind): string {
  return kind === "bytes" ? `${value.toFixed(0)} B` : formatNs(value);
}

const BETTER: Record<FigureKind, [string, string]> = {
  time: ["faster", "slower"],
  latency: ["lower", "higher"],
  bytes: ["smaller", "larger"],
};

/**
 * How twisted-ts compares with another figure, all kinds being lower-is-better:
 * "2.70x faster", "1.50x slower", "1.40x smaller"…
 */
export function formatRatio(ours: number, other: number, kind: FigureKind): string {
  if (!(ours > 0) || !(other > 0)) return "—";
  const r = other / ours;
  const [better, worse] = BETTER[kind];
  return r >= 1 ? `${r.toFixed(2)}x ${better}` : `${(1 / r).toFixed(2)}x ${worse}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Renders a table as GitHub Markdown. */
export function renderTable(table: Table): string {
  const head = `| ${table.columns.map(cell).join(" | ")} |`;
  const rule = `|${table.columns.map((_, i) => (table.numeric?.[i] === true ? "---:" : "---")).join("|")}|`;
  const rows = table.rows.map((r) => `| ${r.map(cell).join(" | ")} |`);
  return [head, rule, ...rows].join("\n");
}

/** Renders a section: "### title", its paragraphs, table and notes. */
export function renderSection(section: Section, level = 3): string {
  const parts = [`${"#".repeat(level)} ${section.title}`];
  for (const t of section.text ?? []) parts.push(t);
  if (section.table !== undefined) parts.push(renderTable(section.table));
  if (section.notes !== undefined && section.notes.length > 0) parts.push(section.notes.map((n) => `- ${n}`).join("\n"));
  return parts.join("\n\n");
}

/** The at-a-glance table of every headline. */
export function headlineTable(headlines: readonly Headline[], twistedLabel = "Twisted"): Table {
  return {
    columns: ["workload", "twisted-ts", "Node anchor", "twisted-ts vs anchor", twistedLabel, "twisted-ts vs Twisted", "goal", "met"],
    numeric: [false, true, false, true, true, true, false, false],
    rows: headlines.map((h) => {
      const tw = h.twisted;
      const twCell = typeof tw === "number" ? formatFigure(tw, h.kind) + (h.twistedNote !== undefined ? ` ${h.twistedNote}` : "") : (tw ?? "—");
      return [
        h.workload,
        formatFigure(h.ours, h.kind),
        h.anchor !== undefined ? `${h.anchor.name}: ${formatFigure(h.anchor.value, h.kind)}` : "—",
        h.anchor !== undefined ? formatRatio(h.ours, h.anchor.value, h.kind) : "—",
        twCell,
        typeof tw === "number" ? formatRatio(h.oursAtTwistedSize ?? h.ours, tw, h.kind) : "—",
        h.goal ?? "—",
        h.met === undefined ? "—" : h.met ? "yes" : "no",
      ];
    }),
  };
}

/** One row of a comparison table that is not a Node measurement (a Twisted figure, or why there is none). */
export interface ExtraRow {
  name: string;
  ops?: number;
  /** ns per op; a string explains its absence. */
  value: number | string;
}

/**
 * A comparison table: each measurement's median per op (wall or CPU time) and how it compares
 * with the anchor (by name), then extra rows (Twisted).
 */
export function comparisonTable(
  ms: readonly Measurement[],
  anchor: string,
  extra: readonly ExtraRow[] = [],
  clock: "wall" | "cpu" = "wall",
): Table {
  const per = (m: Measurement): number => (clock === "cpu" ? m.cpuNsPerOp : m.nsPerOp);
  const base = ms.find((m) => m.name === anchor);
  const ratio = (v: number): string => (base !== undefined ? `${(per(base) / v).toFixed(2)}x` : "—");
  return {
    columns: ["workload", "ops per round", `median per op${clock === "cpu" ? " (CPU)" : ""}`, `speed vs ${anchor}`],
    numeric: [false, true, true, true],
    rows: [
      ...ms.map((m) => [m.name, formatCount(m.ops), formatNs(per(m)), ratio(per(m))]),
      ...extra.map((e) => [
        e.name,
        e.ops !== undefined ? formatCount(e.ops) : "—",
        typeof e.value === "number" ? formatNs(e.value) : e.value,
        typeof e.value === "number" ? ratio(e.value) : "—",
      ]),
    ],
  };
}

/** The whole report as Markdown (what stdout shows; docs/benchmarks.md adds a header). */
export function renderReport(report: Report): string {
  const env = report.environment;
  const parts: string[] = [];
  parts.push(`# twisted-ts benchmarks`);
  parts.push(
    [
      `- Machine: ${env.machine}`,
      `- Node ${env.node}; ${env.date}; ${report.mode}`,
      `- ${report.twisted}`,
    ].join("\n"),
  );
  const headlines = report.results.flatMap((r) => r.headlines);
  if (headlines.length > 0) {
    const twistedLabel = /^Twisted \S+/.exec(report.twisted)?.[0] ?? "Twisted";
    parts.push(`## At a glance`);
    parts.push(renderTable(headlineTable(headlines, twistedLabel)));
    parts.push(
      "All figures are medians over several rounds, every workload run side by side with its Node anchor in one process. " +
        "Ratios say how twisted-ts compares (faster, smaller, lower: twisted-ts is better). " +
        "Goals are from docs/design/performance-goals.md; they are reported, not asserted.",
    );
  }
  const growth = report.results.flatMap((r) => r.growth ?? []);
  if (report.results.some((r) => r.growth !== undefined)) {
    parts.push(`## Where per-call cost grows faster than log N`);
    parts.push(
      growth.length === 0
        ? "No series grew faster than log N between two sizes."
        : `Grows faster than log N (a step above log(N)/log(N/10) by more than the noise tolerance):\n\n${growth.map((g) => `- ${g}`).join("\n")}`,
    );
  }
  for (const r of report.results) {
    parts.push(`## ${r.name}`);
    for (const s of r.sections) parts.push(renderSection(s));
  }
  if (report.crashed.length > 0) {
    parts.push(`## Crashed`);
    parts.push(report.crashed.map((c) => `- ${c}`).join("\n"));
  }
  return parts.join("\n\n") + "\n";
}

/** docs/benchmarks.md: a header saying how the file is made, the chart, then the report. */
export function renderDocument(report: Report, chartFile?: string): string {
  const header = [
    "<!-- Generated by bench/index.ts: do not edit by hand. -->",
    "<!-- Written by a full `npm run bench` (every benchmark, not --quick), or by any run given --write. -->",
  ].join("\n");
  const body = renderReport(report);
  const chart = chartFile !== undefined ? `\n![Per-call cost against N, log-log](${chartFile})\n` : "";
  const [title, env, ...rest] = body.split("\n\n");
  const how =
    "Written by a full `npm run bench` (see bench/README.md). Quick runs (`--quick`, as CI runs it) and runs of " +
    "single benchmarks leave this file and the chart alone unless given `--write`.";
  return `${header}\n\n${title}\n\n${env}\n\n${how}\n${chart}\n${rest.join("\n\n")}`;
}
