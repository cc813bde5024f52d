import { AssertionError } from "node:assert";
import { expect } from "chai";
import { ClientFactory, ConnectionDone, ConnectionRefusedError, Factory, IPv4Address, Protocol } from "../../net";
import type { Failure } from "../../defer";
import { LineReceiver } from "../../protocols";
import {
  AccumulatingProtocol,
  ConnectionCompleter,
  FakeTransport,
  MemoryReactor,
  MemoryReactorClock,
  assertNoResult,
  connect,
  connectableEndpoint,
  connectedServerAndClient,
  failureResultOf,
  successResultOf,
} from "../../testing";
import type { IConnector } from "../../net";

/** Twisted's StrictPushProducer (test_iosim). */
class StrictPushProducer {
  state: "running" | "paused" | "stopped" = "running";
  stopProducing(): void {
    if (this.state === "stopped") throw new Error("Cannot stop already-stopped IPushProducer");
    this.state = "stopped";
  }
  pauseProducing(): void {
    if (this.state !== "running") throw new Error(`Cannot pause ${this.state} IPushProducer`);
    this.state = "paused";
  }
  resumeProducing(): void {
    if (this.state !== "paused") throw new Error(`Cannot resume ${this.state} IPushProducer`);
    this.state = "running";
  }
}

class Echo extends LineReceiver {
  override lineReceived(line: Buffer): void {
    this.sendLine(line);
  }
}

class Greeter extends Protocol {
  override connectionMade(): void {
    this.transport!.write("hello");
  }
}

describe("iosim: FakeTransport (twisted.test.iosim)", () => {
  it("each transport has its own serial (test_connectionSerial)", () => {
    const a = new FakeTransport(new Protocol(), true);
    const b = new FakeTransport(new Protocol(), false);
    expect(Number.isInteger(a.serial)).to.equal(true);
    expect(a.serial).to.not.equal(b.serial);
    expect(a.toString()).to.equal(`FakeTransport<S,${a.serial},Protocol>`);
  });

  it("writeSequence buffers the concatenation (test_writeSequence)", () => {
    const a = new FakeTransport(new Protocol(), false);
    a.write("a");
    a.writeSequence([Buffer.from("b"), "c", "d"]);
    expect(Buffer.concat(a.stream).toString()).to.equal("abcd");
  });

  it("ignores writes after loseConnection (test_writeAfterClose)", () => {
    const a = new FakeTransport(new Protocol(), false);
    a.write("before");
    a.loseConnection();
    a.write("after");
    expect(Buffer.concat(a.stream).toString()).to.equal("before");
  });

  it("its methods work when passed as values", () => {
    const received: string[] = [];
    const p = new (class extends Protocol {
      override dataReceived(data: Buffer): void {
        received.push(data.toString());
      }
    })();
    const a = new FakeTransport(p, false);
    p.makeConnection(a);
    const { write, getOutBuffer, bufferReceived, logPrefix, reportDisconnect } = a;
    write("x");
    expect(String(getOutBuffer())).to.equal("x");
    bufferReceived(Buffer.from("y"));
    expect(received).to.deep.equal(["y"]);
    expect(logPrefix()).to.be.a("string");
    expect(() => reportDisconnect()).to.not.throw();
  });
});

describe("iosim: IOPump", () => {
  for (const mode of ["server", "client"] as const) {
    it(`a streaming producer of the ${mode} is left running by a pump (test_${mode}StreamingProducer)`, () => {
      const serverProto = new Protocol();
      const serverTransport = new FakeTransport(serverProto, true);
      const clientProto = new Protocol();
      const clientTransport = new FakeTransport(clientProto, false);
      const pump = connect(serverProto, serverTransport, clientProto, clientTransport, { greet: false });
      const producer = new StrictPushProducer();
      (mode === "server" ? serverTransport : clientTransport).registerProducer(producer, true);
      pump.pump();
      expect(producer.state).to.equal("running");
    });
  }

  it("connectedServerAndClient connects, greets, and moves bytes both ways", () => {
    const { server, client, pump } = connectedServerAndClient(Greeter, AccumulatingProtocol);
    expect(client.data.toString()).to.equal("hello"); // greet: flushed once
    expect(server.connected).to.equal(true);
    expect(pump.pump()).to.equal(false); // nothing moved
    client.transport!.write("x");
    expect(pump.flush()).to.equal(true);
    expect(pump.flush()).to.equal(false);
  });

  it("connect takes Twisted's positional (debug, greet) too (test_iosim's connect(..., greet=False))", () => {
    const serverProto = new Greeter();
    const clientProto = new AccumulatingProtocol();
    const pump = connect(serverProto, new FakeTransport(serverProto, true), clientProto, new FakeTransport(clientProto, false), false, false);
    expect(clientProto.data.length).to.equal(0); // not greeted
    pump.flush();
    expect(clientProto.data.toString()).to.equal("hello");
    const s2 = new Greeter();
    const c2 = new AccumulatingProtocol();
    connect(s2, new FakeTransport(s2, true), c2, new FakeTransport(c2, false), false);
    expect(c2.data.toString()).to.equal("hello"); // greet defaults to true
    expect(() => connect(s2, new FakeTransport(s2, true), c2, new FakeTransport(c2, false), 3 as never)).to.throw(TypeError, /options/);
  });

  it("connectedServerAndClient makes the transports with the factories given, in options or positionally", () => {
    const made: string[] = [];
    const clientTransportFactory = (p: Protocol): FakeTransport => {
      made.push(`client ${p.constructor.name}`);
      return new FakeTransport(p, false, new IPv4Address("TCP", "10.0.0.2", 1000));
    };
    const serverTransportFactory = (p: Protocol): FakeTransport => {
      made.push(`server ${p.constructor.name}`);
      return new FakeTransport(p, true, new IPv4Address("TCP", "10.0.0.1", 80));
    };
    const { client, server } = connectedServerAndClient(Greeter, AccumulatingProtocol, { clientTransportFactory, serverTransportFactory });
    expect(made).to.deep.equal(["client AccumulatingProtocol", "server Greeter"]);
    expect(client.transport!.getHost()).to.deep.equal(new IPv4Address("TCP", "10.0.0.2", 1000));
    expect(server.transport!.getHost()).to.deep.equal(new IPv4Address("TCP", "10.0.0.1", 80));
    expect(client.data.toString()).to.equal("hello");
    made.length = 0;
    const r = connectedServerAndClient(Greeter, AccumulatingProtocol, clientTransportFactory, serverTransportFactory, false, false);
    expect(made).to.deep.equal(["client AccumulatingProtocol", "server Greeter"]);
    expect(r.client.data.length).to.equal(0); // greet=False
    expect(() => connectedServerAndClient(Greeter, AccumulatingProtocol, { clientTransportFactory: 1 as never })).to.throw(
      TypeError,
      /clientTransportFactory/,
    );
  });

  it("the result destructures as Twisted's tuple (client, server, pump) and still compares as an object", () => {
    const result = connectedServerAndClient(Greeter, AccumulatingProtocol);
    const [c, s, pump] = result;
    expect(c).to.equal(result.client);
    expect(s).to.equal(result.server);
    expect(pump).to.equal(result.pump);
    expect(Object.keys(result).sort()).to.deep.equal(["client", "pump", "server"]);
  });

  it("accepts factory functions and greet: false", () => {
    const { client, pump } = connectedServerAndClient(() => new Greeter(), () => new AccumulatingProtocol(), { greet: false });
    expect(client.data.length).to.equal(0);
    expect(pump.flush()).to.equal(true);
    expect(client.data.toString()).to.equal("hello");
  });

  it("carries a line protocol conversation", () => {
    const { client, pump } = connectedServerAndClient(Echo, AccumulatingProtocol);
    client.transport!.write("one\r\ntw");
    pump.flush();
    client.transport!.write("o\r\n");
    pump.flush();
    expect(client.data.toString()).to.equal("one\r\ntwo\r\n");
  });

  it("delivers a close to both sides with ConnectionDone", () => {
    const { server, client, pump } = connectedServerAndClient(AccumulatingProtocol, AccumulatingProtocol);
    client.transport!.loseConnection();
    expect(pump.pump()).to.equal(true);
    expect(server.closed).to.equal(1);
    expect((server.closedReason as Failure).check(ConnectionDone)).to.equal(ConnectionDone);
    expect(server.connected).to.equal(false);
    expect(pump.pump()).to.equal(true);
    expect(client.closed).to.equal(1);
    expect(pump.pump()).to.equal(false);
  });

  it("asks a non-streaming producer for data on each pump", () => {
    const { client, server, pump } = connectedServerAndClient(Protocol, AccumulatingProtocol);
    let n = 0;
    const producer = {
      resumeProducing(): void {
        if (n < 3) server.transport!.write(String(n++));
      },
      stopProducing(): void {},
    };
    (server.transport as FakeTransport).registerProducer(producer, false);
    pump.flush();
    expect(client.data.toString()).to.equal("012");
  });

  it("with a clock, each pump runs the calls due", () => {
    const clock = new MemoryReactorClock();
    class Later extends Protocol {
      override connectionMade(): void {
        clock.callLater(0, () => this.transport!.write("later"));
      }
    }
    const { client, pump } = connectedServerAndClient(Later, AccumulatingProtocol, { clock });
    pump.flush();
    expect(client.data.toString()).to.equal("later");
  });

  it("flush gives up on an endless conversation", () => {
    class PingPong extends Protocol {
      override connectionMade(): void {
        this.transport!.write("x");
      }
      override dataReceived(data: Buffer): void {
        this.transport!.write(data);
      }
    }
    expect(() => connectedServerAndClient(PingPong, PingPong)).to.throw(AssertionError, /Too long/);
  });

  it("rejects what is neither a class nor a function", () => {
    expect(() => connectedServerAndClient(null as never, Protocol)).to.throw(TypeError, /server/);
  });
});

describe("iosim: ConnectionCompleter", () => {
  it("connects a recorded client to the recorded server on its port", () => {
    const reactor = new MemoryReactor();
    reactor.listenTCP(4321, Factory.forProtocol(Greeter));
    const clientFactory = new ClientFactory();
    clientFactory.protocol = AccumulatingProtocol;
    reactor.connectTCP("0.0.0.0", 4321, clientFactory);
    const { succeedOnce } = new ConnectionCompleter(reactor); // works passed as a value
    const pump = succeedOnce();
    expect(pump).to.not.equal(undefined);
    expect((pump!.client as AccumulatingProtocol).data.toString()).to.equal("hello");
    expect(reactor.tcpClients).to.have.length(0);
  });

  it("fails a recorded attempt", () => {
    const reactor = new MemoryReactor();
    const reasons: Failure[] = [];
    class F extends ClientFactory {
      override clientConnectionFailed(_c: IConnector, reason: Failure): void {
        reasons.push(reason);
      }
    }
    reactor.connectTCP("h", 1, new F());
    const { failOnce } = new ConnectionCompleter(reactor); // works passed as a value
    failOnce();
    expect(reasons[0].check(ConnectionRefusedError)).to.equal(ConnectionRefusedError);
  });
});

describe("iosim: connectableEndpoint", () => {
  it("gives an endpoint whose connect() succeeds when the completer says so", () => {
    const [endpoint, completer] = connectableEndpoint();
    const d = endpoint.connect(Factory.forProtocol(AccumulatingProtocol));
    assertNoResult(d);
    const pump = completer.succeedOnce();
    expect(pump).to.not.equal(undefined);
    const client = successResultOf(d) as AccumulatingProtocol;
    expect(client).to.be.instanceOf(AccumulatingProtocol);
    expect(client.made).to.equal(1);
    pump!.server.transport!.write("from the server");
    pump!.flush();
    expect(client.data.toString()).to.equal("from the server");
    expect(completer.succeedOnce()).to.equal(undefined); // nothing more to complete
  });

  it("or fails, with ConnectionRefusedError by default", () => {
    const [endpoint, completer] = connectableEndpoint();
    const d = endpoint.connect(Factory.forProtocol(AccumulatingProtocol));
    completer.failOnce();
    failureResultOf(d, ConnectionRefusedError);
  });
});
