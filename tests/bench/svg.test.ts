import { expect } from "chai";
import { decadeDomain, drawChart, escapeXml, formatNsShort, logScale, type ChartSeries } from "../../bench/svg";
import { parseXml, type XmlElement } from "./xml";

const sizes = [1e3, 1e4, 1e5, 1e6];
const series = (): ChartSeries[] => [
  { name: "reactor fired", color: "#1f77b4", points: sizes.map((x, i) => ({ x, y: 400 + 10 * i })) },
  { name: "setTimeout fired", color: "#2ca02c", points: sizes.map((x) => ({ x, y: 900 })) },
  { name: "Twisted fired", color: "#ff7f0e", points: sizes.map((x) => ({ x, y: 8000 })) },
  { name: "reactor schedule+cancel", color: "#1f77b4", dashed: true, marker: "square", points: sizes.map((x) => ({ x, y: 120 })) },
];

function chart(s: ChartSeries[] = series(), title = "per-call cost"): { svg: string; els: XmlElement[] } {
  const svg = drawChart({ title, subtitle: "2025-01-01 · test machine", xLabel: "N", yLabel: "ns per call", series: s, xDomain: [1e3, 1e6] });
  return { svg, els: parseXml(svg) };
}

/** The series groups, by name, with their polyline's points as numbers. */
function groups(els: XmlElement[]): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  let current: string | undefined;
  for (const el of els) {
    if (el.name === "g") current = el.attrs.class === "series" ? el.attrs["data-name"] : undefined;
    if (el.name === "polyline" && current !== undefined) {
      out.set(
        current,
        el.attrs.points.split(" ").map((p) => p.split(",").map(Number) as [number, number]),
      );
    }
  }
  return out;
}

describe("bench/svg: the log-log chart", () => {
  it("is a well-formed SVG document with one polyline per series and a legend entry each", () => {
    const { svg, els } = chart();
    expect(svg.startsWith("<?xml")).to.equal(true);
    const root = els[0];
    expect(root.name).to.equal("svg");
    expect(root.attrs.xmlns).to.equal("http://www.w3.org/2000/svg");
    expect(root.attrs.viewBox).to.match(/^0 0 \d+ \d+$/);
    const g = groups(els);
    expect([...g.keys()]).to.deep.equal(["reactor fired", "setTimeout fired", "Twisted fired", "reactor schedule+cancel"]);
    for (const pts of g.values()) expect(pts).to.have.length(4);
    const texts = els.filter((e) => e.name === "text").map((e) => e.text);
    for (const s of series()) expect(texts).to.include(s.name);
    expect(texts).to.include("per-call cost");
    expect(texts).to.include("N");
    expect(texts).to.include("ns per call");
    expect(svg).not.to.match(/NaN|undefined|Infinity/);
  });

  it("places points on log axes: one decade is the same distance everywhere, bigger is higher", () => {
    const { els } = chart();
    const fired = groups(els).get("reactor fired") ?? [];
    const xs = fired.map(([x]) => x);
    const steps = xs.slice(1).map((x, i) => x - xs[i]);
    for (const d of steps) expect(d).to.be.closeTo(steps[0], 0.2);
    expect(steps[0]).to.be.greaterThan(0);
    // 120 ns (schedule+cancel) is below 900 ns (setTimeout) which is below 8000 ns (Twisted): SVG y grows downwards.
    const y = (name: string): number => (groups(els).get(name) ?? [])[0][1];
    expect(y("reactor schedule+cancel")).to.be.greaterThan(y("setTimeout fired"));
    expect(y("setTimeout fired")).to.be.greaterThan(y("Twisted fired"));
    const s = logScale([10, 1e4], [300, 0]);
    expect(s(10)).to.equal(300);
    expect(s(1e4)).to.equal(0);
    expect(s(100)).to.be.closeTo(200, 1e-9);
  });

  it("dashes the schedule+cancel series and draws its markers as squares", () => {
    const { els } = chart();
    const lines = els.filter((e) => e.name === "polyline");
    expect(lines.filter((l) => l.attrs["stroke-dasharray"] !== undefined)).to.have.length(1);
    expect(els.filter((e) => e.name === "rect" && e.attrs.width === "7")).to.have.length(4 + 1); // 4 points + the legend's
  });

  it("lists a series without points in the legend with its note, and draws no line for it", () => {
    const s = series();
    s[2] = { ...s[2], points: [], note: "not available" };
    const { els } = chart(s);
    expect(groups(els).has("Twisted fired")).to.equal(false);
    expect(els.filter((e) => e.name === "text").map((e) => e.text)).to.include("Twisted fired (not available)");
  });

  it("escapes text, and stays well-formed with no data at all", () => {
    const { svg } = chart([{ name: "a < b & c", color: "red", points: [{ x: 1e3, y: 0 }, { x: 1e4, y: NaN }] }], 'x "<&>"');
    expect(svg).to.include("a &lt; b &amp; c (no data)");
    expect(svg).to.include("x &quot;&lt;&amp;&gt;&quot;");
    expect(svg).not.to.match(/NaN/);
    expect(escapeXml(`<'&">`)).to.equal("&lt;&apos;&amp;&quot;&gt;");
  });

  it("spans whole decades around the data, and labels ns compactly", () => {
    expect(decadeDomain([120, 8000], [1, 10])).to.deep.equal([100, 10000]);
    expect(decadeDomain([100, 100], [1, 10])).to.deep.equal([100, 1000]);
    expect(decadeDomain([], [1, 10])).to.deep.equal([1, 10]);
    expect(formatNsShort(100)).to.equal("100 ns");
    expect(formatNsShort(2000)).to.equal("2 µs");
    expect(formatNsShort(1e6)).to.equal("1 ms");
  });

  it("the checker itself rejects malformed documents", () => {
    expect(() => parseXml("<svg><g></svg>")).to.throw();
    expect(() => parseXml('<svg a="1" a="2"/>')).to.throw(/duplicate/);
    expect(() => parseXml("<svg>a & b</svg>")).to.throw(/&/);
    expect(() => parseXml("<svg/><svg/>")).to.throw(/second root/);
    expect(() => parseXml("<svg x=1/>")).to.throw(/malformed/);
  });
});
