import { expect } from "chai";
import { inspect } from "node:util";
import { extractField, flatFormat, flattenEvent, formatEvent, FormatError } from "../../log";

// As twisted.logger.test.test_flatten.
describe("log flattenEvent / extractField / flatFormat", () => {
  class ObjectWithRepr {
    [inspect.custom](): string {
      return "repr";
    }
    toString(): string {
      return "str";
    }
  }

  it("keeps each field's text and value so the event formats without its own keys", () => {
    let counter = 0;
    const event: Record<string, unknown> = {
      log_format: "callable: {callme()} repr: {some!r} str: {some!s} {some.number} {unpersistable}",
      callme: () => ++counter,
      some: { number: 7, toString: () => "some" },
      unpersistable: new ObjectWithRepr(),
    };
    flattenEvent(event);
    const flattened = event.log_flattened as Record<string, unknown>;
    expect(flattened["callme()!s:"]).to.equal("1");
    expect(flattened["some.number!s:"]).to.equal("7");
    expect(flattened["some.number!:"]).to.equal(7);
    expect(flattened["unpersistable!s:"]).to.equal("str");
    const bare = { log_format: event.log_format, log_flattened: flattened };
    expect(formatEvent(bare)).to.equal(formatEvent(event));
    expect(flatFormat(bare)).to.equal("callable: 1 repr: { number: 7, toString: [Function: toString] } str: some 7 str");
    expect(counter).to.equal(1);
  });

  it("numbers repeated fields as Twisted: key, key/2", () => {
    const event: Record<string, unknown> = { log_format: "{x} {x!r} {x}", x: 1 };
    flattenEvent(event);
    expect(Object.keys(event.log_flattened as object)).to.deep.equal(["x!s:", "x!:", "x!r:", "x!:/2", "x!s:/2", "x!:/3"]);
  });

  it("applies the spec in the flattened text", () => {
    const event = { log_format: "{f:.2f}", f: 3.14159 };
    flattenEvent(event);
    expect(flatFormat(event)).to.equal("3.14");
  });

  it("does nothing to an event without a format, or with one without fields", () => {
    const a = { a: "b", c: 1 };
    flattenEvent(a);
    expect(a).to.deep.equal({ a: "b", c: 1 });
    const b = { log_format: "simple message", a: "b" };
    flattenEvent(b);
    expect(b).to.deep.equal({ log_format: "simple message", a: "b" });
  });

  it("extractField gives a field of the format: its value, or its text with a conversion", () => {
    const event = { log_format: "{something.number} {something.object}", something: { number: 7, object: new ObjectWithRepr() } };
    expect(extractField("something.number", event)).to.equal(7);
    expect(extractField("something.number!s", event)).to.equal("7");
    expect(extractField("something.object!s", event)).to.equal("str");
    expect(() => extractField("other", event)).to.throw(FormatError, "'other!:'");
  });
});
