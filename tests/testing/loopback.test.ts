/** Ported from Twisted's twisted/test/test_loopback.py (twisted.protocols.loopback). */
import { expect } from "chai";
import { Deferred } from "../../defer";
import type { Failure } from "../../defer";
import { Protocol, type IConsumer, type IPullProducer, type IPushProducer, type ITransport } from "../../net";
import { LineReceiver } from "../../protocols";
import { reactor } from "../../reactor";
import {
  FakeAddress,
  LoopbackQueue,
  LoopbackRelay,
  collapsingPumpPolicy,
  identityPumpPolicy,
  loopbackAsync,
  loopbackTCP,
  loopbackUNIX,
  type PumpPolicy,
} from "../../testing";

/** Twisted's SimpleProtocol: records lines and losses; `conn` fires on connectionMade. */
class SimpleProtocol extends LineReceiver {
  readonly conn = new Deferred<void>();
  readonly lines: string[] = [];
  readonly connLost: Failure[] = [];
  override connectionMade(): void {
    this.conn.callback(undefined);
  }
  override lineReceived(line: Buffer): void {
    this.lines.push(line.toString());
  }
  override connectionLost(reason: Failure): void {
    this.connLost.push(reason);
  }
}

/** Twisted's DoomProtocol: answers three lines, then closes. */
class DoomProtocol extends SimpleProtocol {
  i = 0;
  override lineReceived(line: Buffer): void {
    this.i += 1;
    if (this.i < 4) this.sendLine(`Hello ${this.i}`);
    super.lineReceived(line);
    if (this.lines[this.lines.length - 1] === "Hello 3") this.transport!.loseConnection();
  }
}

type LoopbackFunc = (server: Protocol, client: Protocol) => Deferred<void>;

function mixinTests(loopbackFunc: LoopbackFunc): void {
  it("testRegularFunction: a line sent then the server closes; both see the close once", async () => {
    const s = new SimpleProtocol();
    const c = new SimpleProtocol();
    s.conn.addCallback(() => {
      s.sendLine("THIS IS LINE ONE!");
      s.transport!.loseConnection();
    });
    await loopbackFunc(s, c);
    expect(c.lines).to.deep.equal(["THIS IS LINE ONE!"]);
    expect(s.connLost).to.have.length(1);
    expect(c.connLost).to.have.length(1);
  });

  it("testSneakyHiddenDoom: each side answers until one closes", async () => {
    const s = new DoomProtocol();
    const c = new DoomProtocol();
    s.conn.addCallback(() => s.sendLine("DOOM LINE"));
    await loopbackFunc(s, c);
    expect(s.lines).to.deep.equal(["Hello 1", "Hello 2", "Hello 3"]);
    expect(c.lines).to.deep.equal(["DOOM LINE", "Hello 1", "Hello 2", "Hello 3"]);
    expect(s.connLost).to.have.length(1);
    expect(c.connLost).to.have.length(1);
  });
}

describe("testing/loopback: loopbackAsync (test_loopback.LoopbackAsyncTests)", () => {
  mixinTests((s, c) => loopbackAsync(s, c));

  it("test_makeConnection: both protocols get a transport at once", () => {
    const server = new Protocol();
    const client = new Protocol();
    const d = loopbackAsync(server, client);
    expect(server.transport).to.not.equal(null);
    expect(client.transport).to.not.equal(null);
    server.transport!.loseConnection();
    return d;
  });

  for (const [side, get] of [
    ["server", "getHost"],
    ["server", "getPeer"],
    ["client", "getHost"],
    ["client", "getPeer"],
  ] as const) {
    it(`test_${side}${get === "getHost" ? "Host" : "Peer"}: the ${side}'s transport has a working ${get}`, () => {
      const server = new Protocol();
      const client = new Protocol();
      const d = loopbackAsync(server, client);
      const transport = (side === "server" ? server : client).transport as ITransport;
      expect(transport[get]()).to.be.instanceOf(FakeAddress);
      transport.loseConnection();
      return d;
    });
  }

  for (const testServer of [false, true]) {
    for (const write of ["write", "writeSequence"] as const) {
      it(`test_${testServer ? "server" : "client"}Greeting${write === "write" ? "" : "Sequence"}: the other side receives the greeting`, async () => {
        const received = new Deferred<void>();
        class Greetee extends Protocol {
          bytes = "";
          override dataReceived(data: Buffer): void {
            this.bytes += data.toString();
            if (this.bytes === "bytes") received.callback(undefined);
          }
        }
        class Greeter extends Protocol {
          override connectionMade(): void {
            if (write === "write") this.transport!.write(Buffer.from("bytes"));
            else this.transport!.writeSequence([Buffer.from("byt"), Buffer.from("es")]);
          }
        }
        const server = testServer ? new Greeter() : new Greetee();
        const client = testServer ? new Greetee() : new Greeter();
        const done = loopbackAsync(server, client);
        await received;
        client.transport!.loseConnection();
        await done;
      });
    }
  }

  /** Twisted's _producertest: the server produces "0".."9"; resolves once the client has them all. */
  async function producerTest(start: (transport: ITransport & IConsumer, items: string[]) => unknown): Promise<unknown> {
    const toProduce = Array.from({ length: 10 }, (_, i) => String(i));
    const received = new Deferred<void>();
    let producer: unknown;
    class Producing extends Protocol {
      override connectionMade(): void {
        producer = start(this.transport as never, [...toProduce]);
      }
    }
    class Receiving extends Protocol {
      bytes = "";
      override dataReceived(data: Buffer): void {
        this.bytes += data.toString();
        if (this.bytes === toProduce.join("")) received.callback(undefined);
      }
    }
    const client = new Receiving();
    const done = loopbackAsync(new Producing(), client);
    await received;
    client.transport!.loseConnection();
    await done;
    return producer;
  }

  it("test_pushProducer: a push producer writes on its own; it is never resumed", async () => {
    class PushProducer implements IPushProducer {
      resumed = false;
      constructor(
        readonly consumer: ITransport & IConsumer,
        readonly items: string[],
      ) {
        consumer.registerProducer(this, true);
        this.produce();
      }
      pauseProducing(): void {}
      resumeProducing(): void {
        this.resumed = true;
      }
      stopProducing(): void {}
      produce(): void {
        if (this.items.length > 0) {
          this.consumer.write(Buffer.from(this.items.shift()!));
          reactor.callLater(0, () => this.produce());
        } else {
          this.consumer.unregisterProducer();
        }
      }
    }
    const producer = (await producerTest((t, items) => new PushProducer(t, items))) as PushProducer;
    expect(producer.resumed, "a streaming producer is not resumed").to.equal(false);
  });

  it("test_pullProducer: a pull producer is asked again each time its writes were delivered", async () => {
    class PullProducer implements IPullProducer {
      constructor(
        readonly consumer: ITransport & IConsumer,
        readonly items: string[],
      ) {
        consumer.registerProducer(this, false);
      }
      resumeProducing(): void {
        this.consumer.write(Buffer.from(this.items.shift()!));
        if (this.items.length === 0) this.consumer.unregisterProducer();
      }
      stopProducing(): void {}
    }
    await producerTest((t, items) => new PullProducer(t, items));
  });

  it("test_writeNotReentrant: dataReceived is never called from inside the other side's write", async () => {
    class Server extends Protocol {
      override dataReceived(): void {
        this.transport!.write(Buffer.from("bytes"));
      }
    }
    class Client extends Protocol {
      ready = false;
      wasReady: boolean | null = null;
      override connectionMade(): void {
        reactor.callLater(0, () => this.go());
      }
      go(): void {
        this.transport!.write(Buffer.from("foo"));
        this.ready = true;
      }
      override dataReceived(): void {
        this.wasReady = this.ready;
        this.transport!.loseConnection();
      }
    }
    const client = new Client();
    await loopbackAsync(client, new Server());
    expect(client.wasReady).to.equal(true);
  });

  it("test_pumpPolicy: the policy gets each queue and the protocol it is for (the client first)", async () => {
    const pumpCalls: Array<[Protocol, Array<string | null>]> = [];
    const dummyPolicy: PumpPolicy = (queue, target) => {
      const items: Array<string | null> = [];
      while (queue.size > 0) {
        const item = queue.get();
        items.push(item === null ? null : item.toString());
      }
      pumpCalls.push([target as Protocol, items]);
    };
    const client = new Protocol();
    const server = new Protocol();
    const finished = loopbackAsync(server, client, dummyPolicy);
    expect(pumpCalls).to.deep.equal([]);
    client.transport!.write(Buffer.from("foo"));
    client.transport!.write(Buffer.from("bar"));
    server.transport!.write(Buffer.from("baz"));
    server.transport!.write(Buffer.from("quux"));
    server.transport!.loseConnection();
    await finished;
    expect(pumpCalls).to.have.length(2);
    expect(pumpCalls[0][0]).to.equal(client);
    expect(pumpCalls[0][1]).to.deep.equal(["baz", "quux", null]);
    expect(pumpCalls[1][0]).to.equal(server);
    expect(pumpCalls[1][1]).to.deep.equal(["foo", "bar"]);
  });

  it("test_identityPumpPolicy: one dataReceived per chunk, up to the close", () => {
    const got: string[] = [];
    const client = new Protocol();
    client.dataReceived = (data: Buffer): void => void got.push(data.toString());
    const queue = new LoopbackQueue();
    queue.put(Buffer.from("foo"));
    queue.put(Buffer.from("bar"));
    queue.put(null);
    identityPumpPolicy(queue, client);
    expect(got).to.deep.equal(["foo", "bar"]);
  });

  it("test_collapsingPumpPolicy: one dataReceived with everything joined", () => {
    const got: string[] = [];
    const client = new Protocol();
    client.dataReceived = (data: Buffer): void => void got.push(data.toString());
    const queue = new LoopbackQueue();
    queue.put(Buffer.from("foo"));
    queue.put(Buffer.from("bar"));
    queue.put(null);
    collapsingPumpPolicy(queue, client);
    expect(got).to.deep.equal(["foobar"]);
  });

  it("LoopbackQueue.get on an empty queue throws; a bad pumpPolicy fails at the call", () => {
    expect(() => new LoopbackQueue().get()).to.throw(Error, /empty/);
    expect(() => loopbackAsync(new Protocol(), new Protocol(), 42 as unknown as PumpPolicy)).to.throw(TypeError, /pumpPolicy/);
  });
});

describe("testing/loopback: loopbackTCP (test_loopback.LoopbackTCPTests)", () => {
  mixinTests((s, c) => loopbackTCP(s, c, 0, false));
});

describe("testing/loopback: loopbackUNIX (test_loopback.LoopbackUNIXTests)", () => {
  mixinTests((s, c) => loopbackUNIX(s, c, false));
});

describe("testing/loopback: LoopbackRelay (test_loopback.LoopbackRelayTest)", () => {
  class Receiver extends Protocol {
    data = "";
    override dataReceived(data: Buffer): void {
      this.data += data.toString();
    }
  }

  it("test_write: writes wait for clearBuffer", () => {
    const receiver = new Receiver();
    const relay = new LoopbackRelay(receiver);
    relay.write(Buffer.from("abc"));
    relay.write(Buffer.from("def"));
    expect(receiver.data).to.equal("");
    relay.clearBuffer();
    expect(receiver.data).to.equal("abcdef");
  });

  it("test_writeSequence: sequences too", () => {
    const receiver = new Receiver();
    const relay = new LoopbackRelay(receiver);
    relay.writeSequence(["The ", "quick ", "brown ", "fox "].map((s) => Buffer.from(s)));
    relay.writeSequence(["jumps ", "over ", "the lazy dog"].map((s) => Buffer.from(s)));
    expect(receiver.data).to.equal("");
    relay.clearBuffer();
    expect(receiver.data).to.equal("The quick brown fox jumps over the lazy dog");
  });

  it("loseConnection is delivered by the next clearBuffer, once; the log file records traffic", () => {
    const lost: Failure[] = [];
    const receiver = new (class extends Receiver {
      override connectionLost(reason: Failure): void {
        lost.push(reason);
      }
    })();
    const log: string[] = [];
    const relay = new LoopbackRelay(receiver, { write: (t: string) => log.push(t) });
    relay.write("x");
    relay.loseConnection();
    expect(lost).to.have.length(0);
    relay.clearBuffer();
    relay.clearBuffer();
    expect(receiver.data).to.equal("x");
    expect(lost).to.have.length(1);
    expect(log).to.deep.equal(["loopback writing b'x'\n", "loopback receiving b'x'\n"]);
    expect(relay.logPrefix()).to.equal("Loopback('Receiver')");
  });
});
