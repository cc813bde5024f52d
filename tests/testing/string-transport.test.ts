import { expect } from "chai";
import { ConnectionDone, IPv4Address, IPv6Address, Protocol, UNIXAddress } from "../../net";
import type { Failure } from "../../defer";
import { Deferred } from "../../defer";
import { Factory } from "../../net";
import {
  AccumulatingProtocol,
  LineSendingProtocol,
  NonStreamingProducer,
  StringTransport,
  StringTransportWithDisconnection,
} from "../../testing";

describe("StringTransport (twisted.internet.testing)", () => {
  let transport: StringTransport;
  beforeEach(() => {
    transport = new StringTransport();
  });

  it("records writes; value() and clear()", () => {
    transport.write(Buffer.from("ab"));
    transport.write("c");
    transport.write(new Uint8Array([100]));
    transport.writeSequence([Buffer.from("e"), "f"]);
    expect(transport.value().toString()).to.equal("abcdef");
    transport.clear();
    expect(transport.value().length).to.equal(0);
    expect(() => transport.write(5 as unknown as string)).to.throw(TypeError, /data/);
  });

  it("copies what is written (the caller may reuse its buffer)", () => {
    const buf = Buffer.from("abc");
    transport.write(buf);
    buf.fill(0x78);
    expect(transport.value().toString()).to.equal("abc");
  });

  it("records a producer (test_registerProducer)", () => {
    const producer = { stopProducing(): void {} };
    transport.registerProducer(producer, true);
    expect(transport.producer).to.equal(producer);
    expect(transport.streaming).to.equal(true);
  });

  it("refuses a second producer (test_disallowedRegisterProducer)", () => {
    const producer = { stopProducing(): void {} };
    transport.registerProducer(producer, true);
    expect(() => transport.registerProducer({ stopProducing(): void {} }, false)).to.throw(Error, /two producers/);
    expect(transport.producer).to.equal(producer);
    expect(transport.streaming).to.equal(true);
  });

  it("unregisters a producer (test_unregisterProducer)", () => {
    const old = { stopProducing(): void {} };
    const next = { stopProducing(): void {} };
    transport.registerProducer(old, false);
    transport.unregisterProducer();
    expect(transport.producer).to.equal(null);
    transport.registerProducer(next, true);
    expect(transport.producer).to.equal(next);
    expect(transport.streaming).to.equal(true);
  });

  it("refuses to unregister when none is registered (test_invalidUnregisterProducer)", () => {
    expect(() => transport.unregisterProducer()).to.throw(Error, /unregister/);
  });

  it("records the producer state (test_initialProducerState … test_stopProducing)", () => {
    expect(transport.producerState).to.equal("producing");
    transport.pauseProducing();
    expect(transport.producerState).to.equal("paused");
    transport.resumeProducing();
    expect(transport.producerState).to.equal("producing");
    transport.stopProducing();
    expect(transport.producerState).to.equal("stopped");
  });

  it("a stopped transport cannot pause or resume", () => {
    transport.stopProducing();
    expect(() => transport.pauseProducing()).to.throw(Error);
    expect(() => transport.resumeProducing()).to.throw(Error);
  });

  it("a disconnecting transport cannot pause or resume, unless lenient", () => {
    transport.loseConnection();
    expect(() => transport.pauseProducing()).to.throw(Error, /loseConnection/);
    expect(() => transport.resumeProducing()).to.throw(Error, /loseConnection/);
    const lenient = new StringTransport(null, null, true);
    lenient.loseConnection();
    lenient.pauseProducing();
    expect(lenient.producerState).to.equal("paused");
  });

  it("loseConnection sets disconnecting (test_loseConnectionSetsDisconnecting)", () => {
    expect(transport.disconnecting).to.equal(false);
    transport.loseConnection();
    expect(transport.disconnecting).to.equal(true);
    expect(transport.disconnected).to.equal(false);
    transport.abortConnection();
    expect(transport.disconnected).to.equal(true);
  });

  it("has the default and given addresses", () => {
    expect(transport.getHost()).to.deep.equal(new IPv4Address("TCP", "10.0.0.1", 12345));
    expect(transport.getPeer()).to.deep.equal(new IPv4Address("TCP", "192.168.1.1", 54321));
    expect(transport.hostAddr.equals(new IPv4Address("TCP", "10.0.0.1", 12345))).to.equal(true);
    const host = new IPv6Address("TCP", "::1", 1);
    const peer = new UNIXAddress("/tmp/x");
    const t = new StringTransport(host, peer);
    expect(t.getHost()).to.equal(host);
    expect(t.getPeer()).to.equal(peer);
  });

  it("records the ITCPTransport options", () => {
    transport.setTcpNoDelay(true);
    transport.setTcpKeepAlive(true);
    transport.loseWriteConnection();
    expect([transport.getTcpNoDelay(), transport.getTcpKeepAlive(), transport.writeConnectionLost]).to.deep.equal([true, true, true]);
  });

  it("its methods work when passed as values", () => {
    const { write, loseConnection, value } = transport;
    write("x");
    loseConnection();
    expect(value().toString()).to.equal("x");
    expect(transport.disconnecting).to.equal(true);
  });
});

describe("StringTransportWithDisconnection", () => {
  it("loseConnection tells the protocol once, with ConnectionDone", () => {
    const t = new StringTransportWithDisconnection();
    const p = new AccumulatingProtocol();
    t.protocol = p;
    p.makeConnection(t);
    expect(p.connected).to.equal(true);
    t.loseConnection();
    t.loseConnection();
    expect(p.closed).to.equal(1);
    expect(p.connected).to.equal(false);
    expect(t.connected).to.equal(false);
    expect((p.closedReason as Failure).check(ConnectionDone)).to.equal(ConnectionDone);
    expect(((p.closedReason as Failure).value as Error).message).to.equal("Connection was closed cleanly: Bye..") // str(ConnectionDone("Bye.")) in Twisted;
  });
});

describe("AccumulatingProtocol", () => {
  it("accumulates data, counts made/closed and fires the Deferreds", () => {
    const factory = new Factory() as Factory & { protocolConnectionMade?: Deferred<unknown> | null };
    factory.protocolConnectionMade = new Deferred();
    let made: unknown = null;
    factory.protocolConnectionMade.addCallback((p) => {
      made = p;
    });
    const p = new AccumulatingProtocol();
    p.factory = factory;
    const closed = new Deferred<unknown>();
    p.closedDeferred = closed;
    p.makeConnection(new StringTransport());
    expect(made).to.equal(p);
    expect(factory.protocolConnectionMade).to.equal(null);
    p.dataReceived(Buffer.from("a"));
    p.dataReceived(Buffer.from("b"));
    expect(p.data.toString()).to.equal("ab");
    let fired = false;
    closed.addCallback(() => {
      fired = true;
    });
    p.connectionLost(null as unknown as Failure);
    expect([p.made, p.closed, fired, p.closedDeferred]).to.deep.equal([1, 1, true, null]);
  });
});

describe("LineSendingProtocol", () => {
  it("sends its lines on connection and keeps the lines received", () => {
    const t = new StringTransport();
    const p = new LineSendingProtocol(["a", "b"]);
    p.makeConnection(t);
    expect(t.value().toString()).to.equal("a\r\nb\r\n");
    p.dataReceived(Buffer.from("x\r\n"));
    expect(p.response.map(String)).to.deep.equal(["x"]);
  });
});

describe("NonStreamingProducer (test_producesOnly10Times, test_cannotPauseProduction)", () => {
  it("writes 10 times, then unregisters and fires", () => {
    const consumer = new StringTransport();
    const producer = new NonStreamingProducer(consumer);
    consumer.registerProducer(producer, false);
    let done = false;
    producer.result.addCallback(() => {
      done = true;
    });
    const { resumeProducing } = producer; // works passed as a value
    for (let i = 0; i < 10; i++) resumeProducing();
    expect(consumer.value().toString()).to.equal("0123456789");
    expect(consumer.producer).to.equal(null);
    expect(done).to.equal(true);
    expect(() => producer.resumeProducing()).to.throw(Error, /BUG/);
  });

  it("cannot be paused", () => {
    expect(() => new NonStreamingProducer(new StringTransport()).pauseProducing()).to.throw(Error, /BUG/);
  });

  it("writes bytes, as Twisted's TestConsumer records them (test_producesOnly10Times)", () => {
    const writes: unknown[] = [];
    let producer: unknown = null;
    let producerStreaming: boolean | null = null;
    const consumer = {
      registerProducer(p: unknown, streaming: boolean): void {
        producer = p;
        producerStreaming = streaming;
      },
      unregisterProducer(): void {
        producer = null;
        producerStreaming = null;
      },
      write(data: unknown): void {
        writes.push(data);
      },
    };
    const p = new NonStreamingProducer(consumer);
    consumer.registerProducer(p, false);
    expect(p.consumer).to.equal(consumer);
    for (let i = 0; i < 10; i++) p.resumeProducing();
    expect(writes).to.deep.equal("0123456789".split("").map((c) => Buffer.from(c)));
    expect(producer).to.equal(null);
    expect(producerStreaming).to.equal(null);
    expect(p.consumer).to.equal(null);
  });
});

describe("testing with a plain Protocol", () => {
  it("a protocol can write through the transport", () => {
    const t = new StringTransport();
    const p = new Protocol();
    p.makeConnection(t);
    p.transport!.write("hello");
    expect(t.value().toString()).to.equal("hello");
  });
});
