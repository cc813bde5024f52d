import { expect } from "chai";
import { className, describeValue, isThenable, textOf } from "../../core/validate";
import { Factory } from "../../net/factory";

describe("core/validate: textOf", () => {
  it("shows an object by its own toString(), as String() does", () => {
    expect(textOf(new Factory())).to.equal("<Factory>");
    expect(textOf({ toString: () => "custom" })).to.equal("custom");
    expect(textOf(new Error("boom"))).to.equal("Error: boom");
    expect(textOf([1, 2])).to.equal("1,2");
  });

  it("describes an object without one instead of printing [object Object]", () => {
    const plain = { a: 1, b: "x" };
    expect(textOf(plain)).to.equal(describeValue(plain));
    expect(textOf(plain)).to.equal("{ a: 1, b: 'x' }");
    class Producer {
      stopProducing(): void {}
    }
    expect(textOf(new Producer())).to.equal("Producer {}");
  });

  it("shows primitives as String() does", () => {
    expect(textOf("text")).to.equal("text");
    expect(textOf(42)).to.equal("42");
    expect(textOf(undefined)).to.equal("undefined");
    expect(textOf(null)).to.equal("null");
    expect(textOf(Symbol("s"))).to.equal("Symbol(s)");
  });

  it("throws what String() throws", () => {
    const bad = {
      toString(): string {
        throw new RangeError("no text");
      },
    };
    expect(() => textOf(bad)).to.throw(RangeError, "no text");
  });
});

describe("core/validate: isThenable", () => {
  it("is true for Promises and objects or functions with a then method, false otherwise", () => {
    expect(isThenable(Promise.resolve(1))).to.equal(true);
    expect(isThenable({ then: () => undefined })).to.equal(true);
    expect(isThenable(Object.assign(() => 1, { then: () => undefined }))).to.equal(true);
    for (const v of [null, undefined, 0, "then", { then: 1 }, () => 1]) expect(isThenable(v), describeValue(v)).to.equal(false);
  });

  it("throws what a hostile then getter throws", () => {
    const hostile = Object.defineProperty({}, "then", {
      get() {
        throw new RangeError("no then");
      },
    });
    expect(() => isThenable(hostile)).to.throw(RangeError, "no then");
  });
});

describe("core/validate: className", () => {
  it("is the class name of an instance", () => {
    class Named {}
    expect(className(new Named())).to.equal("Named");
    expect(className(new Factory())).to.equal("Factory");
  });

  it("skips anonymous classes up to the nearest named one", () => {
    const Anonymous = (() => class extends Factory {})();
    expect(Anonymous.name).to.equal("");
    expect(className(new Anonymous())).to.equal("Factory");
    const Deeper = (() => class extends Anonymous {})();
    expect(className(new Deeper())).to.equal("Factory");
  });

  it("is Object for plain and prototype-less objects", () => {
    expect(className({})).to.equal("Object");
    expect(className(Object.create(null) as object)).to.equal("Object");
  });
});
