import { expect } from "chai";
import { Failure } from "../../core/failure";
import { msg } from "../../log";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";

describe("log msg()", () => {
  // These tests log errors on purpose and check them with their own observers.
  loggingOnPurpose();
  const events = collectLogEvents();

  it("logs an info event, not an error, with no namespace or failure", () => {
    msg("hello");
    expect(events).to.have.length(1);
    const e = events[0];
    expect(e.level).to.equal("info");
    expect(e.message).to.equal("hello");
    expect(e.isError).to.equal(false);
    expect(e).not.to.have.property("failure");
    expect(e).not.to.have.property("namespace");
    expect(Math.abs(e.time - Date.now() / 1000)).to.be.lessThan(5);
  });

  it("joins the parts with a space, formatting each like String()", () => {
    msg("a", 1, true, null, undefined, 2n, new Error("e"), [1, 2]);
    expect(events[0].message).to.equal("a 1 true null undefined 2 Error: e 1,2");
  });

  it("uses an object's own toString, and inspects plain objects", () => {
    msg(new Failure("x"), { a: 1 });
    expect(events[0].message).to.equal("[Failure instance: Traceback (failure with no frames): <class 'string'>: x\n] { a: 1 }");
  });

  it("formats values that String() cannot", () => {
    const hostile = {
      toString(): string {
        throw new Error("no");
      },
    };
    msg(Object.create(null), Symbol("s"), hostile);
    expect(events[0].message).to.equal("[Object: null prototype] {} Symbol(s) { toString: [Function: toString] }");
  });

  it("logs an empty message with no parts", () => {
    msg();
    expect(events[0].message).to.equal("");
  });
});
