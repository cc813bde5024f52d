import { expect } from "chai";
import { Failure } from "../../core/failure";
import {
  eventsFromJSONLogFile,
  FilteringLogObserver,
  formatEventAsClassicLogText,
  formatTime,
  jsonFileLogObserver,
  LimitedHistoryLogObserver,
  LogBeginner,
  LoggingFile,
  Logger,
  LogLevel,
  LogLevelFilterPredicate,
  LogPublisher,
  MORE_THAN_ONCE_WARNING,
  PredicateResult,
  textFileLogObserver,
  type LogEvent,
} from "../../log";

// Python's keyword arguments, written as a trailing options object (the contract's rule), work
// beside the positional form wherever Twisted's callers use keywords.
describe("log: Python's keyword arguments as an options object", () => {
  const sink = (): { write(t: string): void; text(): string } => {
    let text = "";
    return { write: (t: string) => void (text += t), text: () => text };
  };

  it("formatTime(t, { timeFormat, default }) and formatEventAsClassicLogText(e, { formatTime })", () => {
    expect(formatTime(null, { default: "!" })).to.equal("!");
    expect(formatTime(5, { timeFormat: null, default: "!" })).to.equal("!");
    expect(formatTime(5, { timeFormat: null })).to.equal("-");
    expect(formatTime(1000000.23456, { timeFormat: "%f" })).to.equal("234560");
    const classic = formatEventAsClassicLogText({ log_format: "XYZZY", log_time: 12345 }, { formatTime: (t) => `__${String(t)}__` });
    expect(classic).to.equal("__12345__ [-#-] XYZZY\n");
  });

  it("textFileLogObserver(f, { timeFormat }) and jsonFileLogObserver(f, { recordSeparator })", () => {
    const text = sink();
    textFileLogObserver(text, { timeFormat: "%f" })({ log_format: "XYZZY", log_time: 112345.6 } as unknown as LogEvent);
    expect(text.text()).to.equal("600000 [-#-] XYZZY\n");
    const json = sink();
    jsonFileLogObserver(json, { recordSeparator: "" })({ x: 1 } as unknown as LogEvent);
    expect(json.text()).to.equal('{"x": 1}\n');
  });

  it("eventsFromJSONLogFile(f, { bufferSize }) and a null recordSeparator (Python's None)", () => {
    const text = '\x1e{"x": 1}\n\x1e{"y": 2}\n';
    expect([...eventsFromJSONLogFile(text, { bufferSize: 1 })]).to.deep.equal([{ x: 1 }, { y: 2 }]);
    expect([...eventsFromJSONLogFile(text, null, 1)]).to.deep.equal([{ x: 1 }, { y: 2 }]);
  });

  it("new Logger({ namespace, source, observer }), and null for Python's None", () => {
    const events: LogEvent[] = [];
    const source = {};
    const log = new Logger({ namespace: "kw", source, observer: (e) => events.push(e) });
    log.info("hello");
    expect([log.namespace, log.source, events[0].log_namespace, events[0].log_source]).to.deep.equal(["kw", source, "kw", source]);
    const bare = new Logger({ observer: (e) => events.push(e) });
    bare.info("x");
    expect(bare.namespace).to.equal(undefined);
    expect(events[1].log_source).to.equal(null);
    expect(new Logger(null, null, null).namespace).to.equal(undefined);
  });

  it("log.failure(format, f, { level }) takes Python's level= keyword from the fields", () => {
    const events: LogEvent[] = [];
    const log = new Logger("kw", null, (e) => events.push(e));
    log.failure("failed {n}", new Failure(new Error("x")), { level: LogLevel.error, n: 1 });
    expect([events[0].level, events[0].log_level, events[0].message, events[0].n]).to.deep.equal(["error", "error", "failed 1", 1]);
    log.failure("failed", new Failure(new Error("y")), { level: "loud" });
    expect(events[1].level).to.equal("critical");
  });

  it("LogLevelFilterPredicate({ defaultLogLevel }), FilteringLogObserver(o, ps, { negativeObserver })", () => {
    expect(new LogLevelFilterPredicate({ defaultLogLevel: LogLevel.critical }).defaultLogLevel).to.equal("critical");
    const no: LogEvent[] = [];
    const filter = new FilteringLogObserver(() => {}, [() => PredicateResult.no], { negativeObserver: (e) => no.push(e) });
    filter({ count: 1 } as unknown as LogEvent);
    expect(no).to.have.length(1);
  });

  it("LimitedHistoryLogObserver({ size }), LoggingFile(logger, { level, encoding }), LogBeginner(..., { initialBufferSize })", () => {
    const history = new LimitedHistoryLogObserver({ size: 1 });
    history({ n: 1 } as unknown as LogEvent);
    history({ n: 2 } as unknown as LogEvent);
    const replayed: LogEvent[] = [];
    history.replayTo((e) => replayed.push(e));
    expect(replayed.map((e) => e.n)).to.deep.equal([2]);

    const events: LogEvent[] = [];
    const file = new LoggingFile(new Logger("f", null, (e) => events.push(e)), { level: LogLevel.warn, encoding: "latin1" });
    file.write(new Uint8Array([0xe9, 0x0a]));
    expect([file.encoding, events[0].log_io, events[0].level]).to.deep.equal(["latin1", "\u00e9", "warn"]);

    const publisher = new LogPublisher();
    const beginner = new LogBeginner(publisher, null, null, null, { initialBufferSize: 2 });
    for (let count = 0; count < 3; count++) publisher({ count } as unknown as LogEvent);
    const seen: LogEvent[] = [];
    beginner.beginLoggingTo([(e) => seen.push(e)], { redirectStandardIO: false });
    expect(seen.map((e) => e.count)).to.deep.equal([1, 2]);
    const again: LogEvent[] = [];
    beginner.beginLoggingTo([(e) => again.push(e)], { discardBuffer: true });
    expect(again.map((e) => e.log_format)).to.deep.equal([MORE_THAN_ONCE_WARNING]); // a second call: the warning only
  });
});
