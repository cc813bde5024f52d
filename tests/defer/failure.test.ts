import { expect } from "chai";
import { Failure } from "../../defer";

class Base extends Error {}
class Derived extends Base {}
class Unrelated extends Error {}

describe("Failure", () => {
  it("wraps what was thrown as value, and exposes its constructor as type", () => {
    const e = new Derived("d");
    const f = new Failure(e);
    expect(f.value).to.equal(e);
    expect(f.type).to.equal(Derived);
  });

  it("type is undefined for primitive values", () => {
    expect(new Failure("text").type).to.equal(undefined);
    expect(new Failure(3).type).to.equal(undefined);
    expect(new Failure(null).type).to.equal(undefined);
  });

  it("with no argument holds Error('Failure with no value'); an explicit undefined is the value", () => {
    const none = new Failure();
    expect(none.value).to.be.instanceOf(Error);
    expect(none.getErrorMessage()).to.equal("Failure with no value");
    const undef = new Failure(undefined);
    expect(undef.value).to.equal(undefined);
  });

  it("new Failure(aFailure) takes that Failure's value", () => {
    const e = new Base("b");
    const inner = new Failure(e);
    const outer = new Failure(inner);
    expect(outer.value).to.equal(e);
  });

  it("check returns the first matching type (instanceof), else null", () => {
    const f = new Failure(new Derived());
    expect(f.check(Unrelated, Base, Derived)).to.equal(Base);
    expect(f.check(Derived)).to.equal(Derived);
    expect(f.check(Unrelated)).to.equal(null);
    expect(f.check()).to.equal(null);
  });

  it("check also matches class names anywhere in the prototype chain", () => {
    const f = new Failure(new Derived());
    expect(f.check("Base")).to.equal("Base");
    expect(f.check("Unrelated")).to.equal(null);
  });

  it("check tolerates things instanceof cannot test", () => {
    const f = new Failure(new Base());
    expect(f.check({} as never)).to.equal(null);
    expect(new Failure(5).check(Number)).to.equal(null);
  });

  it("trap returns the matching type, or throws this very Failure", () => {
    const f = new Failure(new Derived());
    expect(f.trap(Base)).to.equal(Base);
    let thrown: unknown;
    try {
      f.trap(Unrelated);
    } catch (x) {
      thrown = x;
    }
    expect(thrown).to.equal(f);
  });

  it("getErrorMessage: an Error's message, String(value) otherwise, never throwing", () => {
    expect(new Failure(new Error("msg")).getErrorMessage()).to.equal("msg");
    expect(new Failure(42).getErrorMessage()).to.equal("42");
    expect(new Failure("s").getErrorMessage()).to.equal("s");
    const evil = {
      toString(): string {
        throw new Error("no");
      },
    };
    expect(new Failure(evil).getErrorMessage()).to.equal("[object Object]");
    expect(new Failure(Object.create(null)).getErrorMessage()).to.equal("[object Object]");
  });

  it("getTraceback includes the type, message and the value's stack", () => {
    function thrower(): never {
      throw new Derived("deep");
    }
    let f: Failure | undefined;
    try {
      thrower();
    } catch (e) {
      f = new Failure(e);
    }
    const tb = f.getTraceback();
    expect(tb).to.match(/Derived: deep/);
    expect(tb).to.match(/thrower/);
  });

  it("getTraceback of a non-Error says there is no stack", () => {
    const tb = new Failure("just text").getTraceback();
    expect(tb).to.match(/string: just text/);
    expect(tb).to.match(/not an Error/);
  });

  it("raiseException throws the value itself", () => {
    const e = new Base("raise");
    expect(() => new Failure(e).raiseException()).to.throw(e);
  });

  it("cleanFailure keeps the traceback text", () => {
    const f = new Failure(new Base("kept"));
    const before = f.getTraceback();
    f.cleanFailure();
    expect(f.getTraceback()).to.equal(before);
  });

  it("toString is Twisted's [Failure instance: <brief traceback>]", () => {
    const f = new Failure(new Derived("x"));
    expect(String(f)).to.equal(`[Failure instance: ${f.getBriefTraceback()}]`);
    expect(String(f)).to.match(/^\[Failure instance: Traceback: <class 'Derived'>: x\n/);
    expect(String(f)).to.match(/failure\.test\.ts:\d+:Context\.<anonymous>\n\]$/);
    expect(String(new Failure(7))).to.equal("[Failure instance: Traceback (failure with no frames): <class 'number'>: 7\n]");
  });

  it("getBriefTraceback lists file:line:function frames, outermost first", () => {
    function thrower(): never {
      throw new Derived("deep");
    }
    let f: Failure | undefined;
    try {
      thrower();
    } catch (e) {
      f = new Failure(e);
    }
    const lines = f.getBriefTraceback().trimEnd().split("\n");
    expect(lines[0]).to.equal("Traceback: <class 'Derived'>: deep");
    expect(lines[lines.length - 1]).to.match(/failure\.test\.ts:\d+:thrower$/);
    expect(lines[lines.length - 2]).to.match(/failure\.test\.ts:\d+:Context\.<anonymous>$/);
    expect(new Failure(null).getBriefTraceback()).to.equal("Traceback (failure with no frames): <class 'null'>: null\n");
  });

  it("getTraceback does not repeat the head in the stack's first line", () => {
    const f = new Failure(new Derived("once"));
    const text = f.getTraceback();
    expect(text.split("\n")[0]).to.equal("Traceback (failure): Derived: once");
    expect(text.match(/once/g)).to.have.length(1);
    expect(text.split("\n")[1]).to.match(/^\s+at /);
  });
});
