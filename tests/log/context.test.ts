import { expect } from "chai";
import { addObserver, err, msg, removeObserver, type LogEvent } from "../../log";
import { _enterLogContext, _leaveLogContext, currentSystem } from "../../log/context";
import { flushLoggedErrors } from "../setup";

function collect(f: () => void): LogEvent[] {
  const events: LogEvent[] = [];
  const observer = (e: LogEvent): void => {
    events.push(e);
  };
  addObserver(observer);
  try {
    f();
  } finally {
    removeObserver(observer);
  }
  return events;
}

describe("log context", () => {
  it("msg() and err() outside any context have log_system '-'", () => {
    const [a, b] = collect(() => {
      msg("plain");
      err(new Error("boom"), "why");
    });
    expect([a.log_system, b.log_system]).to.deep.equal(["-", "-"]);
    flushLoggedErrors(Error);
  });

  it("inside a context, msg() and err() take its prefix: a fixed string, or an owner's logPrefix() asked then", () => {
    let asked = 0;
    const owner = {
      logPrefix(): string {
        asked++;
        return "Echo,3,127.0.0.1";
      },
    };
    const previous = _enterLogContext(owner);
    expect(asked).to.equal(0); // asked only when an event is made
    const events = collect(() => {
      msg("inside");
      err(new Error("boom"));
      const inner = _enterLogContext("Uninitialized");
      msg("nested");
      _leaveLogContext(inner);
      msg("back");
    });
    _leaveLogContext(previous);
    expect(events.map((e) => e.log_system)).to.deep.equal(["Echo,3,127.0.0.1", "Echo,3,127.0.0.1", "Uninitialized", "Echo,3,127.0.0.1"]);
    expect(currentSystem()).to.equal(undefined);
    expect(collect(() => msg("after"))[0].log_system).to.equal("-");
    flushLoggedErrors(Error);
  });

  it("an explicit system wins; an owner whose logPrefix throws is '(buggy logPrefix method)'", () => {
    const previous = _enterLogContext({
      logPrefix(): string {
        throw new Error("no");
      },
    });
    const events = collect(() => {
      msg("x");
      err(new Error("boom"), "why", { log_system: "mine" });
    });
    _leaveLogContext(previous);
    expect(events.map((e) => e.log_system)).to.deep.equal(["(buggy logPrefix method)", "mine"]);
    flushLoggedErrors(Error);
  });
});
