import { expect } from "chai";
import { Failure } from "../../core/failure";
import { err, Logger } from "../../log";
import { flushLoggedErrors, loggedErrors } from "../../testing";
import { flushLoggedErrors as setupFlush } from "../setup";

class First extends Error {}
class Second extends Error {}

describe("flushLoggedErrors (twisted-ts/testing)", () => {
  it("takes the errors of the given types and leaves the others", () => {
    err(new First("one"), "first");
    err(new Second("two"), "second");
    expect(loggedErrors()).to.have.length(2);
    const taken = flushLoggedErrors(First);
    expect(taken.map((e) => e.why)).to.deep.equal(["first"]);
    expect(loggedErrors().map((e) => e.why)).to.deep.equal(["second"]);
    expect(flushLoggedErrors().map((e) => e.why)).to.deep.equal(["second"]);
    expect(loggedErrors()).to.have.length(0);
  });

  it("shares its list with the test suite's setup (one capture)", () => {
    err(new First("shared"), "shared");
    expect(setupFlush(First)).to.have.length(1);
    expect(flushLoggedErrors()).to.have.length(0);
  });

  it("counts, as trial, error events that carry a Failure: not a Logger's error() or critical() alone", () => {
    const log = new Logger("ns");
    log.error("a message at level error");
    log.critical("a critical {message}", { message: "message" });
    expect(loggedErrors()).to.have.length(0);
    log.failure("with a failure", new Failure(new First("f")));
    log.critical("critical with one", { log_failure: new Failure(new Second("s")) });
    expect(flushLoggedErrors(First)).to.have.length(1);
    expect(flushLoggedErrors(Second)).to.have.length(1);
  });
});
