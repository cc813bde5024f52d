import { expect } from "chai";
import { Failure } from "../../core/failure";
import { err, type LogEvent } from "../../log";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";

describe("log err()", () => {
  // These tests log errors on purpose and check them with their own observers.
  loggingOnPurpose();
  const events = collectLogEvents();

  function only(): LogEvent {
    expect(events).to.have.length(1);
    return events[0];
  }

  function expectErrorShape(e: LogEvent): Failure {
    expect(e.level).to.equal("error");
    expect(e.isError).to.equal(true);
    expect(e.failure).to.be.instanceOf(Failure);
    expect(e.time).to.be.a("number");
    expect(Math.abs(e.time - Date.now() / 1000)).to.be.lessThan(5);
    return e.failure as Failure;
  }

  it("with no argument logs new Failure(), holding Error('Failure with no value')", () => {
    err();
    const e = only();
    const f = expectErrorShape(e);
    expect(f.value).to.be.instanceOf(Error);
    expect(f.getErrorMessage()).to.equal("Failure with no value");
    expect(e.message).to.equal("Failure with no value");
    expect(e).not.to.have.property("why");
  });

  it("with an explicit undefined wraps undefined as the value", () => {
    err(undefined);
    const e = only();
    const f = expectErrorShape(e);
    expect(f.value).to.equal(undefined);
    expect(e.message).to.equal("undefined");
  });

  it("logs a Failure as is (the same object)", () => {
    const f = new Failure(new RangeError("out of range"));
    err(f);
    const e = only();
    expect(expectErrorShape(e)).to.equal(f);
    expect(e.message).to.equal("out of range");
  });

  it("wraps an Error in a Failure", () => {
    const boom = new TypeError("boom");
    err(boom);
    const e = only();
    const f = expectErrorShape(e);
    expect(f.value).to.equal(boom);
    expect(f.type).to.equal(TypeError);
    expect(e.message).to.equal("boom");
  });

  it("wraps a string in a Failure", () => {
    err("plain string");
    const e = only();
    expect(expectErrorShape(e).value).to.equal("plain string");
    expect(e.message).to.equal("plain string");
  });

  it("uses why as the message and records it", () => {
    const boom = new Error("boom");
    err(boom, "while connecting");
    const e = only();
    expect(expectErrorShape(e).value).to.equal(boom);
    expect(e.why).to.equal("while connecting");
    expect(e.message).to.equal("while connecting");
  });

  it("uses why with an explicit undefined failure too", () => {
    err(undefined, "nothing thrown");
    const e = only();
    expect(expectErrorShape(e).value).to.equal(undefined);
    expect(e.message).to.equal("nothing thrown");
  });

  it("copies fields into the event", () => {
    err(new Error("boom"), "why", { namespace: "scheduler", attempt: 3 });
    const e = only();
    expectErrorShape(e);
    expect(e.namespace).to.equal("scheduler");
    expect(e.attempt).to.equal(3);
    expect(e.message).to.equal("why");
  });

  it("copies fields when there is no why", () => {
    err(new Error("boom"), undefined, { namespace: "ns" });
    const e = only();
    expect(e.namespace).to.equal("ns");
    expect(e.message).to.equal("boom");
    expect(e).not.to.have.property("why");
  });

  it("does not let fields make the event a non-error or replace its failure", () => {
    const f = new Failure(new Error("real"));
    err(f, "why", { isError: false, level: "info", failure: "fake", message: "fake", why: "fake" });
    const e = only();
    expect(e.isError).to.equal(true);
    expect(e.level).to.equal("error");
    expect(e.failure).to.equal(f);
    expect(e.message).to.equal("why");
    expect(e.why).to.equal("why");
  });

  it("emits exactly one event per call", () => {
    err(new Error("a"));
    err(new Error("b"), "b why");
    expect(events.map((e) => e.message)).to.deep.equal(["a", "b why"]);
  });
});
