/**
 * A log-log line chart as a standalone SVG document, written by hand (no charting dependency):
 * the per-call cost of each implementation against N, as docs/benchmarks.svg shows it.
 */

/** One point: x (N) and y (ns per call), both positive. */
export interface ChartPoint {
  x: number;
  y: number;
}

/** One line of the chart. */
export interface ChartSeries {
  name: string;
  /** A CSS colour. */
  color: string;
  /** Dashed line (the chart uses it for the schedule+cancel family). */
  dashed?: boolean;
  marker?: "circle" | "square";
  /** Points with a non-positive or non-finite coordinate are left out (log axes). */
  points: ChartPoint[];
  /** Shown in the legend after the name, e.g. "not available". */
  note?: string;
}

/** What to draw. */
export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** The x range; default: the decades spanning the data. */
  xDomain?: [number, number];
  width?: number;
  height?: number;
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
}

/** Escapes text for an XML text node or attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);
}

/** The decades [10^floor(log10 min), 10^ceil(log10 max)] around positive values (at least one decade wide). */
export function decadeDomain(values: readonly number[], fallback: [number, number]): [number, number] {
  const vs = values.filter((v) => v > 0 && Number.isFinite(v));
  if (vs.length === 0) return fallback;
  const lo = Math.floor(Math.log10(Math.min(...vs)) + 1e-9);
  let hi = Math.ceil(Math.log10(Math.max(...vs)) - 1e-9);
  if (hi <= lo) hi = lo + 1;
  return [10 ** lo, 10 ** hi];
}

/** A log10 scale from `domain` onto the pixel `range`. */
export function logScale(domain: [number, number], range: [number, number]): (v: number) => number {
  const d0 = Math.log10(domain[0]);
  const span = Math.log10(domain[1]) - d0;
  return (v) => range[0] + ((Math.log10(v) - d0) / span) * (range[1] - range[0]);
}

/** Compact nanoseconds for axis labels: 100 → "100 ns", 2000 → "2 µs", 1e6 → "1 ms". */
export function formatNsShort(ns: number): string {
  const trim = (x: number): string => String(Number(x.toPrecision(3)));
  if (ns >= 1e9) return `${trim(ns / 1e9)} s`;
  if (ns >= 1e6) return `${trim(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${trim(ns / 1e3)} µs`;
  return `${trim(ns)} ns`;
}

/** "1e3" style labels for powers of ten, plain numbers otherwise. */
export function formatPowerOfTen(x: number): string {
  const e = Math.log10(x);
  return Number.isInteger(Math.round(e * 1e9) / 1e9) ? `1e${Math.round(e)}` : String(x);
}

const r1 = (v: number): string => String(Math.round(v * 10) / 10);

function usable(points: readonly ChartPoint[]): ChartPoint[] {
  return points.filter((p) => p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
}

/** The powers of ten within [lo, hi], and the 2x and 5x ticks between them. */
function ticks(domain: [number, number]): { major: number[]; minor: number[] } {
  const major: number[] = [];
  const minor: number[] = [];
  for (let e = Math.round(Math.log10(domain[0])); 10 ** e <= domain[1] * (1 + 1e-9); e++) {
    major.push(10 ** e);
    for (const m of [2, 5]) if (m * 10 ** e < domain[1]) minor.push(m * 10 ** e);
  }
  return { major, minor };
}

function marker(kind: "circle" | "square", x: number, y: number, color: string, tip: string): string {
  const title = `<title>${escapeXml(tip)}</title>`;
  if (kind === "square") {
    return `<rect x="${r1(x - 3.5)}" y="${r1(y - 3.5)}" width="7" height="7" fill="${escapeXml(color)}">${title}</rect>`;
  }
  return `<circle cx="${r1(x)}" cy="${r1(y)}" r="4" fill="${escapeXml(color)}">${title}</circle>`;
}

/**
 * Draws the chart: log-log axes with decade grid lines and labels, one polyline with markers
 * per series (each marker has a tooltip with its figure), a legend, axis labels and the title.
 * @returns a complete SVG document (UTF-8 text).
 */
export function drawChart(spec: ChartSpec): string {
  const width = spec.width ?? 880;
  const height = spec.height ?? 520;
  const formatX = spec.formatX ?? formatPowerOfTen;
  const formatY = spec.formatY ?? formatNsShort;
  const series = spec.series.map((s) => ({ ...s, points: usable(s.points) }));
  const all = series.flatMap((s) => s.points);
  const xDomain = spec.xDomain ?? decadeDomain(all.map((p) => p.x), [1e3, 1e6]);
  const yDomain = decadeDomain(all.map((p) => p.y), [10, 1e4]);
  const left = 84;
  const top = spec.subtitle !== undefined ? 74 : 56;
  const legendWidth = 250;
  const right = width - legendWidth;
  const bottom = height - 64;
  const sx = logScale(xDomain, [left, right]);
  const sy = logScale(yDomain, [bottom, top]);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<title>${escapeXml(spec.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="26" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`);
  if (spec.subtitle !== undefined) out.push(`<text x="${left}" y="46" fill="#555555">${escapeXml(spec.subtitle)}</text>`);

  // Grid and axes.
  out.push(`<g class="grid" stroke-width="1">`);
  const xt = ticks(xDomain);
  const yt = ticks(yDomain);
  for (const v of yt.minor) out.push(`<line x1="${left}" y1="${r1(sy(v))}" x2="${right}" y2="${r1(sy(v))}" stroke="#f0f0f0"/>`);
  for (const v of xt.major) out.push(`<line x1="${r1(sx(v))}" y1="${top}" x2="${r1(sx(v))}" y2="${bottom}" stroke="#dddddd"/>`);
  for (const v of yt.major) out.push(`<line x1="${left}" y1="${r1(sy(v))}" x2="${right}" y2="${r1(sy(v))}" stroke="#dddddd"/>`);
  out.push(`</g>`);
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333333"/>`);
  out.push(`<g class="x-axis" text-anchor="middle">`);
  for (const v of xt.major) out.push(`<text x="${r1(sx(v))}" y="${bottom + 18}">${escapeXml(formatX(v))}</text>`);
  out.push(`<text x="${r1((left + right) / 2)}" y="${bottom + 44}" font-size="13">${escapeXml(spec.xLabel)}</text>`);
  out.push(`</g>`);
  out.push(`<g class="y-axis" text-anchor="end">`);
  for (const v of yt.major) out.push(`<text x="${left - 8}" y="${r1(sy(v) + 4)}">${escapeXml(formatY(v))}</text>`);
  for (const v of yt.minor) {
    out.push(`<text x="${left - 8}" y="${r1(sy(v) + 4)}" fill="#999999" font-size="10">${escapeXml(formatY(v))}</text>`);
  }
  const cy = r1((top + bottom) / 2);
  out.push(`<text x="22" y="${cy}" transform="rotate(-90 22 ${cy})" text-anchor="middle" font-size="13">${escapeXml(spec.yLabel)}</text>`);
  out.push(`</g>`);

  // Series.
  for (const s of series) {
    if (s.points.length === 0) continue;
    const color = escapeXml(s.color);
    out.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    const pts = s.points.map((p) => `${r1(sx(p.x))},${r1(sy(p.y))}`).join(" ");
    const dash = s.dashed === true ? ` stroke-dasharray="6 4"` : "";
    out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const p of s.points) {
      out.push(marker(s.marker ?? "circle", sx(p.x), sy(p.y), s.color, `${s.name}, N=${formatX(p.x)}: ${formatY(p.y)} per call`));
    }
    out.push(`</g>`);
  }

  // Legend.
  const lx = right + 20;
  out.push(`<g class="legend">`);
  series.forEach((s, i) => {
    const y = top + 10 + i * 24;
    const empty = s.points.length === 0;
    const color = empty ? "#bbbbbb" : s.color;
    const dash = s.dashed === true ? ` stroke-dasharray="6 4"` : "";
    out.push(`<line x1="${lx}" y1="${y}" x2="${lx + 28}" y2="${y}" stroke="${escapeXml(color)}" stroke-width="2"${dash}/>`);
    out.push(marker(s.marker ?? "circle", lx + 14, y, color, s.name));
    const note = s.note ?? (empty ? "no data" : undefined);
    const label = note !== undefined ? `${s.name} (${note})` : s.name;
    out.push(`<text x="${lx + 36}" y="${y + 4}"${empty ? ` fill="#888888"` : ""}>${escapeXml(label)}</text>`);
  });
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
