/**
 * Ported from Twisted 22.4's twisted/internet/test/test_tcp.py (TCPConnectionTests' TLS flag,
 * TCPServerTests after TLS, TCPConnectionTestsBuilder's pause/resume tests,
 * WriteSequenceTestsMixin.test_streamingProducer) and connectionmixins.py (StreamClientTestsMixin
 * and ConnectionTestsMixin.test_protocolGarbageAfterLostConnection, over TCP and UNIX sockets).
 * Twisted's assertReading (the transport among the reactor's readers) becomes what reading does:
 * whether data is delivered.
 */
import { expect } from "chai";
import type { Failure } from "../../../core/failure";
import { Deferred, DeferredList } from "../../../defer";
import {
  ClientFactory,
  ConnectionDone,
  IPv4Address,
  IPv6Address,
  Protocol,
  ServerFactory,
  TCP4ClientEndpoint,
  type Address,
  type IConnector,
  type IPullProducer,
  type ListeningPort,
  type StreamTransport,
  type UNIXAddress,
} from "../../../net";
import type { Reactor } from "../../../reactor";
import { AccumulatingProtocol } from "../../../testing";
import { collectGarbage } from "../../helpers/gc";
import { localhostCertificate, sleep } from "../../helpers/net";
import { newReactor, runReactor } from "../../helpers/reactor";
import { ConnectableProtocol, runProtocolsWithReactor, tcpCreator, unixCreator, type EndpointCreator } from "./connectable";

const INTERFACE = "127.0.0.1";
type T = StreamTransport;

/** Both ends of one TCP connection, the reactor running (Twisted's getConnectedClientAndServer). */
async function connectedPair(reactor: Reactor): Promise<{ client: Protocol; server: Protocol; port: ListeningPort }> {
  const server = new Deferred<Protocol>();
  class S extends Protocol {
    override connectionMade(): void {
      server.callback(this);
    }
  }
  const port = reactor.listenTCP(0, ServerFactory.forProtocol(S), { interface: INTERFACE });
  await port.whenListening();
  const client = (await new TCP4ClientEndpoint(reactor, INTERFACE, (port.getHost() as IPv4Address).port).connect(
    ClientFactory.forProtocol(Protocol),
  )) as Protocol;
  return { client, server: await server, port };
}

describe("twisted ports: test_tcp connections", () => {
  describe("TCPConnectionTests / TCPServerTests (TLS)", () => {
    let pem: { key: string; cert: string };
    before(async function () {
      this.timeout(20_000);
      pem = await localhostCertificate();
    });

    it("test_noTLSBeforeStartTLS, test_tlsAfterStartTLS", async () => {
      const reactor = newReactor();
      const { client, server, port } = await connectedPair(reactor);
      const c = client.transport as T;
      const s = server.transport as T;
      expect(c.TLS).to.equal(false);
      expect(s.TLS).to.equal(false);
      s.startTLS({ key: pem.key, cert: pem.cert }, true);
      c.startTLS({ ca: pem.cert, hostname: "localhost" });
      expect(c.TLS).to.equal(true);
      expect(s.TLS).to.equal(true);
      c.loseConnection();
      s.loseConnection();
      await port.stopListening();
    });

    it("test_writeAfterDisconnectAfterTLS, test_writeSequenceAfterDisconnectAfterTLS", async () => {
      const reactor = newReactor();
      const { client, server, port } = await connectedPair(reactor);
      const received: Buffer[] = [];
      const lost = new Deferred<void>();
      client.dataReceived = (data) => received.push(data);
      client.connectionLost = () => lost.callback(undefined);
      let serverLost: Failure | null = null;
      server.connectionLost = (reason) => {
        serverLost = reason;
      };
      (server.transport as T).startTLS({ key: pem.key, cert: pem.cert }, true);
      (client.transport as T).startTLS({ ca: pem.cert, hostname: "localhost" });
      (server.transport as T).abortConnection();
      await lost;
      expect(serverLost).to.not.equal(null);
      // Lost: the bytes are dropped without an error.
      server.transport!.write("hello world");
      server.transport!.writeSequence(["hello world"]);
      expect((server.transport as T).disconnected).to.equal(true);
      await sleep(20);
      expect(Buffer.concat(received).toString()).to.equal("");
      await port.stopListening();
    });
  });

  describe("TCPConnectionTestsBuilder", () => {
    it("test_stopStartReading", async () => {
      const reactor = newReactor();
      const ready = new Deferred<Protocol>();
      const stop = new Deferred<Buffer>();
      class StopStartReadingProtocol extends Protocol {
        data = Buffer.alloc(0);
        override connectionMade(): void {
          this.pauseResumeProducing(3);
        }
        pauseResumeProducing(counter: number): void {
          (this.transport as T).pauseProducing();
          (this.transport as T).resumeProducing();
          if (counter) reactor.callLater(0, () => this.pauseResumeProducing(counter - 1));
          else reactor.callLater(0, () => ready.callback(this));
        }
        override dataReceived(data: Buffer): void {
          this.data = Buffer.concat([this.data, data]);
          if (this.data.length === 4 * 4096) stop.callback(this.data);
        }
      }
      const p = reactor.listenTCP(0, ServerFactory.forProtocol(StopStartReadingProtocol), { interface: INTERFACE });
      await p.whenListening();
      const cc = new TCP4ClientEndpoint(reactor, INTERFACE, (p.getHost() as IPv4Address).port);
      const expected = Buffer.concat([Buffer.alloc(2 * 4096, "x"), Buffer.alloc(2 * 4096, "y")]);
      let got: Buffer | null = null;
      new DeferredList<Protocol>([cc.connect(ClientFactory.forProtocol(Protocol)) as Deferred<Protocol>, ready]).addCallback((results) => {
        const [client, server] = results.map(([ok, value]) => {
          expect(ok).to.equal(true);
          return value as Protocol;
        });
        client.transport!.write(expected);
        return stop.addCallback((data) => {
          got = data;
          client.transport!.loseConnection();
          server.transport!.loseConnection();
          return p.stopListening();
        });
      }).addBoth(() => reactor.stop());
      await runReactor(reactor);
      expect(got).to.deep.equal(expected);
    });

    /**
     * Twisted's oneTransportTest: `test` runs from the server's connectionMade (given the server
     * protocol and the client protocol), then both ends close.
     */
    async function oneTransportTest(test: (server: ConnectableProtocol, client: ConnectableProtocol) => Promise<void> | void): Promise<void> {
      const other = new ConnectableProtocol();
      let done: Promise<void> = Promise.resolve();
      class ServerProtocol extends ConnectableProtocol {
        override connectionMade(): void {
          done = Promise.resolve()
            .then(() => test(this, other))
            .finally(() => {
              this.transport?.loseConnection();
              other.transport?.loseConnection();
            });
        }
      }
      await runProtocolsWithReactor(new ServerProtocol(), other);
      await done;
    }

    /** What `server` receives while `client` writes "ping": Twisted's assertReading as behaviour. */
    async function receivedAfterPing(server: ConnectableProtocol, client: ConnectableProtocol): Promise<Buffer[]> {
      const received: Buffer[] = [];
      server.dataReceived = (d: Buffer) => received.push(d);
      await waitFor(() => client.transport !== null);
      client.transport!.write("ping");
      await sleep(30);
      return received;
    }

    it("test_resumeProducing", () =>
      oneTransportTest(async (server, client) => {
        const t = server.transport as T;
        t.pauseProducing();
        expect(await receivedAfterPing(server, client)).to.deep.equal([]);
        const got: Buffer[] = [];
        server.dataReceived = (d: Buffer) => got.push(d);
        t.resumeProducing();
        await waitFor(() => got.length > 0);
        expect(Buffer.concat(got).toString()).to.equal("ping");
      }));

    it("test_resumeProducingWhileDisconnecting", () =>
      oneTransportTest(async (server, client) => {
        const t = server.transport as T;
        // The client half-closes nothing: keep it open by not closing on the server's FIN.
        t.loseConnection();
        t.resumeProducing();
        expect(t.disconnecting).to.equal(true);
        expect(await receivedAfterPing(server, client)).to.deep.equal([]);
      }));

    it("test_resumeProducingWhileDisconnected", () =>
      oneTransportTest(async (server) => {
        const t = server.transport as T;
        t.loseConnection();
        await waitFor(() => t.disconnected);
        expect(() => t.resumeProducing()).to.not.throw();
        expect(t.disconnected).to.equal(true);
      }));
  });

  describe("TCPTransportServerAddressTestMixin", () => {
    for (const [name, iface, AddressClass] of [
      ["test_serverAddressTCP4", "127.0.0.1", IPv4Address],
      // Twisted uses a link-local address; the loopback one is always there.
      ["test_serverAddressTCP6", "::1", IPv6Address],
    ] as const) {
      it(name, async () => {
        const reactor = newReactor();
        const peerAddresses: Address[] = [];
        const made = new Deferred<AccumulatingProtocol>();
        class Accumulating extends AccumulatingProtocol {
          override connectionMade(): void {
            super.connectionMade();
            made.callback(this);
          }
        }
        Object.defineProperty(Accumulating, "name", { value: "AccumulatingProtocol" });
        class RecordingFactory extends ServerFactory {
          override protocol = Accumulating;
          override buildProtocol(addr: Address): Protocol | null {
            peerAddresses.push(addr);
            return super.buildProtocol(addr);
          }
        }
        const port = reactor.listenTCP(0, new RecordingFactory(), { interface: iface });
        await port.whenListening();
        const portNumber = (port.getHost() as IPv4Address).port;
        const client = reactor.connectTCP(iface, portNumber, ClientFactory.forProtocol(Protocol));
        const server = await made;
        const transport = server.transport as T;
        expect(String(transport)).to.equal(`<AccumulatingProtocol #${transport.sessionno} on ${portNumber}>`);
        expect(transport.sessionno).to.equal(0);
        expect(transport.logstr).to.equal(`AccumulatingProtocol,${transport.sessionno},${iface}`);
        expect(peerAddresses).to.have.length(1);
        expect(peerAddresses[0]).to.be.instanceOf(AddressClass);
        expect((peerAddresses[0] as IPv4Address).type).to.equal("TCP");
        expect((peerAddresses[0] as IPv4Address).host).to.equal(iface);
        transport.loseConnection();
        client.disconnect();
        await port.stopListening();
      });
    }
  });

  describe("WriteSequenceTestsMixin", () => {
    it("test_streamingProducer", async () => {
      const reactor = newReactor();
      const { client, server, port } = await connectedPair(reactor);
      const actions: string[] = [];
      const producer = {
        pauseProducing: (): void => {
          actions.push("pause");
        },
        resumeProducing: (): void => {
          actions.push("resume");
          (client.transport as T).unregisterProducer();
          server.transport!.loseConnection();
        },
        stopProducing: (): void => {
          actions.push("stop");
        },
      };
      const lost = new Deferred<void>();
      client.connectionLost = () => lost.callback(undefined);
      (client.transport as T).registerProducer(producer, true);
      expect(actions).to.deep.equal([]);
      // Twisted sets the write buffer to 500 bytes and writes 1,000; here the buffer is Node's
      // high-water mark (16 KiB), so 20 writes of 1,000 bytes (docs/porting.md).
      client.transport!.writeSequence(Array.from({ length: 20 }, () => Buffer.alloc(1000, "x")));
      expect(actions).to.deep.equal(["pause"]);
      await lost;
      expect(actions).to.deep.equal(["pause", "resume"]);
      await port.stopListening();
    });
  });

  for (const [kind, makeCreator] of [
    ["TCP", tcpCreator],
    ["UNIX", unixCreator],
  ] as Array<[string, () => EndpointCreator]>) {
    describe(`StreamClientTestsMixin (${kind})`, () => {
      let creator: EndpointCreator;
      beforeEach(() => {
        creator = makeCreator();
      });
      afterEach(() => creator.cleanup());

      /** The suite's `connect`: reactor.connectTCP / connectUNIX to `address`. */
      function connect(reactor: Reactor, address: IPv4Address | UNIXAddress | null, factory: ClientFactory): IConnector {
        if (kind === "TCP") return reactor.connectTCP(INTERFACE, address === null ? 1 : (address as IPv4Address).port, factory);
        return reactor.connectUNIX(address === null ? "/nonexistent/tts-ports-sock" : (address as UNIXAddress).name!, factory);
      }

      /** The suite's `listen`. */
      async function listen(reactor: Reactor, factory: ServerFactory): Promise<IPv4Address | UNIXAddress> {
        const port = await creator.server(reactor).listen(factory);
        return port.getHost();
      }

      /** Twisted's Stop: stops the reactor when the attempt fails. */
      class Stop extends ClientFactory {
        failReason: Failure | null = null;
        constructor(readonly reactor: Reactor) {
          super();
        }
        override clientConnectionFailed(_c: IConnector, reason: Failure): void {
          this.failReason = reason;
          this.reactor.stop();
        }
      }

      it("test_interface", () => {
        const reactor = newReactor();
        const connector = connect(reactor, null, new ClientFactory());
        for (const m of ["connect", "disconnect", "stopConnecting", "getDestination"] as const) {
          expect(connector[m]).to.be.a("function");
        }
        connector.stopConnecting();
      });

      it("test_clientConnectionFailedStopsReactor", async () => {
        const reactor = newReactor();
        const stop = new Stop(reactor);
        reactor.callWhenRunning(() => connect(reactor, null, stop));
        await runReactor(reactor);
        expect(stop.failReason).to.not.equal(null);
      });

      it("test_connectEvent", async () => {
        const reactor = newReactor();
        const address = await listen(reactor, ServerFactory.forProtocol(Protocol));
        const connected: Protocol[] = [];
        class CheckConnection extends Protocol {
          override connectionMade(): void {
            connected.push(this);
            reactor.stop();
          }
        }
        const clientFactory = new Stop(reactor);
        clientFactory.protocol = CheckConnection;
        reactor.callWhenRunning(() => connect(reactor, address, clientFactory));
        await runReactor(reactor);
        expect(connected).to.have.length(1);
      });

      it("test_unregisterProducerAfterDisconnect", async () => {
        const reactor = newReactor();
        class ClosingProtocol extends Protocol {
          override connectionMade(): void {
            this.transport!.loseConnection();
          }
        }
        const address = await listen(reactor, ServerFactory.forProtocol(ClosingProtocol));
        const finished = new Deferred<void>();
        finished.addCallback(() => reactor.stop());
        const writes: string[] = [];
        let lostWith: Failure | null = null;
        class ClientProtocol extends Protocol {
          override connectionMade(): void {
            const transport = this.transport as T;
            // Twisted's _SimplePullProducer: writes one byte each time it is resumed.
            transport.registerProducer(
              {
                resumeProducing: () => {
                  writes.push("x");
                  transport.write("x");
                },
                stopProducing: () => undefined,
              } as IPullProducer,
              false,
            );
            transport.loseConnection();
          }
          override connectionLost(reason: Failure): void {
            lostWith = reason;
            (this.transport as T).unregisterProducer();
            finished.callback(undefined);
          }
        }
        connect(reactor, address, ClientFactory.forProtocol(ClientProtocol));
        await runReactor(reactor);
        // After unregisterProducer, the lost transport writes nothing and is not resumed again.
        const count = writes.length;
        await sleep(20);
        expect(writes.length).to.equal(count);
        expect(lostWith).to.not.equal(null);
      });

      it("test_disconnectWhileProducing", async () => {
        const reactor = newReactor();
        const address = await listen(reactor, ServerFactory.forProtocol(Protocol));
        const finished = new Deferred<void>();
        let notLost: Failure | null = null;
        finished.addErrback((f: Failure) => {
          notLost = f;
        });
        finished.addCallback(() => reactor.stop());
        class ClientProtocol extends Protocol {
          override connectionMade(): void {
            (this.transport as T).registerProducer({ resumeProducing: () => undefined, stopProducing: () => undefined } as IPullProducer, false);
            this.transport!.loseConnection();
            reactor.callLater(0, () => reactor.callLater(0, this.unregister));
          }
          readonly unregister = (): void => {
            (this.transport as T).unregisterProducer();
            reactor.callLater(1.0, () => {
              if (!finished.called) finished.errback(new Error("Connection was not lost"));
            });
          };
          override connectionLost(reason: Failure): void {
            expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
            finished.callback(undefined);
          }
        }
        connect(reactor, address, ClientFactory.forProtocol(ClientProtocol));
        await runReactor(reactor);
        expect(notLost).to.equal(null);
      });
    });

    describe(`ConnectionTestsMixin (${kind})`, () => {
      it("test_protocolGarbageAfterLostConnection", async () => {
        /** Connects a protocol, loses the connection; returns only a weak reference to it. */
        async function connectAndLose(): Promise<WeakRef<Protocol>> {
          const lost = new Deferred<void>();
          class ClosingLater extends Protocol {
            override connectionLost(): void {
              lost.callback(undefined);
            }
          }
          const creator = makeCreator();
          const reactor = newReactor();
          try {
            const port = await creator.server(reactor).listen(ServerFactory.forProtocol(Protocol));
            const proto = await creator.client(reactor, port.getHost()).connect(ClientFactory.forProtocol(ClosingLater));
            proto.transport!.loseConnection();
            await lost;
            await port.stopListening();
            return new WeakRef(proto as Protocol);
          } finally {
            creator.cleanup();
          }
        }
        const clientRef = await connectAndLose();
        await collectGarbage(() => clientRef.deref() === undefined);
        expect(clientRef.deref()).to.equal(undefined);
      });
    });
  }
});

/** Resolves once `check()` is true (polled every few ms, for at most 2 s). */
async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await sleep(5);
  expect(check()).to.equal(true);
}
