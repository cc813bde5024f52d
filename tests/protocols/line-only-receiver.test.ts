import { expect } from "chai";
import { LineOnlyReceiver, LineReceiver, NotImplementedError } from "../../protocols";
import { StringTransport } from "../../testing";

const b = (s: string): Buffer => Buffer.from(s, "latin1");

class LineOnlyTester extends LineOnlyReceiver {
  override delimiter = b("\n");
  override MAX_LENGTH = 64;
  received: Buffer[] = [];
  override lineReceived(line: Buffer): void {
    this.received.push(line);
  }
}

describe("LineOnlyReceiver (twisted.protocols.basic)", () => {
  it("assembles lines fed one byte at a time (test_buffer)", () => {
    const buffer = b("foo\n    bleakness\n    desolation\n    plastic forks\n    ");
    const a = new LineOnlyTester();
    a.makeConnection(new StringTransport());
    for (const c of buffer) a.dataReceived(Buffer.from([c]));
    expect(a.received.map(String)).to.deep.equal(buffer.toString().split("\n").slice(0, -1));
  });

  it("drops the connection for a line longer than MAX_LENGTH + delimiter (test_greaterThanMaximumLineLength)", () => {
    const p = new LineOnlyTester();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x".repeat(p.MAX_LENGTH + p.delimiter.length + 1) + "\r\nr"));
    expect(t.disconnecting).to.equal(true);
  });

  it("accepts a line of exactly MAX_LENGTH and rejects one byte more", () => {
    const p = new LineOnlyTester();
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x".repeat(64) + "\n"));
    expect(p.received.length).to.equal(1);
    expect(t.disconnecting).to.equal(false);
    p.dataReceived(b("y".repeat(65) + "\n"));
    expect(p.received.length).to.equal(1);
    expect(t.disconnecting).to.equal(true);
  });

  it("stops delivering once the transport is disconnecting", () => {
    class Quit extends LineOnlyTester {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        this.transport!.loseConnection();
      }
    }
    const p = new Quit();
    p.makeConnection(new StringTransport());
    p.dataReceived(b("a\nb\nc\n"));
    expect(p.received.map(String)).to.deep.equal(["a"]);
  });

  it("sendLine uses writeSequence with the delimiter", () => {
    const p = new LineOnlyTester();
    const t = new StringTransport();
    p.makeConnection(t);
    p.sendLine("hi");
    expect(t.value().toString()).to.equal("hi\n");
  });

  it("a string delimiter (from JavaScript) is taken as UTF-8", () => {
    const p = new LineOnlyTester();
    (p as unknown as { delimiter: string }).delimiter = ";";
    const t = new StringTransport();
    p.makeConnection(t);
    p.dataReceived(b("x;y;"));
    p.sendLine("z");
    expect(p.received.map(String)).to.deep.equal(["x", "y"]);
    expect(t.value().toString()).to.equal("z;");
  });

  it("lineReceived throws NotImplementedError by default (test_lineReceivedNotImplemented)", () => {
    expect(() => new LineOnlyReceiver().lineReceived(b("foo"))).to.throw(NotImplementedError);
  });
});

class ExcessivelyLargeLineCatcher extends LineReceiver {
  longLines: Buffer[] = [];
  override lineReceived(): void {}
  override lineLengthExceeded(data: Buffer): void {
    this.longLines.push(data);
  }
}

describe("LineReceiver.lineLengthExceeded (twisted.protocols.basic)", () => {
  let p: ExcessivelyLargeLineCatcher;
  beforeEach(() => {
    p = new ExcessivelyLargeLineCatcher();
    p.MAX_LENGTH = 6;
    p.makeConnection(new StringTransport());
  });
  const long = (): Buffer => b("x".repeat(p.MAX_LENGTH * 2 + 2));

  it("gets a long unended line (test_longUnendedLine)", () => {
    const excessive = long();
    p.dataReceived(excessive);
    expect(p.longLines).to.deep.equal([excessive]);
  });

  it("gets a long line after a short one (test_longLineAfterShortLine)", () => {
    const excessive = long();
    p.dataReceived(Buffer.concat([b("x"), p.delimiter, excessive]));
    expect(p.longLines).to.deep.equal([excessive]);
  });

  it("gets the long line with the delimiter and everything after it (test_longLineWithDelimiter)", () => {
    const excessive = Buffer.concat([long(), p.delimiter, long()]);
    p.dataReceived(excessive);
    expect(p.longLines).to.deep.equal([excessive]);
  });

  it("gets several long lines as one (test_multipleLongLines)", () => {
    const excessive = Buffer.concat([long(), p.delimiter, long(), p.delimiter]);
    p.dataReceived(excessive);
    expect(p.longLines).to.deep.equal([excessive]);
  });
});

/** Twisted's OnlyProducerTransport. */
class OnlyProducerTransport {
  paused = false;
  disconnecting = false;
  data: Buffer[] = [];
  pauseProducing(): void {
    this.paused = true;
  }
  resumeProducing(): void {
    this.paused = false;
  }
  write(bytes: Buffer): void {
    this.data.push(bytes);
  }
  writeSequence(): void {}
  loseConnection(): void {}
  getPeer(): never {
    throw new Error("no");
  }
  getHost(): never {
    throw new Error("no");
  }
}

describe("LineReceiver as a producer (ProducerTests.test_pauseResume)", () => {
  it("pauses and resumes its transport and delivers waiting lines one by one", () => {
    class ConsumingProtocol extends LineReceiver {
      override lineReceived(line: Buffer): void {
        this.transport!.write(line);
        this.pauseProducing();
      }
    }
    const p = new ConsumingProtocol();
    const t = new OnlyProducerTransport();
    p.makeConnection(t);
    const seen = (): string[] => t.data.map(String);
    p.dataReceived(b("hello, "));
    expect(seen()).to.deep.equal([]);
    expect([t.paused, p.paused]).to.deep.equal([false, false]);
    p.dataReceived(b("world\r\n"));
    expect(seen()).to.deep.equal(["hello, world"]);
    expect([t.paused, p.paused]).to.deep.equal([true, true]);
    p.resumeProducing();
    expect(seen()).to.deep.equal(["hello, world"]);
    expect([t.paused, p.paused]).to.deep.equal([false, false]);
    p.dataReceived(b("hello\r\nworld\r\n"));
    expect(seen()).to.deep.equal(["hello, world", "hello"]);
    expect([t.paused, p.paused]).to.deep.equal([true, true]);
    p.resumeProducing();
    expect(seen()).to.deep.equal(["hello, world", "hello", "world"]);
    expect([t.paused, p.paused]).to.deep.equal([true, true]);
    p.dataReceived(b("goodbye\r\n"));
    expect(seen()).to.deep.equal(["hello, world", "hello", "world"]);
    p.resumeProducing();
    expect(seen()).to.deep.equal(["hello, world", "hello", "world", "goodbye"]);
    expect([t.paused, p.paused]).to.deep.equal([true, true]);
    p.resumeProducing();
    expect(seen()).to.deep.equal(["hello, world", "hello", "world", "goodbye"]);
    expect([t.paused, p.paused]).to.deep.equal([false, false]);
  });
});

describe("protocols: bad input to dataReceived", () => {
  it("each receiver rejects what is not bytes with a TypeError naming dataReceived; a Uint8Array is fine", async () => {
    const { NetstringReceiver, Int32StringReceiver } = await import("../../protocols");
    for (const make of [
      () => new LineReceiver(),
      () => new LineOnlyReceiver(),
      () => new NetstringReceiver(),
      () => new Int32StringReceiver(),
    ]) {
      const p = make();
      p.makeConnection(new StringTransport());
      expect(() => p.dataReceived("text" as unknown as Buffer), p.constructor.name).to.throw(TypeError, /dataReceived/);
      expect(() => p.dataReceived(null as unknown as Buffer)).to.throw(TypeError, /dataReceived/);
    }
    class Keep extends LineReceiver {
      lines: string[] = [];
      override lineReceived(line: Buffer): void {
        this.lines.push(line.toString());
      }
    }
    const k = new Keep();
    k.makeConnection(new StringTransport());
    k.dataReceived(new Uint8Array([0x61, 0x0d, 0x0a]) as Buffer);
    expect(k.lines).to.deep.equal(["a"]);
  });
});
