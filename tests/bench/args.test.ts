import { expect } from "chai";
import { DEFAULT_PYTHON, parseArgs, selected, shouldWrite, usage, type BenchOptions } from "../../bench/args";

const known = ["timers", "memory", "deferred"];

function ok(argv: string[]): BenchOptions {
  const r = parseArgs(argv, known);
  if ("error" in r) throw new Error(r.error);
  return r.options;
}

function error(argv: string[]): string {
  const r = parseArgs(argv, known);
  if (!("error" in r)) throw new Error(`expected an error for ${argv.join(" ")}`);
  return r.error;
}

describe("bench/args: the command line", () => {
  it("defaults: every benchmark, full sizes, Twisted with /usr/bin/python3", () => {
    expect(ok([])).to.deep.equal({ names: [], quick: false, write: undefined, python: DEFAULT_PYTHON, twisted: true, sources: false, help: false });
    expect(DEFAULT_PYTHON).to.equal("/usr/bin/python3");
  });

  it("takes benchmark names (once each) and options in any order", () => {
    const o = ok(["deferred", "--quick", "timers", "deferred"]);
    expect(o.names).to.deep.equal(["deferred", "timers"]);
    expect(o.quick).to.equal(true);
    expect(ok(["--write"]).write).to.equal(true);
    expect(ok(["--no-write"]).write).to.equal(false);
    expect(ok(["--no-twisted"]).twisted).to.equal(false);
    expect(ok(["--sources"]).sources).to.equal(true);
    expect(ok(["--help"]).help).to.equal(true);
    expect(ok(["-h"]).help).to.equal(true);
  });

  it("takes --python PATH and --python=PATH", () => {
    expect(ok(["--python", "/opt/py/bin/python3"]).python).to.equal("/opt/py/bin/python3");
    expect(ok(["--python=/x/python"]).python).to.equal("/x/python");
    expect(error(["--python"])).to.match(/--python needs a path/);
    expect(error(["--python="])).to.match(/--python needs a path/);
  });

  it("rejects unknown options and benchmarks, naming the known ones", () => {
    expect(error(["--fast"])).to.equal("unknown option --fast");
    expect(error(["timer"])).to.equal("unknown benchmark timer; known: timers, memory, deferred");
  });

  it("writes docs only on a full run of everything, unless --write / --no-write say otherwise", () => {
    expect(shouldWrite(ok([]), known)).to.equal(true);
    expect(shouldWrite(ok(["--quick"]), known)).to.equal(false);
    expect(shouldWrite(ok(["deferred"]), known)).to.equal(false);
    expect(shouldWrite(ok(["timers", "memory", "deferred"]), known)).to.equal(true);
    expect(shouldWrite(ok(["--quick", "--write"]), known)).to.equal(true);
    expect(shouldWrite(ok(["deferred", "--write"]), known)).to.equal(true);
    expect(shouldWrite(ok(["--no-write"]), known)).to.equal(false);
  });

  it("selects the named benchmarks in the registry's order, or all", () => {
    const registry = known.map((name) => ({ name }));
    expect(selected(ok([]), registry).map((b) => b.name)).to.deep.equal(known);
    expect(selected(ok(["deferred", "timers"]), registry).map((b) => b.name)).to.deep.equal(["timers", "deferred"]);
  });

  it("usage lists every benchmark and option", () => {
    const text = usage(known.map((name) => ({ name, description: `the ${name} one` })));
    for (const k of known) expect(text).to.include(`the ${k} one`);
    for (const opt of ["--quick", "--write", "--no-write", "--python", "--no-twisted"]) expect(text).to.include(opt);
  });
});
