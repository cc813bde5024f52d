import { expect } from "chai";
import { Failure } from "../../core/failure";
import {
  LogBeginner,
  LoggingFile,
  Logger,
  LogLevel,
  LogPublisher,
  MORE_THAN_ONCE_WARNING,
  textFileLogObserver,
  type LogEvent,
  type Observer,
} from "../../log";

/** Only the keys of each expected event are compared, as test_global's compareEvents. */
function compareEvents(actual: LogEvent[], expected: Array<Record<string, unknown>>): void {
  expect(actual.length).to.equal(expected.length);
  const keys = new Set(expected.flatMap((e) => Object.keys(e)));
  const simplified = actual.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => keys.has(k))));
  expect(simplified).to.deep.equal(expected);
}

function stringStream(): { write(text: string): void; value(): string } {
  let text = "";
  return {
    write: (t: string) => void (text += t),
    value: () => text,
  };
}

// As twisted.logger.test.test_global.LogBeginnerTests.
describe("log LogBeginner", () => {
  let publisher: LogPublisher;
  let errorStream: ReturnType<typeof stringStream>;
  let sysModule: { stdout: unknown; stderr: unknown };
  let warningsModule: { warnings: unknown[][]; showwarning(...args: unknown[]): void };
  let beginner: LogBeginner;

  beforeEach(() => {
    publisher = new LogPublisher();
    errorStream = stringStream();
    sysModule = { stdout: {}, stderr: {} };
    warningsModule = {
      warnings: [],
      showwarning(message, category, filename, lineno, file = null, line = null) {
        this.warnings.push([message, category, filename, lineno, file, line]);
      },
    };
    beginner = new LogBeginner(publisher, errorStream, sysModule, warningsModule);
  });

  const event = (fields: Record<string, unknown>): LogEvent => fields as unknown as LogEvent;

  it("beginLoggingTo adds the observers", () => {
    const e = event({ foo: 1, bar: 2 });
    const events1: LogEvent[] = [];
    const events2: LogEvent[] = [];
    beginner.beginLoggingTo([(x) => events1.push(x), (x) => events2.push(x)]);
    publisher(e);
    expect(events1).to.deep.equal([e]);
    expect(events2).to.deep.equal([e]);
  });

  it("replays the events logged before logging began", () => {
    const e = event({ foo: 1, bar: 2 });
    const events1: LogEvent[] = [];
    const events2: LogEvent[] = [];
    publisher(e);
    beginner.beginLoggingTo([(x) => events1.push(x), (x) => events2.push(x)]);
    expect(events1).to.deep.equal([e]);
    expect(events2).to.deep.equal([e]);
  });

  it("replays nothing with discardBuffer", () => {
    publisher(event({ n: 1 }));
    const events: LogEvent[] = [];
    beginner.beginLoggingTo([(x) => events.push(x)], true);
    expect(events).to.deep.equal([]);
  });

  function bufferLimitTest(limit: number, b: LogBeginner): void {
    for (let count = 0; count <= limit; count++) publisher(event({ count }));
    const events: LogEvent[] = [];
    b.beginLoggingTo([(x) => events.push(x)]);
    expect(events.map((e) => e.count)).to.deep.equal(Array.from({ length: limit }, (_, i) => i + 1));
  }

  it("keeps the last _DEFAULT_BUFFER_SIZE (200) events", () => {
    expect(LogBeginner._DEFAULT_BUFFER_SIZE).to.equal(200);
    bufferLimitTest(LogBeginner._DEFAULT_BUFFER_SIZE, beginner);
  });

  it("keeps initialBufferSize events when given", () => {
    publisher = new LogPublisher();
    bufferLimitTest(3, new LogBeginner(publisher, errorStream, sysModule, warningsModule, 3));
  });

  it("a second beginLoggingTo warns where both calls are, and adds the observers", () => {
    const events1: LogEvent[] = [];
    const events2: LogEvent[] = [];
    const out = stringStream();
    const textObserver = textFileLogObserver(out);
    publisher(event({ event: "prebuffer" }));
    beginner.beginLoggingTo([(x) => events1.push(x), textObserver]);
    const firstLine = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) - 1;
    publisher(event({ event: "postbuffer" }));
    beginner.beginLoggingTo([(x) => events2.push(x), textObserver]);
    const secondLine = Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[1])![1]) - 1;
    publisher(event({ event: "postwarn" }));
    const warning = { log_format: MORE_THAN_ONCE_WARNING, log_level: LogLevel.warn, fileNow: __filename, lineNow: secondLine, fileThen: __filename, lineThen: firstLine };
    compareEvents(events1, [{ event: "prebuffer" }, { event: "postbuffer" }, warning, { event: "postwarn" }]);
    compareEvents(events2, [warning, { event: "postwarn" }]);
    expect(out.value()).to.include(`<${__filename}:${firstLine}>`);
    expect(out.value()).to.include(`<${__filename}:${secondLine}>`);
  });

  it("writes critical events to the error stream until logging begins", () => {
    const log = new Logger(undefined, undefined, publisher);
    log.info("ignore this");
    log.critical("a critical {message}", { message: "message" });
    expect(errorStream.value()).to.equal("a critical message\n");
  });

  it("stops writing them once logging has begun", () => {
    const log = new Logger(undefined, undefined, publisher);
    beginner.beginLoggingTo([]);
    log.critical("another critical message");
    expect(errorStream.value()).to.equal("");
  });

  it("a failure's traceback goes to the error stream too", () => {
    const f = new Failure(new Error("this is not the behavior you are looking for"));
    new Logger(undefined, undefined, publisher).failure("a failure", f);
    const text = errorStream.value();
    expect(text).to.include("a failure");
    expect(text).to.include("this is not the behavior you are looking for");
    expect(text).to.include("Traceback");
  });

  it("redirects the stdio object's stdout and stderr into the log", () => {
    const events: LogEvent[] = [];
    beginner.beginLoggingTo([(x) => events.push(x)]);
    (sysModule.stdout as LoggingFile).write("Hello, world.\n");
    compareEvents(events, [{ log_namespace: "stdout", log_io: "Hello, world.", log_level: LogLevel.info }]);
    events.length = 0;
    (sysModule.stderr as LoggingFile).write("Error, world.\n");
    compareEvents(events, [{ log_namespace: "stderr", log_io: "Error, world.", log_level: LogLevel.error }]);
  });

  it("leaves stdio alone with redirectStandardIO false", () => {
    const { stdout, stderr } = sysModule;
    beginner.beginLoggingTo([], false, false);
    expect(sysModule.stdout).to.equal(stdout);
    expect(sysModule.stderr).to.equal(stderr);
  });

  it("keeps the replaced streams' encoding", () => {
    sysModule.stdout = { encoding: "latin1" };
    const events: LogEvent[] = [];
    beginner.beginLoggingTo([(x) => events.push(x)]);
    const stdout = sysModule.stdout as LoggingFile;
    expect(stdout.encoding).to.equal("latin1");
    stdout.write(new Uint8Array([0xe9, 0x0a]));
    compareEvents(events, [{ log_io: "\u00e9" }]);
  });

  it("routes warnings without a file into the log once logging has begun", () => {
    class DeprecationWarning {}
    warningsModule.showwarning("a message", DeprecationWarning, "f.py", 1);
    const events: LogEvent[] = [];
    beginner.beginLoggingTo([(x) => events.push(x)]);
    warningsModule.showwarning("another message", DeprecationWarning, "f.py", 2);
    const f = {};
    warningsModule.showwarning("yet another", DeprecationWarning, "f.py", 3, f);
    expect(warningsModule.warnings).to.deep.equal([
      ["a message", DeprecationWarning, "f.py", 1, null, null],
      ["yet another", DeprecationWarning, "f.py", 3, f, null],
    ]);
    compareEvents(events, [{ warning: "another message", category: "DeprecationWarning", filename: "f.py", lineno: 2 }]);
    expect(events[0].message).to.equal("f.py:2: DeprecationWarning: another message");
  });

  it("checks its observers", () => {
    expect(() => beginner.beginLoggingTo([3 as unknown as Observer])).to.throw(TypeError);
  });
});

describe("log LoggingFile", () => {
  it("logs each complete line through its logger, at its level", () => {
    const events: LogEvent[] = [];
    const file = new LoggingFile(new Logger("out", null, (e) => events.push(e)), LogLevel.warn);
    file.write("hello\nwor");
    file.write(Buffer.from("ld\n"));
    file.writelines(["a\n", "b"]);
    expect(events.map((e) => [e.log_io, e.log_level, e.message])).to.deep.equal([
      ["hello", "warn", "hello"],
      ["world", "warn", "world"],
      ["a", "warn", "a"],
    ]);
    expect(file.name).to.equal("<LoggingFile out#warn>");
    expect([file.mode, file.fileno(), file.isatty(), file.closed]).to.deep.equal(["w", -1, false, false]);
    file.close();
    expect(file.closed).to.equal(true);
    expect(() => file.write("x")).to.throw(Error, "I/O operation on closed file");
  });
});
