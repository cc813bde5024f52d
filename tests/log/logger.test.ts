import { expect } from "chai";
import { Failure } from "../../core/failure";
import { Logger, type LogLevel } from "../../log";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";

describe("log Logger", () => {
  // These tests log errors on purpose and check them with their own observers.
  loggingOnPurpose();
  const events = collectLogEvents();

  const cases: Array<[LogLevel, boolean]> = [
    ["debug", false],
    ["info", false],
    ["warn", false],
    ["error", true],
    ["critical", true],
  ];
  for (const [level, isError] of cases) {
    it(`${level}() emits level ${level}, the namespace and message, isError ${isError}`, () => {
      const log = new Logger("scheduler");
      log[level](`a ${level} message`);
      expect(events).to.have.length(1);
      const e = events[0];
      expect(e.level).to.equal(level);
      expect(e.namespace).to.equal("scheduler");
      expect(e.message).to.equal(`a ${level} message`);
      expect(e.isError).to.equal(isError);
      expect(e).not.to.have.property("failure");
      expect(Math.abs(e.time - Date.now() / 1000)).to.be.lessThan(5);
    });
  }

  it("exposes its namespace, and omits it from events when it has none", () => {
    expect(new Logger("ns").namespace).to.equal("ns");
    const log = new Logger();
    expect(log.namespace).to.equal(undefined);
    log.info("no namespace");
    expect(events[0]).not.to.have.property("namespace");
  });

  it("copies fields into the event without letting them override the standard keys", () => {
    new Logger("ns").info("started", { tasks: 3, level: "critical", isError: true, message: "other" });
    const e = events[0];
    expect(e.tasks).to.equal(3);
    expect(e.level).to.equal("info");
    expect(e.isError).to.equal(false);
    expect(e.message).to.equal("started");
  });

  it("lets a namespace field replace the logger's for that event", () => {
    const log = new Logger("outer");
    log.warn("w", { namespace: "inner" });
    log.warn("w");
    expect(events.map((e) => e.namespace)).to.deep.equal(["inner", "outer"]);
  });

  describe("failure()", () => {
    it("emits a critical error event carrying the given Failure", () => {
      const f = new Failure(new Error("boom"));
      new Logger("ns").failure("tick failed", f, { tick: 7 });
      expect(events).to.have.length(1);
      const e = events[0];
      expect(e.level).to.equal("critical");
      expect(e.isError).to.equal(true);
      expect(e.namespace).to.equal("ns");
      expect(e.message).to.equal("tick failed");
      expect(e.failure).to.equal(f);
      expect(e.tick).to.equal(7);
    });

    it("wraps a non-Failure value", () => {
      const boom = new Error("boom");
      new Logger("ns").failure("m", boom);
      expect(events[0].failure).to.be.instanceOf(Failure);
      expect(events[0].failure?.value).to.equal(boom);
    });

    it("uses new Failure() when no failure is given", () => {
      new Logger("ns").failure("m");
      const f = events[0].failure;
      expect(f).to.be.instanceOf(Failure);
      expect(f?.getErrorMessage()).to.equal("Failure with no value");
      expect(events[0].isError).to.equal(true);
    });

    it("wraps an explicit undefined as the value", () => {
      new Logger("ns").failure("m", undefined);
      const f = events[0].failure;
      expect(f).to.be.instanceOf(Failure);
      expect(f?.value).to.equal(undefined);
    });
  });

  it("never throws, even for a message that is not a string", () => {
    const hostile = {
      toString(): string {
        throw new Error("no");
      },
    };
    expect(() => new Logger("ns").error(hostile as unknown as string)).not.to.throw();
    expect(events).to.have.length(1);
    expect(events[0].message).to.be.a("string");
  });
});
