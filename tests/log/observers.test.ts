import { expect } from "chai";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Failure } from "../../core/failure";
import {
  FileLogObserver,
  FilteringLogObserver,
  Logger,
  LogLevel,
  LogLevelFilterPredicate,
  PredicateResult,
  shouldLogEvent,
  textFileLogObserver,
  InvalidLogLevelError,
  type LogEvent,
  type LogFilterPredicate,
} from "../../log";
import { loggingOnPurpose } from "../helpers/log";

function collector(): { write(s: string): void; text: () => string; flushes: number } {
  const chunks: string[] = [];
  const out = {
    flushes: 0,
    write: (s: string): void => void chunks.push(s),
    flush(): void {
      out.flushes++;
    },
    text: (): string => chunks.join(""),
  };
  return out;
}

describe("log FileLogObserver and textFileLogObserver", () => {
  loggingOnPurpose();

  it("is a function of an event, and an instance of its class", () => {
    const out = collector();
    const observer = new FileLogObserver(out, (e) => `${String(e.message)}\n`);
    expect(observer).to.be.a("function");
    expect(observer).to.be.instanceOf(FileLogObserver);
    observer({ time: 0, level: "info", message: "hi", isError: false });
    expect(out.text()).to.equal("hi\n");
    expect(out.flushes).to.equal(1);
  });

  it("keeps its file and formatter as Twisted's (_outFile, formatEvent); textFileLogObserver returns one", () => {
    const out = collector();
    const format = (): string => "x";
    const observer = new FileLogObserver(out, format);
    expect(observer._outFile).to.equal(out);
    expect(observer.formatEvent).to.equal(format);
    const text = textFileLogObserver(out);
    expect(text).to.be.instanceOf(FileLogObserver);
    expect(text._outFile).to.equal(out);
  });

  it("skips events formatted to nothing", () => {
    const out = collector();
    const observer = new FileLogObserver(out, () => null);
    observer({ time: 0, level: "info", message: "hi", isError: false });
    expect(out.text()).to.equal("");
  });

  it("rejects a bad file or formatter at the call", () => {
    expect(() => new FileLogObserver({} as never, () => "")).to.throw(TypeError, /outFile/);
    expect(() => new FileLogObserver(collector(), "x" as never)).to.throw(TypeError, /formatEvent/);
  });

  it("writes to a file descriptor", () => {
    const dir = mkdtempSync(join(tmpdir(), "twisted-ts-log-"));
    try {
      const path = join(dir, "out.log");
      const fd = openSync(path, "w");
      textFileLogObserver(fd, null)({ time: 0, level: "info", message: "", isError: false, log_format: "to fd", log_namespace: "n", log_level: "info" });
      closeSync(fd);
      expect(readFileSync(path, "utf8")).to.equal("- [n#info] to fd\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("textFileLogObserver writes Twisted's classic lines from a Logger, tracebacks indented once", () => {
    const out = collector();
    const log = new Logger("ns", null, textFileLogObserver(out, null));
    log.info("value {value!r} doing {something}.", { value: 7, something: "a task" });
    const failure = new Failure(new Error("division by zero"));
    log.failure("oops {x}", failure, { x: 2 });
    const lines = out.text().split("\n");
    expect(lines[0]).to.equal("- [ns#info] value 7 doing a task.");
    expect(lines[1]).to.equal("- [ns#critical] oops 2");
    expect(lines[2]).to.equal("\tTraceback (failure): Error: division by zero");
    expect(lines[3]).to.match(/^\t\s+at /);
    expect(out.text().match(/division by zero/g)).to.have.length(1);
    expect(out.text().endsWith("\n\t\n")).to.equal(true); // Twisted's trailing tab line after a traceback
  });

  it("textFileLogObserver takes a strftime time format (Twisted's test_timeFormat)", () => {
    const out = collector();
    textFileLogObserver(out, "%f")({ log_format: "XYZZY", log_time: 112345.6 } as unknown as LogEvent);
    expect(out.text()).to.equal("600000 [-#-] XYZZY\n");
  });

  it("textFileLogObserver notes a failure whose traceback cannot be had, instead of throwing", () => {
    const out = collector();
    textFileLogObserver(out)({ log_failure: {} } as unknown as LogEvent);
    expect(out.text()).to.contain("(UNABLE TO OBTAIN TRACEBACK FROM EVENT)");
  });

  it("textFileLogObserver's default time is RFC 3339 with the zone", () => {
    const out = collector();
    new Logger("ns", null, textFileLogObserver(out)).warn("w");
    expect(out.text()).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \[ns#warn\] w\n$/);
  });
});

describe("log FilteringLogObserver and LogLevelFilterPredicate", () => {
  loggingOnPurpose();

  const event = (namespace: string | undefined, level: LogLevel | undefined): LogEvent =>
    ({ time: 0, level: level ?? "info", message: "m", isError: false, log_namespace: namespace, log_level: level });

  it("shouldLogEvent: the first yes or no decides, all maybe means yes", () => {
    const yes: LogFilterPredicate = () => PredicateResult.yes;
    const no: LogFilterPredicate = () => PredicateResult.no;
    const maybe: LogFilterPredicate = () => PredicateResult.maybe;
    const e = event("a", "info");
    expect(shouldLogEvent([], e)).to.equal(true);
    expect(shouldLogEvent([maybe, yes, no], e)).to.equal(true);
    expect(shouldLogEvent([maybe, no, yes], e)).to.equal(false);
    expect(shouldLogEvent([maybe, maybe], e)).to.equal(true);
    expect(() => shouldLogEvent([() => "perhaps" as PredicateResult], e)).to.throw(TypeError, "Invalid predicate result: perhaps");
  });

  it("forwards what passes to the observer and the rest to the negative observer", () => {
    const passed: LogEvent[] = [];
    const dropped: LogEvent[] = [];
    const onlyA: LogFilterPredicate = (e) => (e.log_namespace === "a" ? "yes" : "no");
    const filtering = new FilteringLogObserver((e) => passed.push(e), [onlyA], (e) => dropped.push(e));
    expect(filtering).to.be.instanceOf(FilteringLogObserver);
    filtering(event("a", "info"));
    filtering(event("b", "info"));
    expect(passed.map((e) => e.log_namespace)).to.deep.equal(["a"]);
    expect(dropped.map((e) => e.log_namespace)).to.deep.equal(["b"]);
  });

  it("levels per namespace, inherited by dotted children, default info", () => {
    const p = new LogLevelFilterPredicate();
    expect(p.defaultLogLevel).to.equal("info");
    p.setLogLevelForNamespace("twext.web2", LogLevel.debug);
    p.setLogLevelForNamespace("twext.web2.dav", LogLevel.warn);
    expect(p.logLevelForNamespace("")).to.equal("info");
    expect(p.logLevelForNamespace("twisted")).to.equal("info");
    expect(p.logLevelForNamespace("twext.web2")).to.equal("debug");
    expect(p.logLevelForNamespace("twext.web2.dav")).to.equal("warn");
    expect(p.logLevelForNamespace("twext.web2.dav.test")).to.equal("warn");
    expect(p.logLevelForNamespace("twext.web2.dav.test1.test2")).to.equal("warn");
    p.clearLogLevels();
    expect(p.logLevelForNamespace("twext.web2.dav")).to.equal("info");
  });

  it("says no below the namespace's level and for events without level or namespace, else maybe", () => {
    const p = new LogLevelFilterPredicate(LogLevel.warn);
    p.setLogLevelForNamespace("app.db", LogLevel.debug);
    expect(p(event("app", "info"))).to.equal("no");
    expect(p(event("app", "warn"))).to.equal("maybe");
    expect(p(event("app.db.pool", "debug"))).to.equal("maybe");
    expect(p(event(undefined, "critical"))).to.equal("no");
    expect(p(event("", "critical"))).to.equal("no");
    expect(p(event("app", undefined))).to.equal("no");
  });

  it("rejects invalid levels", () => {
    const p = new LogLevelFilterPredicate();
    expect(() => p.setLogLevelForNamespace("x", "loud" as LogLevel)).to.throw(InvalidLogLevelError);
    expect(() => new LogLevelFilterPredicate("loud" as LogLevel)).to.throw(InvalidLogLevelError);
  });

  it("filters a Logger's events by namespace level end to end", () => {
    const out = collector();
    const p = new LogLevelFilterPredicate(LogLevel.warn);
    p.setLogLevelForNamespace("app.db", LogLevel.debug);
    const observer = new FilteringLogObserver(textFileLogObserver(out, null), [p]);
    new Logger("app", null, observer).info("hidden");
    new Logger("app", null, observer).error("shown {n}", { n: 1 });
    new Logger("app.db", null, observer).debug("query {q!r}", { q: "select 1" });
    expect(out.text()).to.equal("- [app#error] shown 1\n- [app.db#debug] query 'select 1'\n");
  });
});
