/** ThrottlingFactory, LimitTotalConnectionsFactory, LimitConnectionsByPeer, SpewingFactory: ported from Twisted's test_policies.py. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../helpers/net";
import { flushLoggedErrors } from "../setup";
import { addObserver, removeObserver, type LogEvent } from "../../log";
import { Factory, IPv4Address, Protocol, ServerFactory, type IPushProducer } from "../../net";
import {
  LimitConnectionsByPeer,
  LimitTotalConnectionsFactory,
  SpewingFactory,
  ThrottlingFactory,
  TrafficLoggingFactory,
  type TrafficLogFile,
  type TrafficLoggingProtocol,
  type ProtocolWrapper,
  type ThrottlingProtocol,
} from "../../protocols";
import { Clock } from "../../task";
import { StringTransport, StringTransportWithDisconnection } from "../../testing";
import { Failure } from "../../defer";
import { ConnectionDone } from "../../net";

const addr = (host = "127.0.0.1", port = 0): IPv4Address => new IPv4Address("TCP", host, port);

/** Twisted's test Server: an echo protocol that is also a push producer recording pauses. */
class EchoProducer extends Protocol implements IPushProducer {
  paused = false;
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
  pauseProducing(): void {
    this.paused = true;
  }
  resumeProducing(): void {
    this.paused = false;
  }
  stopProducing(): void {}
}

/** A ThrottlingFactory on a Clock (Twisted's TestableThrottlingFactory). */
function throttling(clock: Clock, limits: { max?: number; readLimit?: number; writeLimit?: number } = {}): ThrottlingFactory {
  const f = new ThrottlingFactory(Factory.forProtocol(EchoProducer), limits.max, limits.readLimit ?? null, limits.writeLimit ?? null);
  f.callLater = (delay, fn) => clock.callLater(delay, fn);
  return f;
}

function connect(p: ProtocolWrapper): StringTransportWithDisconnection {
  const t = new StringTransportWithDisconnection();
  t.protocol = p;
  p.makeConnection(t);
  return t;
}

describe("ThrottlingFactory (test_policies.ThrottlingTests)", () => {
  it("test_writeSequence: counts what writeSequence writes", () => {
    const f = throttling(new Clock());
    const p = f.buildProtocol(addr())!;
    const t = connect(p);
    p.writeSequence(Array.from({ length: 4 }, () => Buffer.from("bytes")));
    expect(t.value().toString()).to.equal("bytesbytesbytesbytes");
    expect(f.writtenThisSecond).to.equal(20);
  });

  it("test_writeLimit: 20 bytes in a second with a limit of 10 pause the producer for a second", () => {
    const clock = new Clock();
    const f = throttling(clock, { writeLimit: 10 });
    const p = f.buildProtocol(addr()) as ThrottlingProtocol;
    const t = connect(p);
    p.producer = p.wrappedProtocol as EchoProducer;
    p.dataReceived(Buffer.from("0123456789"));
    p.dataReceived(Buffer.from("abcdefghij"));
    expect(t.value().toString()).to.equal("0123456789abcdefghij");
    expect(f.writtenThisSecond).to.equal(20);
    const producer = p.wrappedProtocol as EchoProducer;
    expect(producer.paused).to.equal(false);
    clock.advance(1.05);
    expect(f.writtenThisSecond).to.equal(0);
    expect(producer.paused).to.equal(true);
    clock.advance(1.05);
    expect(f.writtenThisSecond).to.equal(0);
    expect(producer.paused).to.equal(false);
  });

  it("test_readLimit: reading past the limit pauses the transport for the excess, twice over", () => {
    const clock = new Clock();
    const f = throttling(clock, { readLimit: 10 });
    const p = f.buildProtocol(addr())!;
    const t = connect(p);
    for (let round = 0; round < 2; round++) {
      t.clear();
      p.dataReceived(Buffer.from("0123456789"));
      p.dataReceived(Buffer.from("abcdefghij"));
      expect(t.value().toString()).to.equal("0123456789abcdefghij");
      expect(f.readThisSecond).to.equal(20);
      clock.advance(1.05);
      expect(f.readThisSecond).to.equal(0);
      expect(t.producerState).to.equal("paused");
      clock.advance(1.05);
      expect(f.readThisSecond).to.equal(0);
      expect(t.producerState).to.equal("producing");
    }
  });

  it("test_limit: past maxConnectionCount a connection is refused; one ending makes room", () => {
    const f = throttling(new Clock(), { max: 2 });
    const p1 = f.buildProtocol(addr())!;
    const p2 = f.buildProtocol(addr())!;
    connect(p1);
    connect(p2);
    expect(f.buildProtocol(addr())).to.equal(null);
    expect(f.protocols.size).to.equal(2);
    p1.connectionLost(new Failure(new ConnectionDone()));
    expect(f.connectionCount).to.equal(1);
    expect(f.buildProtocol(addr())).to.not.equal(null);
  });

  it("the last connection ending cancels the pending checks", () => {
    const clock = new Clock();
    const f = throttling(clock, { readLimit: 10, writeLimit: 10 });
    const p = f.buildProtocol(addr())!;
    connect(p);
    expect(clock.getDelayedCalls()).to.have.length(2);
    p.connectionLost(new Failure(new ConnectionDone()));
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("a wrapped factory that refuses leaves no count behind and starts no checks", () => {
    const clock = new Clock();
    const refusing = new (class extends Factory {
      override buildProtocol(): null {
        return null;
      }
    })();
    const f = new ThrottlingFactory(refusing, 2, 10);
    f.callLater = (delay, fn) => clock.callLater(delay, fn);
    for (let i = 0; i < 3; i++) expect(f.buildProtocol(addr())).to.equal(null);
    expect(f.connectionCount).to.equal(0);
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("maxConnectionCount 0 refuses every connection, as Twisted's", () => {
    expect(new ThrottlingFactory(Factory.forProtocol(Protocol), 0).buildProtocol(addr())).to.equal(null);
  });

  it("bad limits throw at the constructor", () => {
    expect(() => new ThrottlingFactory(new Factory(), -1)).to.throw(TypeError, /maxConnectionCount/);
    expect(() => new ThrottlingFactory(new Factory(), 5, -1)).to.throw(TypeError, /readLimit/);
    expect(() => new ThrottlingFactory(new Factory(), 5, null, "x" as unknown as number)).to.throw(TypeError, /writeLimit/);
  });
});

describe("LimitTotalConnectionsFactory (test_policies.LimitTotalConnectionsFactoryTests)", () => {
  it("testConnectionCounting: counts connections made and lost", () => {
    const factory = new LimitTotalConnectionsFactory();
    factory.protocol = Protocol;
    expect(factory.connectionCount).to.equal(0);
    const p1 = factory.buildProtocol(addr())!;
    expect(factory.connectionCount).to.equal(1);
    const p2 = factory.buildProtocol(addr())!;
    expect(factory.connectionCount).to.equal(2);
    p1.connectionLost(new Failure(new ConnectionDone()));
    expect(factory.connectionCount).to.equal(1);
    p2.connectionLost(new Failure(new ConnectionDone()));
    expect(factory.connectionCount).to.equal(0);
  });

  it("testConnectionLimiting: past the limit, refused, or the overflow protocol (which counts too)", () => {
    const factory = new LimitTotalConnectionsFactory();
    factory.protocol = Protocol;
    factory.connectionLimit = 1;
    const p = factory.buildProtocol(addr());
    expect(p).to.not.equal(null);
    expect(factory.connectionCount).to.equal(1);
    expect(factory.buildProtocol(addr())).to.equal(null);
    expect(factory.connectionCount).to.equal(1);
    let overflowed = false;
    factory.overflowProtocol = class OverflowProtocol extends Protocol {
      override connectionMade(): void {
        overflowed = true;
      }
    };
    const op = factory.buildProtocol(addr())!;
    op.makeConnection(new StringTransport());
    expect(overflowed).to.equal(true);
    expect(factory.connectionCount).to.equal(2);
    p!.connectionLost(new Failure(new ConnectionDone()));
    expect(factory.connectionCount).to.equal(1);
    op.connectionLost(new Failure(new ConnectionDone()));
    expect(factory.connectionCount).to.equal(0);
  });
});

describe("LimitConnectionsByPeer", () => {
  it("refuses more than maxConnectionsPerPeer from one host; other hosts are counted apart", () => {
    const factory = new LimitConnectionsByPeer(Factory.forProtocol(Protocol));
    factory.maxConnectionsPerPeer = 2;
    factory.doStart();
    const fromA = [factory.buildProtocol(addr("10.0.0.1", 1))!, factory.buildProtocol(addr("10.0.0.1", 2))!];
    expect(factory.buildProtocol(addr("10.0.0.1", 3))).to.equal(null);
    expect(factory.buildProtocol(addr("10.0.0.2", 1))).to.not.equal(null);
    const t = new StringTransport(addr("127.0.0.1", 80), addr("10.0.0.1", 1));
    fromA[0].makeConnection(t);
    fromA[0].connectionLost(new Failure(new ConnectionDone()));
    expect(factory.peerConnections.get("10.0.0.1")).to.equal(1);
    expect(factory.buildProtocol(addr("10.0.0.1", 4))).to.not.equal(null);
    factory.doStop();
  });
});

describe("SpewingFactory", () => {
  it("logs what each connection receives and sends", () => {
    const events: LogEvent[] = [];
    const observer = (e: LogEvent): void => void events.push(e);
    addObserver(observer);
    try {
      const factory = new SpewingFactory(new (class extends ServerFactory {
        override protocol = EchoProducer;
      })());
      const p = factory.buildProtocol(addr())!;
      p.makeConnection(new StringTransport());
      p.dataReceived(Buffer.from("hi"));
      expect(events.map((e) => e.log_text).filter((t) => /^(Received|Sending)/.test(String(t)))).to.deep.equal(["Received: b'hi'", "Sending: b'hi'"]);
    } finally {
      removeObserver(observer);
    }
  });
});

describe("TrafficLoggingFactory (test_policies.LoggingFactoryTests)", () => {
  /** Twisted's WriteSequenceEchoProtocol: echoes, with writeSequence for a chunk containing "vector!". */
  class WriteSequenceEcho extends Protocol {
    override dataReceived(data: Buffer): void {
      if (data.includes("vector!")) this.transport!.writeSequence([data]);
      else this.transport!.write(data);
    }
  }
  /** Twisted's TestLoggingFactory: open() gives an in-memory file, once. */
  class TestLoggingFactory extends TrafficLoggingFactory {
    openFile: { text: string; ended: boolean; write(t: string): void; end(): void } | null = null;
    override open(): TrafficLogFile {
      if (this.openFile !== null) throw new Error("open() called too many times");
      this.openFile = {
        text: "",
        ended: false,
        write(t: string): void {
          this.text += t;
        },
        end(): void {
          this.ended = true;
        },
      };
      return this.openFile;
    }
  }

  it("test_thingsGetLogged: connection, reads, writes, writeSequence and the close", () => {
    const f = new TestLoggingFactory(Factory.forProtocol(WriteSequenceEcho), "test");
    const t = new StringTransportWithDisconnection();
    const p = f.buildProtocol(addr("1.2.3.4", 5678))!;
    t.protocol = p;
    p.makeConnection(t);
    expect(f.openFile!.text).to.include("*");
    expect(t.value().length).to.equal(0);
    p.dataReceived(Buffer.from("here are some bytes"));
    expect(f.openFile!.text).to.include("C 1: b'here are some bytes'");
    expect(f.openFile!.text).to.include("S 1: b'here are some bytes'");
    expect(t.value().toString()).to.equal("here are some bytes");
    t.clear();
    p.dataReceived(Buffer.from("prepare for vector! to the extreme"));
    expect(f.openFile!.text).to.include("SV 1: [b'prepare for vector! to the extreme']");
    expect(t.value().toString()).to.equal("prepare for vector! to the extreme");
    p.loseConnection();
    expect(f.openFile!.text).to.include("S 1: *");
    expect(f.openFile!.text).to.match(/C 1: <Failure ConnectionDone: Connection was closed cleanly[^>\n]*>/);
    expect(f.openFile!.ended).to.equal(true);
    // Nothing is written once the file is ended (a WriteStream would fail "write after end").
    const before = f.openFile!.text;
    p.write("late");
    expect(f.openFile!.text).to.equal(before);
  });

  it("a log file that cannot be opened is reported through log.err; the connection goes on", async () => {
    const f = new TrafficLoggingFactory(Factory.forProtocol(Protocol), "/nonexistent-dir-for-twisted-ts/traffic");
    const p = f.buildProtocol(addr())!;
    const t = new StringTransportWithDisconnection();
    t.protocol = p;
    p.makeConnection(t);
    p.write("still sent");
    const file = (p as TrafficLoggingProtocol).logfile as fs.WriteStream;
    await new Promise<void>((resolve) => file.once("close", () => resolve()));
    expect(t.value().toString()).to.equal("still sent");
    const logged = flushLoggedErrors(Error);
    expect(logged).to.have.length(1);
    expect((logged[0].failure?.value as NodeJS.ErrnoException).code).to.equal("ENOENT");
    expect(logged[0].why).to.include("cannot write the log file");
    p.loseConnection();
  });

  it("test_counter: connections are numbered from 1; resetCounter starts again", () => {
    const f = new TestLoggingFactory(Factory.forProtocol(Protocol), "test");
    expect(f._counter).to.equal(0);
    f.buildProtocol(addr("1.2.3.4", 5678));
    expect(f._counter).to.equal(1);
    f.openFile = null;
    f.buildProtocol(addr("1.2.3.4", 5679));
    expect(f._counter).to.equal(2);
    f.resetCounter();
    expect(f._counter).to.equal(0);
  });

  it("long chunks are cut at lengthLimit", () => {
    const f = new TestLoggingFactory(Factory.forProtocol(Protocol), "test", 20);
    const p = f.buildProtocol(addr())!;
    p.makeConnection(new StringTransport());
    p.dataReceived(Buffer.from("x".repeat(100)));
    expect(f.openFile!.text).to.include(`C 1: b'${"x".repeat(8)}<... elided>'`);
  });

  it("test_loggingFactoryOpensLogfileAutomatically: a real file per connection, <prefix>-<n>", async () => {
    const { dir, remove } = tempDir();
    try {
      const f = new TrafficLoggingFactory(Factory.forProtocol(Protocol), path.join(dir, "test"));
      const p = f.buildProtocol(addr())!;
      const t = new StringTransportWithDisconnection();
      t.protocol = p;
      p.makeConnection(t);
      p.dataReceived(Buffer.from("abc"));
      p.loseConnection();
      const file = (p as TrafficLoggingProtocol).logfile as fs.WriteStream;
      await new Promise<void>((resolve) => (file.writableFinished ? resolve() : file.once("finish", () => resolve())));
      const text = fs.readFileSync(path.join(dir, "test-1"), "utf8");
      expect(text.split("\n")[0]).to.equal("*");
      expect(text).to.include("C 1: b'abc'");
    } finally {
      remove();
    }
  });
});
