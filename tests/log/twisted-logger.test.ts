import { expect } from "chai";
import { Failure } from "../../core/failure";
import {
  addObserver,
  defaultObserver,
  err,
  FilteringLogObserver,
  formatEvent,
  globalLogBeginner,
  globalLogPublisher,
  InvalidLogLevelError,
  isObserving,
  Logger,
  LogLevel,
  LogPublisher,
  msg,
  PredicateResult,
  removeObserver,
  startLogging,
  type LogEvent,
} from "../../log";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";
import { flushLoggedErrors } from "../setup";

describe("log Logger as twisted.logger.Logger", () => {
  loggingOnPurpose();
  const events = collectLogEvents();

  it("formats its format string with the fields (the issue's example)", () => {
    const log = new Logger("ns");
    log.info("value {value!r} doing {something}.", { value: 7, something: "a task" });
    const e = events[0];
    expect(e.message).to.equal("value 7 doing a task.");
    expect(e.log_format).to.equal("value {value!r} doing {something}.");
    expect(e.value).to.equal(7);
  });

  it("sets Twisted's keys: log_level, log_namespace, log_source, log_logger, log_time, log_failure", () => {
    const source = { me: 1 };
    const log = new Logger("ns", source);
    log.warn("w");
    const f = new Failure(new Error("x"));
    log.failure("f", f);
    const [w, c] = events;
    expect(w.log_level).to.equal(LogLevel.warn);
    expect(w.log_namespace).to.equal("ns");
    expect(w.log_source).to.equal(source);
    expect(w.log_logger).to.equal(log);
    expect(w.log_time).to.equal(w.time);
    expect(w).not.to.have.property("log_failure");
    expect(c.log_failure).to.equal(f);
    expect(c.failure).to.equal(f);
    expect(new Logger("x").source).to.equal(null);
  });

  it("keeps a literal brace written {{ }}, and reports an unformattable format in the message", () => {
    const log = new Logger("ns");
    log.info("a {{literal}}");
    log.info("a {missing}");
    expect(events[0].message).to.equal("a {literal}");
    expect(events[1].message).to.match(/^Unable to format event .*: 'missing'$/);
  });

  it("lets fields not override Twisted's keys", () => {
    new Logger("ns").info("x", { log_level: "critical", log_namespace: "other", log_format: "hacked" });
    expect(events[0].log_level).to.equal("info");
    expect(events[0].log_namespace).to.equal("ns");
    expect(events[0].message).to.equal("x");
  });

  it("failure() takes a level, as Twisted's", () => {
    new Logger("ns").failure("at {lvl}", new Failure("v"), { lvl: "warn" }, LogLevel.warn);
    expect(events[0].level).to.equal("warn");
    expect(events[0].message).to.equal("at warn");
  });

  it("emit(level, format, fields) logs at that level; an invalid level is reported instead", () => {
    const log = new Logger("ns");
    log.emit(LogLevel.error, "e {n}", { n: 1 });
    log.emit("loud" as LogLevel, "never");
    expect(events[0].level).to.equal("error");
    expect(events[0].message).to.equal("e 1");
    expect(events[1].level).to.equal("critical");
    expect(events[1].message).to.equal("Got invalid log level 'loud' in <Logger 'ns'>.emit().");
    expect(events[1].failure?.value).to.be.instanceOf(InvalidLogLevelError);
  });

  it("works with its methods passed as values", () => {
    const { info, failure } = new Logger("ns");
    info("bound {x}", { x: 1 });
    [new Error("e")].forEach((e) => failure("caught", e));
    expect(events.map((e) => e.message)).to.deep.equal(["bound 1", "caught"]);
  });

  it("sends events to its own observer only, when given one", () => {
    const mine: LogEvent[] = [];
    new Logger("ns", null, (e) => mine.push(e)).info("private");
    expect(mine).to.have.length(1);
    expect(events).to.have.length(0);
  });

  describe("forClass (Python's class attribute `log = Logger()`)", () => {
    class Echo {
      static log = Logger.forClass(this);
      log = Logger.forClass(this);
      received(data: string): void {
        this.log.info("got {data!r}", { data });
      }
    }

    it("names the logger after the class; the source is the class or the instance", () => {
      expect(Echo.log.namespace).to.equal("Echo");
      expect(Echo.log.source).to.equal(Echo);
      const echo = new Echo();
      echo.received("hi");
      expect(events[0].log_namespace).to.equal("Echo");
      expect(events[0].log_source).to.equal(echo);
      expect(events[0].message).to.equal("got 'hi'");
    });

    it("takes an explicit namespace, and rejects a non-object", () => {
      expect(Logger.forClass(Echo, "app.Echo").namespace).to.equal("app.Echo");
      expect(() => Logger.forClass(3 as never)).to.throw(TypeError, /owner/);
    });
  });
});

describe("log msg()/err() events carry Twisted's legacy keys", () => {
  loggingOnPurpose();
  const events = collectLogEvents();

  it("msg: log_namespace log_legacy, log_system -, log_format {log_text}", () => {
    msg("a {brace}", 1);
    const e = events[0];
    expect(e.message).to.equal("a {brace} 1");
    expect(e.log_namespace).to.equal("log_legacy");
    expect(e.log_system).to.equal("-");
    expect(e.log_format).to.equal("{log_text}");
    expect(e.log_text).to.equal("a {brace} 1");
    expect(e.log_level).to.equal("info");
  });

  it("err: the text is the why, or 'Unhandled Error'; the failure is log_failure", () => {
    const f = new Failure(new Error("boom"));
    err(f, "while testing");
    err(f);
    err(f, undefined, { namespace: "sched" });
    expect(events.map((e) => e.log_text)).to.deep.equal(["while testing", "Unhandled Error", "Unhandled Error"]);
    expect(events.map((e) => e.message)).to.deep.equal(["while testing", "boom", "boom"]);
    expect(events.every((e) => e.log_failure === f)).to.equal(true);
    expect(events[2].log_namespace).to.equal("sched");
    expect(events[2]).not.to.have.property("log_system");
    flushLoggedErrors();
  });
});

describe("log LogPublisher and globalLogPublisher", () => {
  loggingOnPurpose();
  const events = collectLogEvents();

  it("a LogPublisher is an observer forwarding to its own observers, in order", () => {
    const seen: string[] = [];
    const p = new LogPublisher((e) => seen.push(`a:${e.message}`));
    const b = (e: LogEvent): void => void seen.push(`b:${e.message}`);
    p.addObserver(b);
    p.addObserver(b);
    new Logger("ns", null, p).info("one");
    p.removeObserver(b);
    p.removeObserver(b);
    new Logger("ns", null, p).info("two");
    expect(seen).to.deep.equal(["a:one", "b:one", "a:two"]);
    expect(() => p.addObserver(3 as never)).to.throw(TypeError);
  });

  it("reports an observer that throws to the others, once", () => {
    const seen: LogEvent[] = [];
    const broken = (): never => {
      throw new Error("broken observer");
    };
    const p = new LogPublisher(broken, (e) => seen.push(e));
    p({ time: 0, level: "info", message: "m", isError: false });
    expect(seen.map((e) => e.message)).to.deep.equal(["m", "Temporarily disabling observer [Function: broken] due to exception"]);
    expect(seen[1].failure?.getErrorMessage()).to.equal("broken observer");
  });

  it("globalLogPublisher is the publisher Loggers, msg and err use", () => {
    const seen: LogEvent[] = [];
    const o = (e: LogEvent): void => void seen.push(e);
    globalLogPublisher.addObserver(o);
    try {
      expect(isObserving(o)).to.equal(true);
      msg("via global");
      globalLogPublisher({ time: 0, level: "info", message: "direct", isError: false });
    } finally {
      globalLogPublisher.removeObserver(o);
    }
    expect(isObserving(o)).to.equal(false);
    expect(seen.map((e) => e.message)).to.deep.equal(["via global", "direct"]);
    expect(events).to.have.length(2);
  });
});

describe("log startLogging and globalLogBeginner", () => {
  loggingOnPurpose();

  it("startLogging writes Twisted's legacy lines, starting with 'Log opened.', and errors once", () => {
    const chunks: string[] = [];
    const wasDefault = isObserving(defaultObserver);
    addObserver(defaultObserver); // as in a program: the start-up observer is on
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((c: string) => stderr.push(String(c)) > 0);
    let observer;
    try {
      observer = startLogging({ write: (s: string) => void chunks.push(s) });
      expect(isObserving(defaultObserver)).to.equal(false);
      msg("hello", "world");
      new Logger("ns").info("value {value!r}", { value: 7 });
      err(new Failure(new Error("boom")), "why");
      err(new Failure(new Error("bare")));
    } finally {
      process.stderr.write = write;
      if (observer) removeObserver(observer);
      if (wasDefault) addObserver(defaultObserver);
      else removeObserver(defaultObserver);
    }
    flushLoggedErrors();
    const text = chunks.join("").replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} /gm, "<t> ");
    const lines = text.split("\n");
    expect(lines.slice(0, 4)).to.deep.equal(["<t> [-] Log opened.", "<t> [-] hello world", "<t> [-] value 7", "<t> [-] why"]);
    expect(lines[4]).to.equal("\tTraceback (failure): Error: boom");
    expect(text).to.contain("<t> [-] Unhandled Error\n\tTraceback (failure): Error: bare\n");
    expect(text.match(/boom/g)).to.have.length(1);
    expect(stderr.join("")).to.equal(""); // not printed a second time by the start-up observer
  });

  it("beginLoggingTo replaces the start-up observer and checks its observers", () => {
    const wasDefault = isObserving(defaultObserver);
    addObserver(defaultObserver);
    const o = (): void => {};
    try {
      expect(() => globalLogBeginner.beginLoggingTo([3 as never])).to.throw(TypeError);
      expect(isObserving(defaultObserver)).to.equal(true);
      globalLogBeginner.beginLoggingTo([o]);
      expect(isObserving(defaultObserver)).to.equal(false);
      expect(isObserving(o)).to.equal(true);
    } finally {
      removeObserver(o);
      if (wasDefault) addObserver(defaultObserver);
      else removeObserver(defaultObserver);
    }
  });
});

// As twisted.logger.test.test_logger, test_observer and test_filter.
describe("log Logger, LogPublisher and FilteringLogObserver as Twisted's tests use them", () => {
  loggingOnPurpose();

  /** As test_logger's TestLogger: an emit override that records its arguments and the event. */
  class TestLogger extends Logger {
    emitted?: { level: LogLevel; format: string | undefined; fields: Record<string, unknown> | undefined };
    event?: LogEvent;
    override emit(level: LogLevel, format?: string, fields?: object): void {
      const observer = (e: LogEvent): void => {
        this.event = e;
      };
      globalLogPublisher.addObserver(observer);
      try {
        super.emit(level, format, fields);
      } finally {
        globalLogPublisher.removeObserver(observer);
      }
      this.emitted = { level, format, fields: fields as Record<string, unknown> | undefined };
    }
  }

  it("every level method and failure() go through emit(), so a subclass sees them", () => {
    const log = new TestLogger("test_logger");
    for (const level of LogLevel.iterconstants()) {
      const format = "This is a {level_name} message";
      const message = `This is a ${level} message`;
      log[level](format, { junk: message, level_name: level });
      expect(log.emitted).to.deep.include({ level, format });
      expect(log.emitted?.fields?.junk).to.equal(message);
      expect(log.event?.log_format).to.equal(format);
      expect(log.event?.log_level).to.equal(level);
      expect(log.event?.log_namespace).to.equal("test_logger");
      expect(log.event?.log_source).to.equal(null);
      expect(formatEvent(log.event!)).to.equal(message);
    }
    const f = new Failure(new RangeError("baloney!"));
    log.failure("Whoops", f);
    expect(log.emitted).to.deep.include({ level: "critical", format: "Whoops" });
    expect(log.event?.log_failure).to.equal(f);
    expect(flushLoggedErrors(RangeError)).to.have.length(1);
    log.emit("*bogus*" as LogLevel);
    expect(flushLoggedErrors(InvalidLogLevelError)).to.have.length(1);
  });

  it("forClass called on a subclass makes one of it, as Twisted's __get__ keeps the class", () => {
    class Owner {}
    const owner = new Owner();
    const made = TestLogger.forClass(owner);
    expect(made).to.be.instanceOf(TestLogger);
    expect([made.namespace, made.source]).to.deep.equal(["Owner", owner]);
    const detached = Logger.forClass;
    expect(detached(owner)).to.be.instanceOf(Logger);
    (made as TestLogger).info("via the subclass");
    expect((made as TestLogger).emitted?.format).to.equal("via the subclass");
  });

  it("fields cannot replace the keys a Logger sets (test_conflictingKwargs)", () => {
    const log = new TestLogger();
    log.warn("*", { log_format: "#", log_level: LogLevel.error, log_namespace: "*namespace*", log_source: "*source*" });
    expect(log.event?.log_format).to.equal("*");
    expect(log.event?.log_level).to.equal(LogLevel.warn);
    expect(log.event?.log_namespace).to.equal(log.namespace);
    expect(log.event?.log_source).to.equal(null);
  });

  it("a field named like a twisted-ts key (message, time, level) is still what the format shows", () => {
    const events: LogEvent[] = [];
    const log = new Logger("ns", null, (e) => events.push(e));
    log.critical("a critical {message} at {time}, {level}", { message: "message", time: "noon", level: 3 });
    expect(events[0].message).to.equal("a critical message at noon, 3");
    expect(formatEvent(events[0])).to.equal("a critical message at noon, 3");
    expect(events[0].level).to.equal("critical");
  });

  it("the format is optional; log_source is the class or the instance; the observer is kept", () => {
    const seen: LogEvent[] = [];
    const observer = (e: LogEvent): void => void seen.push(e);
    class Thingo {
      static log = Logger.forClass(this, undefined, observer);
      log = Logger.forClass(this, undefined, observer);
    }
    Thingo.log.info();
    const thingo = new Thingo();
    thingo.log.info("hello");
    expect(seen.map((e) => [e.log_source, e.log_format, e.message])).to.deep.equal([
      [Thingo, undefined, ""],
      [thingo, "hello", "hello"],
    ]);
    expect(Thingo.log.observer).to.equal(observer);
    expect(new Logger("x").observer).to.equal(globalLogPublisher);
    expect(String(new Logger("bleargh"))).to.equal("<Logger 'bleargh'>");
  });

  it("a Logger appends itself and its observer to log_trace (test_logger.test_trace)", () => {
    let trace: unknown;
    const observer = (e: LogEvent): void => {
      trace = [...(e.log_trace as unknown[])];
    };
    const publisher = (e: LogEvent): void => observer(e);
    const log = new Logger("t", null, publisher);
    log.info("Hello.", { log_trace: [] });
    expect(trace).to.deep.equal([[log, publisher]]);
  });

  it("a LogPublisher's _observers, as Twisted's (test_observer)", () => {
    const o1 = (): void => {};
    const o2 = (): void => {};
    const o3 = (): void => {};
    const publisher = new LogPublisher(o1, o2);
    publisher.addObserver(o3);
    publisher.removeObserver(o2);
    publisher.removeObserver(() => {});
    expect(publisher._observers).to.deep.equal([o1, o3]);
    expect(() => publisher.addObserver({} as never)).to.throw(TypeError, "Observer is not callable");
    addObserver(o2);
    try {
      expect(globalLogPublisher._observers).to.include(o2);
    } finally {
      removeObserver(o2);
    }
  });

  it("a LogPublisher appends [itself, observer] before each observer (test_observer.test_trace)", () => {
    const traces: unknown[][] = [];
    const o1 = (e: LogEvent): void => void traces.push([...(e.log_trace as unknown[])]);
    const o2 = (e: LogEvent): void => void traces.push([...(e.log_trace as unknown[])]);
    const publisher = new LogPublisher(o1, o2);
    publisher({ foo: 1, bar: 2, log_trace: [] } as unknown as LogEvent);
    expect(traces).to.deep.equal([[[publisher, o1]], [[publisher, o1], [publisher, o2]]]);
  });

  it("the global publisher traces as globalLogPublisher", () => {
    let trace: unknown[] = [];
    const o = (e: LogEvent): void => {
      if (Array.isArray(e.log_trace)) trace = [...(e.log_trace as unknown[])];
    };
    addObserver(o);
    try {
      const log = new Logger("g");
      log.info("x", { log_trace: [] });
      expect(trace[0]).to.deep.equal([log, globalLogPublisher]);
      expect(trace).to.deep.include([globalLogPublisher, o]);
    } finally {
      removeObserver(o);
    }
  });

  it("a FilteringLogObserver traces what it lets through (test_filter.test_trace)", () => {
    const event = { log_trace: [] } as unknown as LogEvent;
    const oYes = (): void => {};
    const oNo = (): void => {};
    let seen: unknown;
    const testObserver = (e: LogEvent): void => {
      expect(e).to.equal(event);
      seen = [...(e.log_trace as unknown[])];
    };
    const yesFilter = new FilteringLogObserver(oYes, [() => PredicateResult.yes]);
    const noFilter = new FilteringLogObserver(oNo, [() => PredicateResult.no]);
    const publisher = new LogPublisher(yesFilter, noFilter, testObserver);
    publisher(event);
    expect(seen).to.deep.equal([
      [publisher, yesFilter],
      [yesFilter, oYes],
      [publisher, noFilter],
      [publisher, testObserver],
    ]);
  });
});
