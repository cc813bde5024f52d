import { AssertionError } from "node:assert";
import { expect } from "chai";
import {
  Int16StringReceiver,
  Int32StringReceiver,
  Int8StringReceiver,
  IntNStringReceiver,
  NotImplementedError,
  StringTooLongError,
} from "../../protocols";
import { StringTransport } from "../../testing";

const b = (s: string): Buffer => Buffer.from(s, "latin1");

function prefix(n: number, len: number): Buffer {
  const p = Buffer.alloc(n);
  p.writeUIntBE(len, 0, n);
  return p;
}

type Ctor = typeof Int32StringReceiver;

for (const [name, Base, n, illegal, partials] of [
  ["Int32StringReceiver", Int32StringReceiver, 4, "\x10\x00\x00\x00aaaaaa", ["\x00\x00\x00", "hello there", ""]],
  ["Int16StringReceiver", Int16StringReceiver, 2, "\x10\x00aaaaaa", ["\x00", "hello there", ""]],
  ["Int8StringReceiver", Int8StringReceiver, 1, "\x00\x00aaaaaa", ["\x08", "dzadz", ""]],
] as Array<[string, Ctor, number, string, string[]]>) {
  class Tester extends Base {
    override MAX_LENGTH = 50;
    received: Buffer[] = [];
    override stringReceived(s: Buffer): void {
      this.received.push(s);
    }
  }
  const make = (): { r: Tester; t: StringTransport } => {
    const t = new StringTransport();
    const r = new Tester();
    r.makeConnection(t);
    return { r, t };
  };
  const message = (data: Buffer): Buffer => Buffer.concat([prefix(n, data.length), data]);

  describe(`${name} (twisted.protocols.basic)`, () => {
    it("has the prefix length and struct format", () => {
      const { r } = make();
      expect(r.prefixLength).to.equal(n);
      expect(r.structFormat).to.equal({ 1: "!B", 2: "!H", 4: "!I" }[n]);
    });

    it("receives strings fed one byte at a time (test_receive)", () => {
      const { r } = make();
      const strings = [b("a"), b("b".repeat(16))];
      for (const s of strings) for (const c of message(s)) r.dataReceived(Buffer.from([c]));
      expect(r.received).to.deep.equal(strings);
    });

    it("delivers nothing for partial strings (test_partial)", () => {
      for (const s of partials) {
        const { r } = make();
        for (const c of b(s)) r.dataReceived(Buffer.from([c]));
        expect(r.received).to.deep.equal([]);
      }
    });

    it("drops the connection for an illegal string (test_illegal)", () => {
      const { r, t } = make();
      for (const c of b(illegal)) r.dataReceived(Buffer.from([c]));
      expect(t.disconnecting).to.equal(true);
    });

    it("sends the prefix and the string (test_send, test_data)", () => {
      const { r, t } = make();
      r.sendString(b("b".repeat(16)));
      expect(t.value()).to.deep.equal(message(b("b".repeat(16))));
      r.dataReceived(message(b("ubar")));
      expect(r.received).to.deep.equal([b("ubar")]);
    });

    it("calls lengthLimitExceeded with the length and does not deliver it", () => {
      const { r, t } = make();
      const lengths: number[] = [];
      r.lengthLimitExceeded = (length: number) => lengths.push(length);
      r.MAX_LENGTH = 10;
      r.dataReceived(Buffer.concat([prefix(n, 11), b("x".repeat(11))]));
      expect(lengths).to.deep.equal([11]);
      expect(r.received).to.deep.equal([]);
      expect(t.disconnecting).to.equal(false);
      const { r: r2, t: t2 } = make();
      r2.MAX_LENGTH = 10;
      r2.dataReceived(prefix(n, 11));
      expect(t2.disconnecting).to.equal(true);
    });

    it("recvd holds the rest inside stringReceived (test_recvdContainsRemainingData)", () => {
      const { r } = make();
      const seen: Buffer[] = [];
      r.stringReceived = () => {
        seen.push(r.recvd);
      };
      const incomplete = Buffer.concat([prefix(n, 5), b("bbbb")]);
      r.dataReceived(Buffer.concat([message(b("aaaaa")), incomplete]));
      expect(seen).to.deep.equal([incomplete]);
    });

    it("assigning recvd replaces the data still to parse (test_recvdChanged)", () => {
      const { r } = make();
      const result: Buffer[] = [];
      r.stringReceived = (s: Buffer) => {
        if (result.length === 0) r.recvd = message(b("ccccc"));
        result.push(s);
      };
      r.dataReceived(Buffer.concat([message(b("aaaaa")), message(b("bbbbb"))]));
      expect(result).to.deep.equal([b("aaaaa"), b("ccccc")]);
    });

    it("recvd lets a subclass switch protocols (test_switching)", () => {
      const { r } = make();
      const SWITCH = b("\x00\x00\x00\x00");
      const strings = [b("a"), b("b".repeat(16))];
      const result: Buffer[] = [];
      r.stringReceived = (s: Buffer) => {
        result.push(s);
        r.recvd = r.recvd.subarray(SWITCH.length);
      };
      r.dataReceived(Buffer.concat(strings.flatMap((s) => [message(s), SWITCH])));
      r.dataReceived(b("\x01"));
      expect(result).to.deep.equal(strings);
      expect(r.recvd).to.deep.equal(b("\x01"));
    });

    it("recvd holds the whole message in lengthLimitExceeded (test_recvdInLengthLimitExceeded)", () => {
      const { r } = make();
      const DATA = b("too long");
      r.MAX_LENGTH = DATA.length - 1;
      const result: unknown[] = [];
      r.lengthLimitExceeded = (length: number) => {
        result.push(length, r.recvd);
      };
      r.dataReceived(message(DATA));
      expect(result).to.deep.equal([DATA.length, message(DATA)]);
    });

    if (n < 4) {
      it("throws StringTooLongError when sending more than the prefix can say (test_tooLongSend)", () => {
        const { r, t } = make();
        expect(() => r.sendString(Buffer.alloc(2 ** (n * 8) + 1))).to.throw(StringTooLongError);
        expect(() => r.sendString(Buffer.alloc(2 ** (n * 8)))).to.throw(StringTooLongError, /maximum/);
        expect(t.value().length).to.equal(0);
      });

      it("StringTooLongError is an AssertionError, as Twisted's (test_tooLongSend asserts AssertionError)", () => {
        const { r } = make();
        expect(() => r.sendString(Buffer.alloc(2 ** (n * 8) + 1))).to.throw(AssertionError);
        const e = new StringTooLongError("too long");
        expect(e.name).to.equal("StringTooLongError");
        expect(e.message).to.equal("too long");
        expect(e).to.be.an.instanceOf(Error);
      });
    }

    it("holds strings while paused and delivers them on resume", () => {
      const { r, t } = make();
      r.stringReceived = (s: Buffer) => {
        r.received.push(s);
        r.pauseProducing();
      };
      r.dataReceived(Buffer.concat([message(b("one")), message(b("two"))]));
      expect(r.received).to.deep.equal([b("one")]);
      expect(t.producerState).to.equal("paused");
      r.resumeProducing();
      expect(r.received).to.deep.equal([b("one"), b("two")]);
    });
  });
}

describe("IntNStringReceiver", () => {
  it("stringReceived throws NotImplementedError by default", () => {
    expect(() => new IntNStringReceiver().stringReceived(b("foo"))).to.throw(NotImplementedError);
  });

  it("sendString rejects what is not data", () => {
    const r = new Int32StringReceiver();
    r.makeConnection(new StringTransport());
    expect(() => r.sendString(3 as unknown as string)).to.throw(TypeError, /sendString/);
  });
});

describe("IntNStringReceiver: a long string in many reads", () => {
  it("is copied a bounded number of times per byte (linear), and recvd still shows what is buffered", () => {
    const perByte: number[] = [];
    for (const size of [256 << 10, 2560 << 10]) {
      let copied = 0;
      const concat = Buffer.concat;
      Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
        const r = concat(list, total);
        copied += r.length;
        return r;
      });
      try {
        const got: Buffer[] = [];
        const r = new (class extends Int32StringReceiver {
          override stringReceived(s: Buffer): void {
            got.push(s);
          }
        })();
        r.MAX_LENGTH = size;
        r.makeConnection(new StringTransport());
        r.dataReceived(prefix(4, size));
        const piece = Buffer.alloc(1024, 0x62);
        for (let i = 0; i < size / 1024 - 1; i++) r.dataReceived(piece);
        expect(got).to.have.length(0);
        if (size === 256 << 10) expect(r.recvd.length).to.equal(4 + size - 1024); // gathered on demand
        r.dataReceived(piece);
        expect(got).to.have.length(1);
        expect(got[0].length).to.equal(size);
      } finally {
        Buffer.concat = concat;
      }
      perByte.push(copied / size);
    }
    expect(perByte[1]).to.be.below(perByte[0] * 1.5 + 0.1);
    expect(perByte[1]).to.be.below(4);
  });
});
