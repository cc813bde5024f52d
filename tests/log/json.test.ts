import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Failure } from "../../core/failure";
import {
  eventAsJSON,
  eventFromJSON,
  eventsFromJSONLogFile,
  formatEvent,
  jsonFileLogObserver,
  Logger,
  type LogEvent,
} from "../../log";
import { collectLogEvents, loggingOnPurpose } from "../helpers/log";

function jsonLog(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const logger = new Logger("j", null, jsonFileLogObserver({ write: (s: string) => void chunks.push(s) }));
  return { logger, text: () => chunks.join("") };
}

describe("log JSON: jsonFileLogObserver, eventsFromJSONLogFile", () => {
  loggingOnPurpose();
  const published = collectLogEvents();

  it("writes RS + JSON + LF per event, and reads the events back with their text", () => {
    const { logger, text } = jsonLog();
    logger.info("hi {x!r} {y}", { x: "q", y: [1, 2] });
    logger.warn("second");
    const written = text();
    expect(written.startsWith("\x1e{")).to.equal(true);
    expect(written.split("\x1e").slice(1).every((r) => r.endsWith("}\n"))).to.equal(true);
    const events = [...eventsFromJSONLogFile(written)];
    expect(events.map(formatEvent)).to.deep.equal(["hi 'q' [ 1, 2 ]", "second"]);
    expect(events[0].log_level).to.equal("info");
    expect(events[0].log_namespace).to.equal("j");
    expect(events[0].y).to.deep.equal([1, 2]);
  });

  it("writes levels as Twisted does and reads Twisted's back", () => {
    const json = JSON.parse(eventAsJSON({ log_level: "warn", log_format: "x" })) as Record<string, unknown>;
    expect(json.log_level).to.deep.equal({ name: "warn", __class_uuid__: "02E59486-F24D-46AD-8224-3ACDF2A5732A" });
    expect(eventFromJSON(JSON.stringify(json)).log_level).to.equal("warn");
  });

  it("keeps a failure's type, message and traceback", () => {
    class QuotaExceeded extends Error {}
    const { logger, text } = jsonLog();
    const original = new Failure(new QuotaExceeded("over"));
    logger.failure("boom", original);
    const [event] = [...eventsFromJSONLogFile(text())];
    const f = event.log_failure!;
    expect(f).to.be.instanceOf(Failure);
    expect(f.type?.name).to.equal("QuotaExceeded");
    expect(f.getErrorMessage()).to.equal("over");
    expect(f.getTraceback()).to.equal(original.getTraceback().replace("QuotaExceeded: over", "QuotaExceeded: over"));
  });

  it("marks what JSON cannot hold as unpersistable, without throwing", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const json = JSON.parse(
      eventAsJSON({ log_format: "{f}", f: () => 1, c: cyclic, big: 2n ** 80n, when: new Date(0), bytes: Buffer.from("ab") }),
    ) as Record<string, unknown>;
    expect(json.f).to.deep.equal({ unpersistable: true });
    expect(json.c).to.deep.equal({ self: { unpersistable: true } });
    expect(json.big).to.deep.equal({ unpersistable: true });
    expect(json.when).to.equal("1970-01-01T00:00:00.000Z");
    expect(json.bytes).to.equal("ab");
    // The text was kept by flattening.
    expect(formatEvent(eventFromJSON(JSON.stringify(json)))).to.equal("[Function: f]");
  });

  it("detects newline-separated records when there is no RS", () => {
    const text = `${eventAsJSON({ log_format: "a" })}\n${eventAsJSON({ log_format: "b" })}\n`;
    expect([...eventsFromJSONLogFile(text)].map(formatEvent)).to.deep.equal(["a", "b"]);
  });

  it("reads in chunks of any size, from an iterable or a file descriptor", () => {
    const { logger, text } = jsonLog();
    for (let i = 0; i < 5; i++) logger.info("n={i}", { i });
    const all = text();
    const chunks = all.match(/[\s\S]{1,7}/g)!;
    expect([...eventsFromJSONLogFile(chunks)].map(formatEvent)).to.deep.equal(["n=0", "n=1", "n=2", "n=3", "n=4"]);
    const dir = mkdtempSync(join(tmpdir(), "twisted-ts-json-"));
    try {
      writeFileSync(join(dir, "log.json"), all);
      const fd = openSync(join(dir, "log.json"), "r");
      try {
        expect([...eventsFromJSONLogFile(fd, undefined, 16)].map(formatEvent)).to.have.length(5);
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("skips truncated and unreadable records, logging each", () => {
    const good = `\x1e${eventAsJSON({ log_format: "ok" })}\n`;
    const events = [...eventsFromJSONLogFile(`${good}\x1e{"broken\n${good}\x1e{"truncated": 1}`)];
    expect(events.map(formatEvent)).to.deep.equal(["ok", "ok"]);
    // Logged at level error without a Failure (as Twisted's): messages, not logged errors for tests.
    const errors = published.filter((e) => "record" in e);
    expect(errors.map((e) => [e.level, e.message])).to.deep.equal([
      ["error", `Unable to read JSON record: '{"broken\\n'`],
      ["error", `Unable to read truncated JSON record: '{"truncated": 1}'`],
    ]);
    expect(errors.map((e) => e.log_format)).to.deep.equal(["Unable to read JSON record: {record!r}", "Unable to read truncated JSON record: {record!r}"]);
  });

  it("writes JSON as Python's json.dumps does (separators, ASCII escapes), as Twisted's files", () => {
    const event = { x: 1, s: 'caf\u00e9 \u20ac \u{1F600} "q" \\ \n\x01\x7f', l: [1, "a"], n: null, b: true, d: { k: 2.5 } };
    // Python 3: eventAsJSON of the same dict.
    expect(eventAsJSON(event)).to.equal(
      '{"x": 1, "s": "caf\\u00e9 \\u20ac \\ud83d\\ude00 \\"q\\" \\\\ \\n\\u0001\\u007f", "l": [1, "a"], "n": null, "b": true, "d": {"k": 2.5}}',
    );
    expect(eventFromJSON(eventAsJSON(event))).to.deep.equal(event);
    const chunks: string[] = [];
    jsonFileLogObserver({ write: (t: string) => void chunks.push(t) }, "")({ x: 1 } as unknown as LogEvent);
    expect(chunks.join("")).to.equal('{"x": 1}\n');
  });

  it("reads a level it does not know as null, as Twisted's", () => {
    const text = '{"log_level": {"name": "other", "__class_uuid__": "02E59486-F24D-46AD-8224-3ACDF2A5732A"}}';
    expect(eventFromJSON(text)).to.deep.equal({ log_level: null });
  });

  it("a Failure of a JavaScript error class comes back as that class", () => {
    const { logger, text } = jsonLog();
    logger.failure("a message about failure", new Failure(new RangeError("out")));
    const [event] = [...eventsFromJSONLogFile(text())];
    expect(event.log_failure?.check(RangeError)).to.equal(RangeError);
    expect(event.log_failure?.value).to.be.instanceOf(RangeError);
  });

  it("a Failure of a class this process wrote comes back as that class, its constructor not called", () => {
    class CapturedError extends Error {
      constructor(readonly code: number) {
        super(`code ${code}`);
        if (typeof code !== "number") throw new TypeError("a code is needed");
      }
    }
    const { logger, text } = jsonLog();
    logger.failure("failed as expected", new Failure(new CapturedError(7)));
    const [event] = [...eventsFromJSONLogFile(text())];
    expect(event.log_failure?.check(CapturedError)).to.equal(CapturedError);
    expect(event.log_failure?.getErrorMessage()).to.equal("code 7");
    expect(event.log_failure?.getTraceback()).to.match(/^Traceback \(failure\): CapturedError: code 7\n\s+at /);
  });

  it("reads a file-like object's read(size), in pieces as small as one character", () => {
    const fileLike = (content: string | Buffer): { read(n: number): string | Buffer } => {
      let at = 0;
      return {
        read(n: number) {
          const piece = content.slice(at, at + n);
          at += n;
          return piece;
        },
      };
    };
    const expected = [{ x: 1 }, { y: 2 }];
    expect([...eventsFromJSONLogFile(fileLike('\x1e{"x": 1}\n\x1e{"y": 2}\n'), undefined, 1)]).to.deep.equal(expected);
    expect([...eventsFromJSONLogFile(fileLike('{"x": 1}\n{"y": 2}\n'))]).to.deep.equal(expected);
    expect([...eventsFromJSONLogFile(fileLike('\x08{"x": 1}\n\x08{"y": 2}\n'), "\x08")]).to.deep.equal(expected);
    // A euro sign cut between reads of 8 bytes.
    expect([...eventsFromJSONLogFile(fileLike(Buffer.from('\x1e{"x": "\u20ac"}\n')), undefined, 8)]).to.deep.equal([{ x: "\u20ac" }]);
  });

  it("rejects bad input at the call", () => {
    expect(() => eventsFromJSONLogFile({} as never)).to.throw(TypeError, /inFile/);
  });

  it("reads a log that Twisted wrote", function () {
    let python: string;
    try {
      const script = [
        "import io",
        "from twisted.logger import Logger, jsonFileLogObserver",
        "buf = io.StringIO()",
        "log = Logger(namespace='py', observer=jsonFileLogObserver(buf))",
        "log.info('value {value!r} doing {something}.', value=7, something='a task')",
        "try:\n    1/0\nexcept ZeroDivisionError:\n    log.failure('oops')",
        "print(buf.getvalue(), end='')",
      ].join("\n");
      python = execFileSync("/usr/bin/python3", ["-c", script], { encoding: "utf8" });
    } catch {
      this.skip();
    }
    const [event, failed] = [...eventsFromJSONLogFile(python)] as LogEvent[];
    expect(failed.log_failure?.type?.name).to.equal("ZeroDivisionError");
    expect(failed.log_failure?.getTraceback()).to.equal("Traceback (failure): ZeroDivisionError: \n    at <module> (<string>:7)\n");
    expect(formatEvent(event)).to.equal("value 7 doing a task.");
    expect(event.log_level).to.equal("info");
    expect(event.log_namespace).to.equal("py");
  });
});
