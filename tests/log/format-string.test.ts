import { expect } from "chai";
import { FormatError, formatWithCall, parseFormat, repr, str } from "../../log";

// Expected values are what Python 3 (string.Formatter, as twisted.logger uses it) prints.
describe("log formatWithCall (PEP 3101)", () => {
  it("substitutes named fields, !r, !s, attributes, items and {{ }}", () => {
    const fields = { x: 1, d: { k: "v", 0: "zero" }, o: "abc", s: "it's" };
    expect(formatWithCall("err {x} {{lit}} {d[k]} {d[0]} {o.length} {s!r} {s!s}", fields)).to.equal(
      `err 1 {lit} v zero 3 "it's" it's`,
    );
  });

  it("gives the issue's example", () => {
    expect(formatWithCall("value {value!r} doing {something}.", { value: 7, something: "a task" })).to.equal(
      "value 7 doing a task.",
    );
    expect(formatWithCall("{s!r}", { s: "a task" })).to.equal("'a task'");
  });

  it("calls a field written name()", () => {
    expect(formatWithCall("{string}, {function()}.", { string: "just a string", function: () => "a function" })).to.equal(
      "just a string, a function.",
    );
  });

  it("looks up Map entries and array indexes, nested", () => {
    const m = new Map<string, unknown>([["k", [10, { deep: "yes" }]]]);
    expect(formatWithCall("{m[k][1].deep} {a[2]}", { m, a: ["x", "y", "z"] })).to.equal("yes z");
  });

  const specs: Array<[string, string]> = [
    ["{n:+d}", "+42"],
    ["{n: d}", " 42"],
    ["{f:e}", "1.234568e+03"],
    ["{f:.3g}", "1.23e+03"],
    ["{f:g}", "1234.57"],
    ["{g:g}", "1.234e-05"],
    ["{h:%}", "25.600000%"],
    ["{f:10.3f}|", "  1234.568|"],
    ["{s:*^9}", "***abc***"],
    ["{s:.2}", "ab"],
    ["{n:#x}", "0x2a"],
    ["{n:#b}", "0b101010"],
    ["{big:,}", "1,234,567"],
    ["{f:,.2f}", "1,234.57"],
    ["{n:=+6}", "+   42"],
    ["{f:.0f}", "1235"],
    ["{f:.10g}", "1234.5678"],
    ["{g:.2e}", "1.23e-05"],
    ["{n:08.3f}", "0042.000"],
    ["{h:.1%}", "25.6%"],
    ["{big:_x}", "12_d687"],
    ["{n:>5}|{n:<5}|{n:^5}|{n:05d}", "   42|42   | 42  |00042"],
    ["{s:>{w}}", "     abc"],
  ];
  for (const [format, expected] of specs) {
    it(`format spec ${format} gives ${JSON.stringify(expected)} as Python`, () => {
      const values = { n: 42, f: 1234.5678, g: 0.00001234, h: 0.256, s: "abc", big: 1234567, w: 8 };
      expect(formatWithCall(format, values)).to.equal(expected);
    });
  }

  const errors: Array<[string, object, string]> = [
    ["a {b", {}, "expected '}' before end of string"],
    ["a }", {}, "Single '}' encountered in format string"],
    ["{x!z}", { x: 1 }, "Unknown conversion specifier z"],
    ["{0}", { x: 1 }, "tuple index out of range"],
    ["{}", { x: 1 }, "tuple index out of range"],
    ["{x[y]}", { x: {} }, "'y'"],
    ["{missing}", {}, "'missing'"],
    ["{x.y}", { x: 1 }, "'number' object has no attribute 'y'"],
    ["{x:d}", { x: 1.5 }, "Unknown format code 'd' for object of type 'float'"],
  ];
  for (const [format, values, message] of errors) {
    it(`${format} fails with ${message}`, () => {
      expect(() => formatWithCall(format, values)).to.throw(FormatError, message);
    });
  }

  it("parseFormat splits literal text and fields as string.Formatter.parse", () => {
    expect(parseFormat("a{b!r:>3}c{{d}}{e[x:y]}")).to.deep.equal([
      { literal: "a", fieldName: "b", conversion: "r", formatSpec: ">3" },
      { literal: "c{d}", fieldName: "e[x:y]", conversion: undefined, formatSpec: "" },
    ]);
    expect(parseFormat("plain")).to.deep.equal([{ literal: "plain" }]);
  });

  it("shows a class or function by its name only", () => {
    class Thing {
      static log = 1;
    }
    function helper(): void {}
    expect(formatWithCall("{c} {c!r} {f} {a}", { c: Thing, f: helper, a: () => 1 })).to.equal(
      "[class Thing] [class Thing] [Function: helper] [Function: a]",
    );
  });

  it("repr quotes strings; str leaves them and inspects arrays; neither throws", () => {
    expect(repr("x")).to.equal("'x'");
    // As Python's repr(): the quote it picks, its escapes; printable non-ASCII kept.
    expect(repr(`a'b"c`)).to.equal(`'a\\'b"c'`);
    expect(repr("\u00e9\u2028\x00\x7f\u{1F600} \u00a0")).to.equal("'\u00e9\\u2028\\x00\\x7f\u{1F600} \\xa0'");
    expect(repr("\\")).to.equal("'\\\\'");
    expect(repr(Buffer.from("a'"))).to.equal(`b"a'"`);
    expect(str("x")).to.equal("x");
    expect(str([1, "x", null])).to.equal("[ 1, 'x', null ]");
    const hostile = new Proxy({}, { get: () => { throw new Error("no"); }, ownKeys: () => { throw new Error("no"); } });
    expect(repr(hostile)).to.be.a("string");
    expect(str(hostile)).to.be.a("string");
  });
});

describe("log formatWithCall rounds exact ties to even, as Python", () => {
  const cases: Array<[string, number, string]> = [
    ["{x:.1f}", 0.25, "0.2"],
    ["{x:.1f}", 0.35, "0.3"], // 0.35 is below the tie in binary
    ["{x:.0f}", 2.5, "2"],
    ["{x:.0f}", 3.5, "4"],
    ["{x:.1e}", 1250, "1.2e+03"],
    ["{x:.2g}", 0.125, "0.12"],
    ["{x:.0%}", 0.125, "12%"],
    ["{x:.2f}", 1.005, "1.00"],
  ];
  for (const [format, x, expected] of cases) {
    it(`${format} of ${x} gives ${expected}`, () => {
      expect(formatWithCall(format, { x })).to.equal(expected);
    });
  }
});
