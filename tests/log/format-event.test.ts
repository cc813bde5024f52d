import { expect } from "chai";
import { inspect } from "node:util";
import { Failure } from "../../core/failure";
import {
  eventAsText,
  formatEvent,
  formatEventAsClassicLogText,
  formatTime,
  formatTraceback,
  formatUnformattableEvent,
  LogLevel,
  repr,
} from "../../log";

// Expected texts are what twisted.logger 22.4 gives for the same events.
describe("log formatEvent", () => {
  it("formats log_format with the event's keys", () => {
    expect(formatEvent({ log_format: "a {b!r}", b: [1, "x", null, true] })).to.equal("a [ 1, 'x', null, true ]");
    expect(formatEvent({ log_format: "a {b()}", b: () => 5 })).to.equal("a 5");
    expect(formatEvent({ log_format: "{log_namespace}#{log_level}", log_namespace: "ns", log_level: LogLevel.warn })).to.equal("ns#warn");
  });

  it("gives '' for an event without a format (or the twisted-ts message when there is one)", () => {
    expect(formatEvent({})).to.equal("");
    expect(formatEvent({ log_format: null })).to.equal("");
    expect(formatEvent({ message: "plain" })).to.equal("plain");
  });

  it("never throws: an unformattable event is described with the reason", () => {
    expect(formatEvent({ log_format: "a {b" })).to.equal("Unable to format event { log_format: 'a {b' }: expected '}' before end of string");
    expect(formatEvent({ log_format: 3 })).to.equal("Unable to format event { log_format: 3 }: Log format must be str, not 3");
    expect(formatEvent({ log_format: "{x[y]}", x: {} })).to.equal("Unable to format event { log_format: '{x[y]}', x: {} }: 'y'");
    const throwing = { log_format: "{f()}", f: (): never => { throw new Error("inside"); } };
    expect(formatEvent(throwing)).to.match(/^Unable to format event .*: inside$/);
    expect(formatUnformattableEvent({ a: 1 }, new Error("why"))).to.equal("Unable to format event { a: 1 }: why");
  });

  it("decodes a byte-array format as UTF-8", () => {
    expect(formatEvent({ log_format: Buffer.from("h\u00e9 {x}"), x: 1 })).to.equal("h\u00e9 1");
    expect(formatEvent({ log_format: Buffer.from([0x53, 0xe1]) })).to.match(/^Unable to format event /);
  });
});

describe("log formatTime", () => {
  it("formats local time by strftime, with the zone offset, as Twisted's RFC 3339 default", () => {
    const when = 1609556645.678; // 2021-01-02T03:04:05.678Z
    const d = new Date(when * 1000);
    const two = (n: number): string => String(n).padStart(2, "0");
    const offset = -d.getTimezoneOffset();
    const zone = `${offset < 0 ? "-" : "+"}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
    const local = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    expect(formatTime(when)).to.equal(local + zone);
    expect(formatTime(when, "%Y/%d %%")).to.equal(`${d.getFullYear()}/${two(d.getDate())} %`);
  });

  it("gives the default for no time or no format", () => {
    expect(formatTime(undefined)).to.equal("-");
    expect(formatTime(null)).to.equal("-");
    expect(formatTime(5, null)).to.equal("-");
    expect(formatTime(null, undefined, "?")).to.equal("?");
  });
});

describe("log eventAsText and formatEventAsClassicLogText", () => {
  const noTime = (): string => "-";

  it("writes '<time> [<namespace>#<level>] <text>', '-' for what is missing", () => {
    expect(formatEventAsClassicLogText({ log_format: "Hello!" })).to.equal("- [-#-] Hello!\n");
    const event = { log_format: "Hello!", log_namespace: "my_namespace", log_level: LogLevel.info, log_time: 1 };
    expect(formatEventAsClassicLogText(event, noTime)).to.equal("- [my_namespace#info] Hello!\n");
    expect(formatEventAsClassicLogText({ log_format: "Hello!", log_system: "my_system" }, noTime)).to.equal("- [my_system] Hello!\n");
  });

  it("gives null for an event without text", () => {
    expect(formatEventAsClassicLogText({})).to.equal(null);
    expect(eventAsText({})).to.equal("");
  });

  it("appends the failure's traceback once, lines indented by a tab", () => {
    const failure = new Failure(new Error("boom"));
    const text = formatEventAsClassicLogText({ log_format: "oops {x}", x: 2, log_failure: failure }, noTime)!;
    const traceback = failure.getTraceback();
    expect(text).to.equal(`- [-#-] ${`oops 2\n${traceback}`.replace(/\n/g, "\n\t")}\n`);
    expect(text.match(/boom/g)).to.have.length(1); // the traceback's first line is not repeated
    expect(text.split("\n")[1]).to.equal("\tTraceback (failure): Error: boom");
  });

  it("leaves parts out on request", () => {
    const event = { log_format: "x", log_namespace: "n", log_level: "info", log_failure: new Failure("v") };
    expect(eventAsText(event, { includeTimestamp: false, includeSystem: false, includeTraceback: false })).to.equal("x");
    expect(eventAsText(event, { includeTimestamp: false, includeTraceback: false })).to.equal("[n#info] x");
  });

  it("formatTraceback never throws", () => {
    expect(formatTraceback({ getTraceback: (): never => { throw new Error("no"); } })).to.equal("(UNABLE TO OBTAIN TRACEBACK FROM EVENT):no");
    expect(formatTraceback(42)).to.match(/^\(UNABLE TO OBTAIN TRACEBACK FROM EVENT\):/);
  });
});

describe("log formatEvent of an event that cannot be formatted", () => {
  it("does not nest the earlier description (the event's message) in the new one", () => {
    const event = { log_format: "{0}", message: "Unable to format event {...}: tuple index out of range", x: 1 };
    expect(formatEvent(event)).to.equal("Unable to format event { log_format: '{0}', x: 1 }: tuple index out of range");
  });
});

// As twisted.logger.test.test_format: an object whose repr (and str) raises.
class Unformattable {
  [inspect.custom](): string {
    throw new Error("no repr");
  }
  toString(): string {
    throw new Error("no str");
  }
}

describe("log formatEvent when even the description fails (Twisted's MESSAGE LOST)", () => {
  const evil = (): never => {
    throw new RangeError("division by zero");
  };

  it("an unformattable value keeps the rest of the data and the formatting error", () => {
    const result = formatEvent({ log_format: "{evil()}", evil, gurk: new Unformattable(), recoverable: "okay" });
    expect(result).to.match(/^MESSAGE LOST: unformattable object logged: RangeError\('division by zero'\)\n/);
    expect(result).to.include("Recoverable data: 'log_format' = '{evil()}', 'evil' = [Function: evil], 'gurk' = [unprintable object], 'recoverable' = 'okay'\n");
    expect(result).to.include("Exception during formatting:\n[Failure instance: Traceback: <class 'Error'>: no repr\n");
  });

  it("an unformattable error (formatUnformattableEvent called directly)", () => {
    const result = formatUnformattableEvent({ log_format: "{evil()}", evil, recoverable: "okay" }, new Unformattable());
    expect(result).to.include("MESSAGE LOST: unformattable object logged:");
    expect(result).to.include(`${repr("recoverable")} = ${repr("okay")}`);
    expect(result).to.include("Exception during formatting:");
  });

  it("the description is the event's repr and the error's str, as Twisted's", () => {
    const event = { log_format: "{evil()}", evil };
    expect(formatEvent(event)).to.equal(`Unable to format event ${repr(event)}: division by zero`);
    const weird = { log_format: {}, foo: 1, bar: 2 };
    expect(formatEvent(weird)).to.equal(`Unable to format event ${repr(weird)}: Log format must be str, not {}`);
  });

  it("still appends the traceback, and eventAsText shows UNFORMATTABLE for a bad log_system", () => {
    const failure = new Failure(new Error("This is a fake error"));
    const text = eventAsText({ log_format: "{evil()}", evil, gurk: new Unformattable(), log_failure: failure }, { includeSystem: false });
    expect(text).to.include("MESSAGE LOST");
    expect(text).to.include(failure.getTraceback());
    expect(formatEventAsClassicLogText({ log_format: "XYZZY", log_system: new Unformattable() })).to.equal("- [UNFORMATTABLE] XYZZY\n");
  });
});

describe("log formatEvent of bytes, as Python's", () => {
  it("shows a byte array as Python shows bytes, with {x}, {x!s} and {x!r}", () => {
    expect(formatEvent({ log_format: "S{a!s}nchez", a: Buffer.from([0xe1]) })).to.equal("Sb'\\xe1'nchez");
    expect(formatEvent({ log_format: "S{a!r}nchez", a: new Uint8Array([0xe1]) })).to.equal("Sb'\\xe1'nchez");
    expect(formatEvent({ log_format: "got {data}", data: Buffer.from("it's\r\n\t\\\"") })).to.equal(`got b'it\\'s\\r\\n\\t\\\\"'`);
    expect(formatEvent({ log_format: "{data!r}", data: Buffer.from("it's") })).to.equal(`b"it's"`);
  });
});

describe("log formatTime as Python's strftime", () => {
  const saved = process.env.TZ;
  before(() => {
    process.env.TZ = "UTC";
  });
  after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it("%f is the microseconds of the time, rounded as Python's", () => {
    expect(formatTime(1000000.23456, "%f")).to.equal("234560");
    expect(formatTime(112345.6, "%f")).to.equal("600000");
    expect(formatTime(-1.5, "%Y %f")).to.equal("1969 500000");
  });

  it("week numbers, ISO weeks and the other codes of glibc's strftime", () => {
    const t = Date.UTC(2013, 8, 24, 11, 40, 47) / 1000;
    expect(formatTime(t, "%Y/%W")).to.equal("2013/38");
    expect(formatTime(t)).to.equal("2013-09-24T11:40:47+0000");
    expect(formatTime(t, "%c|%x|%X|%e|%U|%w|%u|%G-%V|%C|%k|%l|%P|%r|%D|%T|%F|%R|%h|%g|%Z|%j")).to.equal(
      "Tue Sep 24 11:40:47 2013|09/24/13|11:40:47|24|38|2|2|2013-39|20|11|11|am|11:40:47 AM|09/24/13|11:40:47|2013-09-24|11:40|Sep|13|UTC+0000|267",
    );
    expect(formatTime(Date.UTC(2013, 4, 5, 7) / 1000, "%-d %_m %^a %5Y %Q %%")).to.equal("5  5 SUN 02013 %Q %");
    // Values checked against Python's date.strftime("%U %W %V %G").
    const weeks: Array<[number, number, number, string]> = [
      [2013, 0, 1, "00 00 01 2013"],
      [2012, 0, 1, "01 00 52 2011"],
      [2016, 0, 3, "01 00 53 2015"],
      [2018, 11, 31, "52 53 01 2019"],
    ];
    for (const [y, m, d, expected] of weeks) expect(formatTime(Date.UTC(y, m, d, 12) / 1000, "%U %W %V %G")).to.equal(expected);
  });

  it("a zone's offset in %z and %Z", () => {
    process.env.TZ = "America/New_York";
    try {
      expect(formatTime(1380019247.5, "%z %Z %H")).to.equal("-0400 UTC-0400 06");
      expect(formatTime(1359590400, "%z")).to.equal("-0500");
    } finally {
      process.env.TZ = "UTC";
    }
  });
});
