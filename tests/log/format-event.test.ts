import { expect } from "chai";
import { Failure } from "../../core/failure";
import {
  eventAsText,
  formatEvent,
  formatEventAsClassicLogText,
  formatTime,
  formatTraceback,
  formatUnformattableEvent,
  LogLevel,
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
