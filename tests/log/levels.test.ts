import { expect } from "chai";
import { InvalidLogLevelError, LogLevel } from "../../log";

describe("log LogLevel", () => {
  it("has Twisted's five levels, in order, each its own name", () => {
    expect(LogLevel.iterconstants()).to.deep.equal(["debug", "info", "warn", "error", "critical"]);
    expect([LogLevel.debug, LogLevel.info, LogLevel.warn, LogLevel.error, LogLevel.critical]).to.deep.equal(
      LogLevel.iterconstants(),
    );
  });

  it("lookupByName finds a level and throws RangeError for anything else", () => {
    expect(LogLevel.lookupByName("warn")).to.equal(LogLevel.warn);
    expect(() => LogLevel.lookupByName("nope")).to.throw(RangeError, /nope/);
  });

  it("levelWithName throws InvalidLogLevelError for an unknown name", () => {
    expect(LogLevel.levelWithName("error")).to.equal("error");
    expect(() => LogLevel.levelWithName("nope")).to.throw(InvalidLogLevelError, /nope/);
  });

  it("orders levels (Python's <, >=)", () => {
    expect(LogLevel.compare(LogLevel.info, LogLevel.warn)).to.be.lessThan(0);
    expect(LogLevel.compare(LogLevel.critical, LogLevel.error)).to.be.greaterThan(0);
    expect(LogLevel.compare(LogLevel.warn, LogLevel.warn)).to.equal(0);
    expect(LogLevel.atLeast("error", "warn")).to.equal(true);
    expect(LogLevel.atLeast("debug", "info")).to.equal(false);
    expect(["critical", "debug", "warn"].sort((a, b) => LogLevel.compare(a as LogLevel, b as LogLevel))).to.deep.equal([
      "debug",
      "warn",
      "critical",
    ]);
    expect(() => LogLevel.compare("loud" as LogLevel, "info")).to.throw(InvalidLogLevelError);
  });
});
