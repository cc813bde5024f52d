import { expect } from "chai";
import { err } from "../../log";
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
});
