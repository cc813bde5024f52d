import { expect } from "chai";
import { Failure } from "../../core/failure";
import {
  formatEvent,
  KeyFlattener,
  LegacyLogObserverWrapper,
  LogLevel,
  parseFormat,
  publishToNewObserver,
  textFromEventDict,
  type LegacyEvent,
  type LogEvent,
} from "../../log";

// As twisted.logger.test.test_legacy.
describe("log LegacyLogObserverWrapper", () => {
  function observe(event: Record<string, unknown>): LegacyEvent {
    const events: LegacyEvent[] = [];
    const observer = new LegacyLogObserverWrapper((e) => events.push(e));
    observer(event as unknown as LogEvent);
    expect(events).to.have.length(1);
    return events[0];
  }

  function forwardAndVerify(event: Record<string, unknown>): LegacyEvent {
    event.log_time ??= Date.now() / 1000;
    event.log_system ??= "-";
    event.log_level ??= LogLevel.info;
    const observed = observe({ ...event });
    for (const key of Object.keys(event)) expect(observed).to.have.property(key);
    return observed;
  }

  it("has Python's repr", () => {
    const legacy = Object.assign(() => {}, { toString: () => "<Legacy Observer>" });
    expect(String(new LegacyLogObserverWrapper(legacy))).to.equal("LegacyLogObserverWrapper(<Legacy Observer>)");
  });

  it("copies log_time to time and log_system to system, without replacing them", () => {
    const stamp = 1234.5;
    expect(forwardAndVerify({ log_time: stamp }).time).to.equal(stamp);
    expect(forwardAndVerify({ log_time: stamp + 1, time: stamp }).time).to.equal(stamp);
    expect(forwardAndVerify({ log_system: "foo" }).system).to.equal("foo");
    expect(forwardAndVerify({ log_system: "foo", system: "bar" }).system).to.equal("bar");
    expect(observe({ log_time: stamp, log_level: LogLevel.info }).system).to.equal("-");
  });

  it("keeps an explicit isError, adds none of logLevel, keeps a string logLevel", () => {
    expect(forwardAndVerify({ log_level: LogLevel.info, isError: 1 }).isError).to.equal(1);
    expect(forwardAndVerify({ log_level: LogLevel.critical, isError: 0 }).isError).to.equal(0);
    expect(forwardAndVerify({ log_level: LogLevel.error }).isError).to.equal(1);
    expect(forwardAndVerify({ log_level: LogLevel.warn }).isError).to.equal(0);
    expect(forwardAndVerify({ log_level: LogLevel.info })).to.not.have.property("logLevel");
    expect(forwardAndVerify({ logLevel: "WARNING" }).logLevel).to.equal("WARNING");
  });

  it("adds an empty message; keeps a list one", () => {
    expect(forwardAndVerify({}).message).to.deep.equal([]);
    expect(forwardAndVerify({ message: ["foo", "bar"] }).message).to.deep.equal(["foo", "bar"]);
  });

  it("renders a PEP 3101 format through the legacy %-format, even with a field named message", () => {
    expect(textFromEventDict(forwardAndVerify({ log_format: "Hello, {who}!", who: "world" }))).to.equal("Hello, world!");
    expect(textFromEventDict(forwardAndVerify({ log_format: "Hello, {message}!", message: "world" }))).to.equal("Hello, world!");
    expect(textFromEventDict(forwardAndVerify({ log_format: "Hello!", format: "Howdy!" }))).to.equal("Howdy!");
  });

  it("sets failure, isError and why from log_failure, unless already set", () => {
    const failure = new Failure(new Error("nyargh!"));
    const withFailure = (values: Record<string, unknown> = {}): LegacyEvent =>
      forwardAndVerify({ log_failure: failure, log_format: "oopsie...", ...values });
    const event = withFailure();
    expect(event.failure).to.equal(event.log_failure);
    expect(event.isError).to.equal(1);
    expect(event.why).to.equal("oopsie...");
    const other = new Failure(new Error("Weak salsa!"));
    expect(withFailure({ failure: other }).failure).to.equal(other);
    expect(withFailure({ isError: 0 }).isError).to.equal(0);
    expect(withFailure({ why: "blah" }).why).to.equal("blah");
  });

  it("does not change the event the other observers see", () => {
    const event = { log_format: "x", log_level: LogLevel.info, message: "x", log_time: 1 };
    observe(event);
    expect(event).to.deep.equal({ log_format: "x", log_level: "info", message: "x", log_time: 1 });
  });
});

describe("log publishToNewObserver", () => {
  const legacyEvent = (message: string[] = [], values: Record<string, unknown> = {}): LegacyEvent => ({
    ...values,
    message,
    time: 1000.5,
    isError: values.isError ?? 0,
  });

  function publish(event: LegacyEvent, text: (e: LegacyEvent) => string | null = textFromEventDict): LogEvent {
    const events: LogEvent[] = [];
    publishToNewObserver((e) => events.push(e), event, text);
    expect(events).to.have.length(1);
    return events[0];
  }

  it("adds log_time, log_namespace log_legacy, log_system and log_level info", () => {
    const e = publish(legacyEvent([], { system: "sys" }));
    expect(e.log_time).to.equal(e.time);
    expect(e.log_namespace).to.equal("log_legacy");
    expect(e.log_system).to.equal("sys");
    expect(e.log_level).to.equal(LogLevel.info);
  });

  it("formats as the given textFromEventDict does", () => {
    const reversed = (e: LegacyEvent): string => [...(e.message as string[]).join(" ")].reverse().join("");
    const event = legacyEvent(["Hello,", "world!"]);
    const text = reversed(event);
    expect(formatEvent(publish(event, reversed))).to.equal(text);
  });

  it("maps isError to critical and Python logging levels to levels", () => {
    expect(publish(legacyEvent([], { isError: 1 })).log_level).to.equal(LogLevel.critical);
    expect(publish(legacyEvent([], { logLevel: 30 })).log_level).to.equal(LogLevel.warn);
    expect(publish(legacyEvent([], { logLevel: "WARNING" })).log_level).to.equal(LogLevel.warn);
    expect(publish(legacyEvent([], { logLevel: "Foo!!!!!" }))).to.not.have.property("log_level");
  });
});

describe("log textFromEventDict", () => {
  it("joins the message, or shows an error's why and traceback, or applies format", () => {
    expect(textFromEventDict({ message: ["a", 1, null], isError: 0 })).to.equal("a 1 null");
    const failure = new Failure(new Error("boom"));
    expect(textFromEventDict({ message: [], isError: 1, failure })).to.equal(`Unhandled Error\n${failure.getTraceback()}`);
    expect(textFromEventDict({ message: [], isError: 1, failure, why: "while X" })).to.equal(`while X\n${failure.getTraceback()}`);
    expect(textFromEventDict({ message: [], isError: 0, format: "%(a)s and %(b)r, %(n)d%%", a: "x", b: "y", n: 7.9 })).to.equal("x and 'y', 7%");
    expect(textFromEventDict({ message: [], isError: 0, format: "%(missing)s" })).to.match(/^Invalid format string or unformattable object in log message: '%\(missing\)s', /);
    expect(textFromEventDict({ message: [], isError: 0 })).to.equal(null);
  });
});

// As twisted.logger.test.test_flatten.test_keyFlattening.
describe("log KeyFlattener", () => {
  const keyFromFormat = (format: string): string => {
    const [piece] = parseFormat(format);
    return new KeyFlattener().flatKey(piece.fieldName!, piece.formatSpec, piece.conversion);
  };

  it("gives Twisted's keys", () => {
    expect(keyFromFormat("{foo}")).to.equal("foo!:");
    expect(keyFromFormat("{foo!s}")).to.equal("foo!s:");
    expect(keyFromFormat("{foo!r}")).to.equal("foo!r:");
    expect(keyFromFormat("{foo:%s}")).to.equal("foo!:%s");
    expect(keyFromFormat("{foo:!}")).to.equal("foo!:!");
    expect(keyFromFormat("{foo::}")).to.equal("foo!::");
    expect(keyFromFormat("{foo!s:%s}")).to.equal("foo!s:%s");
    expect(keyFromFormat("{foo!s:!}")).to.equal("foo!s:!");
    expect(keyFromFormat("{foo!s::}")).to.equal("foo!s::");
    const same = new KeyFlattener();
    expect(same.flatKey("x", "", null)).to.equal("x!:");
    expect(same.flatKey("x", "", null)).to.equal("x!:/2");
  });
});
