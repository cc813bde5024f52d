import { expect } from "chai";
import { LineReceiver, NotImplementedError } from "../../protocols";
import { StringTransport } from "../../testing";
import { Clock } from "../../task";

const b = (s: string): Buffer => Buffer.from(s, "latin1");
const strs = (list: Buffer[]): string[] => list.map((x) => x.toString("latin1"));

/** Flips between line and raw mode after one byte (Twisted's FlippingLineTester). */
class FlippingLineTester extends LineReceiver {
  override delimiter = b("\n");
  lines: Buffer[] = [];
  override lineReceived(line: Buffer): void {
    this.lines.push(line);
    this.setRawMode();
  }
  override rawDataReceived(data: Buffer): void {
    this.setLineMode(data.subarray(1));
  }
}

/** Twisted's LineTester: acts on tokens. */
class LineTester extends LineReceiver {
  override delimiter = b("\n");
  override MAX_LENGTH = 64;
  received: Buffer[] = [];
  length = 0;
  constructor(readonly clock: Clock | null = null) {
    super();
  }
  override connectionMade(): void {
    this.received = [];
  }
  override lineReceived(line: Buffer): void {
    this.received.push(line);
    const s = line.toString("latin1");
    if (s === "") this.setRawMode();
    else if (s === "pause") {
      this.pauseProducing();
      this.clock!.callLater(0, this.resumeProducing);
    } else if (s === "rawpause") {
      this.pauseProducing();
      this.setRawMode();
      this.received.push(b(""));
      this.clock!.callLater(0, this.resumeProducing);
    } else if (s === "stop") this.stopProducing();
    else if (s.startsWith("len ")) this.length = Number(s.slice(4));
    else if (s.startsWith("produce")) (this.transport as StringTransport).registerProducer(this, false);
    else if (s.startsWith("unproduce")) (this.transport as StringTransport).unregisterProducer();
  }
  override rawDataReceived(data: Buffer): void {
    const rest = data.subarray(this.length);
    data = data.subarray(0, this.length);
    this.length -= data.length;
    this.received[this.received.length - 1] = Buffer.concat([this.received[this.received.length - 1], data]);
    if (this.length === 0) this.setLineMode(rest);
  }
  override lineLengthExceeded(line: Buffer): void {
    if (line.length > this.MAX_LENGTH + 1) this.setLineMode(line.subarray(this.MAX_LENGTH + 1));
  }
}

function feed(p: LineReceiver, data: Buffer, size: number): void {
  for (let i = 0; i < Math.floor(data.length / size) + 1; i++) p.dataReceived(data.subarray(i * size, (i + 1) * size));
}

describe("LineReceiver (twisted.protocols.basic)", () => {
  const buffer = b(
    "len 10\n\n0123456789len 5\n\n1234\nlen 20\nfoo 123\n\n0123456789\n012345678len 0\nfoo 5\n\n" +
      "1234567890123456789012345678901234567890123456789012345678901234567890\nlen 1\n\na",
  );
  const output = ["len 10", "0123456789", "len 5", "1234\n", "len 20", "foo 123", "0123456789\n012345678", "len 0", "foo 5", "", "67890", "len 1", "a"];

  it("parses lines and raw data whatever the read size (test_buffer)", () => {
    for (let size = 1; size < 10; size++) {
      const a = new LineTester();
      a.makeConnection(new StringTransport());
      feed(a, buffer, size);
      expect(strs(a.received)).to.deep.equal(output);
    }
  });

  it("delivers no line while paused, the rest on resume (test_pausing)", () => {
    const pauseBuf = b("twiddle1\ntwiddle2\npause\ntwiddle3\n");
    for (let size = 1; size < 10; size++) {
      const clock = new Clock();
      const a = new LineTester(clock);
      a.makeConnection(new StringTransport());
      feed(a, pauseBuf, size);
      expect(strs(a.received)).to.deep.equal(["twiddle1", "twiddle2", "pause"]);
      clock.advance(0);
      expect(strs(a.received)).to.deep.equal(["twiddle1", "twiddle2", "pause", "twiddle3"]);
    }
  });

  it("pauses in raw mode too (test_rawPausing)", () => {
    const buf = b("twiddle1\ntwiddle2\nlen 5\nrawpause\n12345twiddle3\n");
    for (let size = 1; size < 10; size++) {
      const clock = new Clock();
      const a = new LineTester(clock);
      a.makeConnection(new StringTransport());
      feed(a, buf, size);
      expect(strs(a.received)).to.deep.equal(["twiddle1", "twiddle2", "len 5", "rawpause", ""]);
      clock.advance(0);
      expect(strs(a.received)).to.deep.equal(["twiddle1", "twiddle2", "len 5", "rawpause", "12345", "twiddle3"]);
    }
  });

  it("stops delivering after stopProducing (test_stopProducing)", () => {
    const buf = b("twiddle1\ntwiddle2\nstop\nmore\nstuff\n");
    for (let size = 1; size < 10; size++) {
      const a = new LineTester();
      const t = new StringTransport();
      a.makeConnection(t);
      feed(a, buf, size);
      expect(strs(a.received)).to.deep.equal(["twiddle1", "twiddle2", "stop"]);
      expect(t.producerState).to.equal("stopped");
    }
  });

  it("works as a producer of its transport (test_lineReceiverAsProducer)", () => {
    const a = new LineTester();
    a.makeConnection(new StringTransport());
    a.dataReceived(b("produce\nhello world\nunproduce\ngoodbye\n"));
    expect(strs(a.received)).to.deep.equal(["produce", "hello world", "unproduce", "goodbye"]);
  });

  it("clearLineBuffer inside lineReceived drops and returns the rest (test_clearLineBuffer)", () => {
    class ClearingReceiver extends LineReceiver {
      line: Buffer | null = null;
      rest: Buffer | null = null;
      override lineReceived(line: Buffer): void {
        this.line = line;
        this.rest = this.clearLineBuffer();
      }
    }
    const p = new ClearingReceiver();
    p.dataReceived(b("foo\r\nbar\r\nbaz"));
    expect(p.line!.toString()).to.equal("foo");
    expect(p.rest!.toString()).to.equal("bar\r\nbaz");
    p.dataReceived(b("quux\r\n"));
    expect(p.line!.toString()).to.equal("quux");
    expect(p.rest!.toString()).to.equal("");
  });

  it("switches modes many times in one read without deep recursion (test_stackRecursion)", () => {
    const p = new FlippingLineTester();
    p.makeConnection(new StringTransport());
    const limit = 20000;
    p.dataReceived(b("x\nx".repeat(limit)));
    expect(Buffer.concat(p.lines).toString()).to.equal("x".repeat(limit));
  });

  it("delivers 100,000 lines of one read", () => {
    class Counter extends LineReceiver {
      count = 0;
      override lineReceived(): void {
        this.count++;
      }
    }
    const p = new Counter();
    p.makeConnection(new StringTransport());
    p.dataReceived(b("line\r\n".repeat(100_000)));
    expect(p.count).to.equal(100_000);
  });

  it("drops the connection for a line over MAX_LENGTH (test_maximumLineLength)", () => {
    const p = new LineReceiver();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x".repeat(p.MAX_LENGTH + 1) + "\r\nr"));
    expect(t.disconnecting).to.equal(true);
  });

  it("accepts a line of exactly MAX_LENGTH", () => {
    class Keep extends LineReceiver {
      lines: Buffer[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line);
      }
    }
    const p = new Keep();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x".repeat(p.MAX_LENGTH) + "\r\n"));
    expect(t.disconnecting).to.equal(false);
    expect(p.lines[0].length).to.equal(p.MAX_LENGTH);
  });

  it("a delimiter split across reads ends the line (test_maximumLineLengthPartialDelimiter)", () => {
    const p = new LineTester();
    p.MAX_LENGTH = 4;
    const t = new StringTransport();
    p.makeConnection(t);
    const line = b("x".repeat(p.MAX_LENGTH - 1));
    p.dataReceived(line);
    p.dataReceived(p.delimiter.subarray(0, -1));
    p.dataReceived(Buffer.concat([p.delimiter.subarray(-1), line]));
    expect(t.disconnecting).to.equal(false);
    expect(strs(p.received)).to.deep.equal([line.toString()]);
  });

  it("a two-byte delimiter split across reads, after a multi-read line", () => {
    class Keep extends LineReceiver {
      lines: string[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line.toString());
      }
    }
    const p = new Keep();
    p.makeConnection(new StringTransport());
    for (const piece of ["ab", "cd", "ef\r", "\ngh\r", "\n", "\r", "\r\n"]) p.dataReceived(b(piece));
    expect(p.lines).to.deep.equal(["abcdef", "gh", "\r"]);
  });

  it("a partial line of MAX_LENGTH plus part of the delimiter is fine (test_notQuiteMaximumLineLengthUnfinished)", () => {
    const p = new LineReceiver();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x".repeat(p.MAX_LENGTH) + "\r"));
    expect(t.disconnecting).to.equal(false);
  });

  it("a partial line one byte longer is exceeded (test_maximumLineLengthRemaining)", () => {
    const p = new LineReceiver();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x".repeat(p.MAX_LENGTH + 2)));
    expect(t.disconnecting).to.equal(true);
  });

  it("dataReceived returns what rawDataReceived returned (test_rawDataError)", () => {
    const p = new LineReceiver();
    const oops = new Error("oops");
    (p as unknown as { rawDataReceived: (d: Buffer) => unknown }).rawDataReceived = () => oops;
    p.makeConnection(new StringTransport());
    p.setRawMode();
    expect(p.dataReceived(b("data"))).to.equal(oops);
  });

  it("dataReceived returns what lineLengthExceeded returned", () => {
    class Why extends LineReceiver {
      override MAX_LENGTH = 3;
      override lineLengthExceeded(_line: Buffer): unknown {
        return "too long";
      }
    }
    const p = new Why();
    p.makeConnection(new StringTransport());
    expect(p.dataReceived(b("abcd\r\n"))).to.equal("too long");
  });

  it("lineReceived and rawDataReceived throw NotImplementedError by default", () => {
    const p = new LineReceiver();
    expect(() => p.rawDataReceived(b("foo"))).to.throw(NotImplementedError);
    expect(() => p.lineReceived(b("foo"))).to.throw(NotImplementedError);
    expect(new NotImplementedError().name).to.equal("NotImplementedError");
  });

  it("a line received while paused from inside lineReceived waits for resumeProducing", () => {
    class Pauser extends LineReceiver {
      lines: string[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line.toString());
        if (line.toString() === "p") {
          this.pauseProducing();
          this.dataReceived(b("late\r\n")); // arrives while paused, from inside the callback
        }
      }
    }
    const p = new Pauser();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("a\r\np\r\nb\r\n"));
    expect(p.lines).to.deep.equal(["a", "p"]);
    expect(t.producerState).to.equal("paused");
    p.dataReceived(b("c\r\n"));
    expect(p.lines).to.deep.equal(["a", "p"]);
    p.resumeProducing();
    expect(p.lines).to.deep.equal(["a", "p", "b", "late", "c"]);
    expect(t.producerState).to.equal("producing");
  });

  it("stops delivering once the transport is disconnecting", () => {
    class Quit extends LineReceiver {
      lines: string[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line.toString());
        if (line.toString() === "quit") this.transport!.loseConnection();
      }
    }
    const p = new Quit();
    p.makeConnection(new StringTransport());
    p.dataReceived(b("a\r\nquit\r\nb\r\n"));
    expect(p.lines).to.deep.equal(["a", "quit"]);
  });

  it("raw mode gets the partial line buffered before it", () => {
    class Raw extends LineReceiver {
      raw: string[] = [];
      override lineReceived(): void {}
      override rawDataReceived(data: Buffer): void {
        this.raw.push(data.toString());
      }
    }
    const p = new Raw();
    p.makeConnection(new StringTransport());
    p.dataReceived(b("par"));
    p.setRawMode();
    p.dataReceived(b("tial"));
    expect(p.raw).to.deep.equal(["partial"]);
  });

  it("a changed delimiter applies to what is buffered", () => {
    class Keep extends LineReceiver {
      lines: string[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line.toString());
      }
    }
    const p = new Keep();
    p.makeConnection(new StringTransport());
    p.dataReceived(b("a;b"));
    p.delimiter = b(";");
    p.dataReceived(b(";c"));
    expect(p.lines).to.deep.equal(["a", "b"]);
  });

  it("a string delimiter (from JavaScript) is taken as UTF-8, for splitting and for sendLine", () => {
    class Keep extends LineReceiver {
      lines: string[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line.toString());
      }
    }
    const p = new Keep();
    (p as unknown as { delimiter: string }).delimiter = "\n";
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("a\nb"));
    p.dataReceived(b("\nc"));
    p.sendLine("out");
    expect(p.lines).to.deep.equal(["a", "b"]);
    expect(t.value().toString()).to.equal("out\n");
    (p as unknown as { delimiter: string }).delimiter = "--"; // changed: converted again
    p.dataReceived(b("--d--"));
    expect(p.lines).to.deep.equal(["a", "b", "c", "d"]);
  });

  it("sendLine writes the line and the delimiter; strings as UTF-8", () => {
    const p = new LineReceiver();
    const t = new StringTransport();
    p.makeConnection(t);
    p.sendLine("héllo");
    const send = p.sendLine;
    send(b("x"));
    expect(t.value().toString()).to.equal("héllo\r\nx\r\n");
    expect(() => p.sendLine(42 as unknown as string)).to.throw(TypeError, /line/);
  });

  it("a 10 MB line in 1 KB pieces copies each byte a bounded number of times (linear)", () => {
    // Count the bytes copied (Buffer.concat, buf.copy): a linear parser copies each byte of the
    // line a constant number of times, whatever its length; re-concatenating the buffer on each
    // read (as Twisted does) copies it about size / 2 KB times.
    const perByte: number[] = [];
    for (const size of [1 << 20, 10 << 20]) {
      let copied = 0;
      const concat = Buffer.concat;
      const copy = Buffer.prototype.copy;
      Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
        const r = concat(list, total);
        copied += r.length;
        return r;
      });
      Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer["copy"]>): number {
        const n = copy.apply(this, args);
        copied += n;
        return n;
      };
      try {
        class Keep extends LineReceiver {
          got = 0;
          override lineReceived(line: Buffer): void {
            this.got = line.length;
          }
        }
        const p = new Keep();
        p.MAX_LENGTH = 20 << 20;
        p.makeConnection(new StringTransport());
        const piece = Buffer.alloc(1024, 0x61);
        for (let i = 0; i < size / 1024; i++) p.dataReceived(piece);
        p.dataReceived(b("\r\n"));
        expect(p.got).to.equal(size);
      } finally {
        Buffer.concat = concat;
        Buffer.prototype.copy = copy;
      }
      perByte.push(copied / size);
    }
    expect(perByte[0]).to.be.above(0.5); // the counting sees the copies
    expect(perByte[1]).to.be.below(perByte[0] * 1.5);
    expect(perByte[1]).to.be.below(4);
  });
});
