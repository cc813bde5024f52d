import { expect } from "chai";
import { NetstringReceiver, NotImplementedError, NetstringParseError, IncompleteNetstring } from "../../protocols";
import { StringTransport } from "../../testing";
import { ValueError } from "../../net";

const b = (s: string): Buffer => Buffer.from(s, "latin1");

class TestNetstring extends NetstringReceiver {
  override MAX_LENGTH = 50;
  received: Buffer[] = [];
  closed = 0;
  override stringReceived(s: Buffer): void {
    this.received.push(s);
    this.transport!.write(s);
  }
  override connectionLost(): void {
    this.closed = 1;
  }
}

describe("NetstringReceiver (twisted.protocols.basic)", () => {
  let transport: StringTransport;
  let p: TestNetstring;
  beforeEach(() => {
    transport = new StringTransport();
    p = new TestNetstring();
    p.makeConnection(transport);
  });
  const got = (): string[] => p.received.map((x) => x.toString("latin1"));

  it("round-trips strings whatever the read size (test_buffer)", () => {
    const strings = ["hello", "world", "how", "are", "you123", ":today", "a".repeat(515)];
    for (let size = 1; size < 10; size++) {
      const t = new StringTransport();
      const a = new TestNetstring();
      a.MAX_LENGTH = 699;
      a.makeConnection(t);
      for (const s of strings) a.sendString(b(s));
      const out = t.value();
      for (let i = 0; i < Math.floor(out.length / size) + 1; i++) {
        const s = out.subarray(i * size, (i + 1) * size);
        if (s.length > 0) a.dataReceived(s);
      }
      expect(a.received.map((x) => x.toString())).to.deep.equal(strings);
    }
  });

  it("receives empty, one- and two-character and nested netstrings", () => {
    p.dataReceived(b("0:,"));
    p.dataReceived(b("1:a,"));
    p.dataReceived(b("2:ab,"));
    p.dataReceived(b("4:1:a,,"));
    expect(got()).to.deep.equal(["", "a", "ab", "1:a,"]);
    expect(transport.disconnecting).to.equal(false);
  });

  for (const [name, input] of [
    ["more data than specified", "2:aaa,"],
    ["more data than specified, border case", "0:a,"],
    ["a missing number", ":aaa,"],
    ["a missing colon", "3aaa,"],
    ["a missing number and colon", "aaa,"],
    ["only data", "aaa"],
    ["a leading zero", "01:a,"],
    ["a length over MAX_LENGTH", `51:${"a".repeat(51)},`],
    ["a length with too many digits", "9999999999999999999999"],
  ] as const) {
    it(`drops the connection, throwing nothing, for ${name}`, () => {
      expect(() => p.dataReceived(b(input))).not.to.throw();
      expect(transport.disconnecting).to.equal(true);
      expect(p.brokenPeer).to.equal(1);
      expect(p.received).to.deep.equal([]);
    });
  }

  it("drops the connection for illegal strings fed one byte at a time (test_illegal)", () => {
    for (const s of ["9999999999999999999999", "abc", "4:abcde", `51:${"a".repeat(50)}b,`]) {
      const t = new StringTransport();
      const r = new TestNetstring();
      r.makeConnection(t);
      for (const c of b(s)) r.dataReceived(Buffer.from([c]));
      expect(t.disconnecting, s).to.equal(true);
    }
  });

  it("assembles netstrings received in portions", () => {
    p.dataReceived(b("4:aa"));
    p.dataReceived(b("aa,"));
    for (const part of ["1", "0:01234", "56789", ","]) p.dataReceived(b(part));
    for (const part of ["2", ":", "a", "b", ","]) p.dataReceived(b(part));
    expect(got()).to.deep.equal(["aaaa", "0123456789", "ab"]);
  });

  it("receives two netstrings split inside the second length (test_receiveTwoNetstrings)", () => {
    p.dataReceived(b("1:a,1"));
    expect(got()).to.deep.equal(["a"]);
    p.dataReceived(b(":b,"));
    expect(got()).to.deep.equal(["a", "b"]);
  });

  it("keeps Twisted's parser state names: _payloadComplete (test_receiveNetstringPortions_1, test_receiveTwoNetstrings)", () => {
    p.dataReceived(b("4:aa"));
    expect(p._payloadComplete()).to.equal(false);
    p.dataReceived(b("aa,"));
    expect(got()).to.deep.equal(["aaaa"]);
    expect(p._payloadComplete()).to.equal(true);
    p.dataReceived(b("1:a,1"));
    expect(p._payloadComplete()).to.equal(true);
    expect(p._remainingData.toString()).to.equal("1");
  });

  it("_consumeLength reads the length plus the comma, MAX_LENGTH included (test_consumeLength, border cases)", () => {
    p._remainingData = b("12:");
    p._consumeLength();
    expect(p._expectedPayloadSize).to.equal(13);
    p._remainingData = b("12:");
    p.MAX_LENGTH = 12;
    p._consumeLength();
    expect(p._expectedPayloadSize).to.equal(13);
    p._remainingData = b("12:");
    p.MAX_LENGTH = 11;
    expect(() => p._consumeLength()).to.throw(NetstringParseError);
    p._remainingData = b("1000:");
    expect(() => p._consumeLength()).to.throw(NetstringParseError);
    p._remainingData = b("12");
    expect(() => p._consumeLength()).to.throw(NetstringParseError);
    p.MAX_LENGTH = 99;
    p._remainingData = b("12");
    expect(() => p._consumeLength()).to.throw(IncompleteNetstring);
  });

  it("accepts a length of exactly MAX_LENGTH", () => {
    p.MAX_LENGTH = 12;
    p.dataReceived(b(`12:${"x".repeat(12)},`));
    expect(got()).to.deep.equal(["x".repeat(12)]);
    p.MAX_LENGTH = 11;
    p.dataReceived(b("12:"));
    expect(transport.disconnecting).to.equal(true);
  });

  it("sendString frames the payload; strings as UTF-8", () => {
    p.sendString("héllo");
    expect(transport.value()).to.deep.equal(Buffer.from("6:héllo,"));
  });

  it("stringReceived throws NotImplementedError by default; the error classes are named", () => {
    expect(() => new NetstringReceiver().stringReceived(b("foo"))).to.throw(NotImplementedError);
    expect(new NetstringParseError("x").name).to.equal("NetstringParseError");
    expect(new IncompleteNetstring().name).to.equal("IncompleteNetstring");
  });

  it("NetstringParseError is a ValueError, as Twisted's", () => {
    const e = new NetstringParseError("bad");
    expect(e).to.be.an.instanceOf(ValueError);
    expect(String(e)).to.equal("NetstringParseError: bad");
  });
});
