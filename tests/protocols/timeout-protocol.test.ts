import { expect } from "chai";
import { TimeoutFactory, TimeoutProtocol } from "../../protocols";
import { Factory, IPv4Address, Protocol, ServerFactory } from "../../net";
import type { IProtocolFactory } from "../../net";
import { Deferred } from "../../defer";
import { StringTransport, StringTransportWithDisconnection } from "../../testing";
import { Clock } from "../../task";
import { reactor } from "../../reactor";
import type { IDelayedCall } from "../../reactor";

/** Twisted's SimpleProtocol (test_policies). */
class SimpleProtocol extends Protocol {
  override connected = false;
  disconnected = 0;
  buffer = Buffer.alloc(0);
  dConnected = new Deferred<string>();
  dDisconnected = new Deferred<string>();
  override connectionMade(): void {
    this.dConnected.callback("");
  }
  override connectionLost(): void {
    this.disconnected = 1;
    this.dDisconnected.callback("");
  }
  override dataReceived(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
  }
}

/** Twisted's TestableTimeoutFactory: callLater on a Clock. */
class TestableTimeoutFactory extends TimeoutFactory {
  constructor(
    readonly clock: Clock,
    wrappedFactory: IProtocolFactory,
    timeoutPeriod?: number | null,
  ) {
    super(wrappedFactory, timeoutPeriod);
  }
  override callLater(period: number, f: () => void): IDelayedCall {
    return this.clock.callLater(period, f);
  }
}

const addr = new IPv4Address("TCP", "127.0.0.1", 12345);

function connected(factory: TimeoutFactory): { proto: TimeoutProtocol; transport: StringTransportWithDisconnection } {
  const proto = factory.buildProtocol(addr)!;
  const transport = new StringTransportWithDisconnection();
  transport.protocol = proto;
  proto.makeConnection(transport);
  return { proto, transport };
}

describe("TimeoutProtocol (twisted.protocols.policies, TimeoutProtocolTests)", () => {
  let clock: Clock;
  let sut: TimeoutProtocol;
  beforeEach(() => {
    clock = new Clock();
    const wrappedFactory = new ServerFactory();
    wrappedFactory.protocol = SimpleProtocol;
    sut = connected(new TestableTimeoutFactory(clock, wrappedFactory, null)).proto;
  });
  const wrapped = (): SimpleProtocol => sut.wrappedProtocol as SimpleProtocol;

  it("cancelTimeout cancels the ongoing timeout (test_cancelTimeout)", () => {
    sut.setTimeout(3);
    expect(sut.timeoutCall).to.not.equal(null);
    expect(sut.timeoutPeriod).to.equal(3);
    expect(wrapped().disconnected).to.equal(0);
    clock.advance(1);
    sut.cancelTimeout();
    expect(sut.timeoutCall).to.equal(null);
    expect(sut.timeoutPeriod).to.equal(null);
    clock.advance(3);
    expect(wrapped().disconnected).to.equal(0);
  });

  it("cancelTimeout does nothing when no timeout is set (test_cancelTimeoutNoTimeout)", () => {
    expect(sut.timeoutCall).to.equal(null);
    sut.cancelTimeout();
    expect(wrapped().disconnected).to.equal(0);
  });

  it("cancelTimeout after the timeout ran throws nothing (test_cancelTimeoutAlreadyCalled)", () => {
    const w = wrapped();
    sut.setTimeout(3);
    clock.advance(3);
    expect(w.disconnected).to.equal(1);
    sut.cancelTimeout();
  });

  it("cancelTimeout after a cancel from elsewhere throws nothing (test_cancelTimeoutAlreadyCancelled)", () => {
    sut.setTimeout(3);
    sut.timeoutCall!.cancel();
    sut.cancelTimeout();
    expect(wrapped().disconnected).to.equal(0);
  });

  it("setTimeout replaces the pending timeout; null removes it", () => {
    sut.setTimeout(3);
    const first = sut.timeoutCall!;
    sut.setTimeout(5);
    expect(first.cancelled).to.equal(true);
    clock.advance(4);
    expect(wrapped().disconnected).to.equal(0);
    sut.setTimeout();
    expect(sut.timeoutCall).to.equal(null);
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("timeoutFunc may be overridden; it is what the timeout calls", () => {
    const calls: string[] = [];
    sut.timeoutFunc = () => calls.push("timeout");
    sut.setTimeout(2);
    clock.advance(2);
    expect(calls).to.deep.equal(["timeout"]);
    expect(wrapped().disconnected).to.equal(0);
  });

  it("rejects a bad period at the call", () => {
    expect(() => sut.setTimeout(-1)).to.throw(RangeError, /timeoutPeriod/);
    expect(() => sut.setTimeout("3" as unknown as number)).to.throw(TypeError, /timeoutPeriod/);
    expect(() => new TimeoutFactory(new Factory(), Number.NaN)).to.throw(RangeError, /timeoutPeriod/);
  });
});

describe("TimeoutFactory (twisted.protocols.policies, TimeoutFactoryTests)", () => {
  let clock: Clock;
  let proto: TimeoutProtocol;
  let wrappedProto: SimpleProtocol;
  beforeEach(() => {
    clock = new Clock();
    const wrappedFactory = new ServerFactory();
    wrappedFactory.protocol = SimpleProtocol;
    proto = connected(new TestableTimeoutFactory(clock, wrappedFactory, 3)).proto;
    wrappedProto = proto.wrappedProtocol as SimpleProtocol;
  });

  it("times a connection out when nothing is read or written (test_timeout)", () => {
    clock.pump([0.0, 0.5, 1.0, 1.0, 0.4]);
    expect(wrappedProto.disconnected).to.equal(0);
    clock.pump([0.0, 0.2]);
    expect(wrappedProto.disconnected).to.equal(1);
  });

  it("write and writeSequence restart the countdown (test_sendAvoidsTimeout)", () => {
    clock.pump([0.0, 0.5, 1.0]);
    expect(wrappedProto.disconnected).to.equal(0);
    proto.write(Buffer.from("bytes bytes bytes"));
    clock.pump([0.0, 1.0, 1.0]);
    expect(wrappedProto.disconnected).to.equal(0);
    proto.writeSequence([Buffer.from("bytes"), Buffer.from("bytes"), Buffer.from("bytes")]);
    clock.pump([0.0, 1.0, 1.0]);
    expect(wrappedProto.disconnected).to.equal(0);
    clock.pump([0.0, 2.0]);
    expect(wrappedProto.disconnected).to.equal(1);
  });

  it("receiving restarts the countdown (test_receiveAvoidsTimeout)", () => {
    clock.pump([0.0, 1.0, 0.5]);
    expect(wrappedProto.disconnected).to.equal(0);
    proto.dataReceived(Buffer.from("bytes bytes bytes"));
    clock.pump([0.0, 1.0, 1.0]);
    expect(wrappedProto.disconnected).to.equal(0);
    clock.pump([0.0, 1.0, 1.0]);
    expect(wrappedProto.disconnected).to.equal(1);
  });

  it("the wrapped protocol's writes go through the wrapper (and restart the countdown)", () => {
    clock.advance(2);
    wrappedProto.transport!.write("hello");
    clock.advance(2);
    expect(wrappedProto.disconnected).to.equal(0);
    expect((proto.transport as StringTransport).value().toString()).to.equal("hello");
  });

  it("defaults to 30 minutes on the global reactor's callLater", () => {
    const factory = new TimeoutFactory(Factory.forProtocol(SimpleProtocol));
    expect(factory.timeoutPeriod).to.equal(1800);
    const before = new Set(reactor.getDelayedCalls());
    const p = factory.buildProtocol(addr)!;
    try {
      const added = reactor.getDelayedCalls().filter((c) => !before.has(c));
      expect(added).to.have.length(1);
      expect(added[0].getTime() - reactor.seconds()).to.be.closeTo(1800, 1);
    } finally {
      p.cancelTimeout();
    }
  });

  it("refuses the connection when the wrapped factory does", () => {
    const refusing = new Factory();
    refusing.buildProtocol = () => null;
    expect(new TestableTimeoutFactory(clock, refusing, 3).buildProtocol(addr)).to.equal(null);
    expect(clock.getDelayedCalls()).to.have.length(1); // only the beforeEach connection's
  });
});
