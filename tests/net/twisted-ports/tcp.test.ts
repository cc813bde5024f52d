/**
 * Ported from Twisted 22.4's twisted/internet/test/test_tcp.py: TCPServerTests (writes after the
 * connection is lost are dropped), TCPConnectorTestsBuilder (test_connectorIdentity,
 * test_userFail, test_reconnect) and TCPClientTestsBase.test_buildProtocolReturnsNone, on one
 * real reactor per test over 127.0.0.1.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addObserver, removeObserver, type LogEvent } from "../../../log";
import { Failure } from "../../../core/failure";
import { Deferred } from "../../../defer";
import {
  ClientFactory,
  ConnectionDone,
  ConnectionRefusedError,
  IPv4Address,
  IPv6Address,
  NoProtocol,
  Protocol,
  ServerFactory,
  StreamTransport,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  UserError,
  type IConnector,
  type IPushProducer,
  type ITCPTransport,
  type ListeningPort,
} from "../../../net";
import type { Reactor } from "../../../reactor";
import { newReactor, runReactor } from "../../helpers/reactor";

const INTERFACE = "127.0.0.1";

/** A server factory whose protocols close at once (Twisted's ClosingFactory / ClosingProtocol). */
class ClosingProtocol extends Protocol {
  override connectionMade(): void {
    this.transport!.loseConnection();
  }
}
class ClosingFactory extends ServerFactory {
  port: ListeningPort | null = null;
  override protocol = ClosingProtocol;
}

/** Twisted's ClientStartStopFactory: whenStopped fires on stopFactory. */
class ClientStartStopFactory extends ClientFactory {
  override protocol = Protocol;
  whenStopped = new Deferred<void>();
  reason: Failure | null = null;
  failed = 0;
  override clientConnectionFailed(_c: IConnector, reason: Failure): void {
    this.failed += 1;
    this.reason = reason;
  }
  override stopFactory(): void {
    this.whenStopped.callback(undefined);
  }
}

class AccumulatingProtocol extends Protocol {
  made = 0;
  closed = 0;
  override connectionMade(): void {
    this.made = 1;
  }
  override connectionLost(): void {
    this.closed = 1;
  }
}

/** Twisted's MyClientFactory: records the protocol and fails failDeferred on a failed attempt. */
class MyClientFactory extends ClientFactory<AccumulatingProtocol> {
  override protocol = AccumulatingProtocol;
  failDeferred = new Deferred<void>();
  reason: Failure | null = null;
  lastProtocol: AccumulatingProtocol | null = null;
  override buildProtocol(addr: IPv4Address): AccumulatingProtocol | null {
    this.lastProtocol = super.buildProtocol(addr);
    return this.lastProtocol;
  }
  override clientConnectionFailed(_c: IConnector, reason: Failure): void {
    this.reason = reason;
    this.failDeferred.callback(undefined);
  }
}

async function listen(reactor: Reactor, factory: ServerFactory): Promise<[ListeningPort, number]> {
  const port = reactor.listenTCP(0, factory, { interface: INTERFACE });
  await port.whenListening();
  return [port, (port.getHost() as IPv4Address).port];
}

describe("twisted ports: test_tcp", () => {
  describe("TCPConnectorTestsBuilder", () => {
    it("test_connectorIdentity", async () => {
      const serverFactory = new ClosingFactory();
      const reactor = newReactor();
      const [tcpPort, portNumber] = await listen(reactor, serverFactory);
      serverFactory.port = tcpPort;
      const seenConnectors: IConnector[] = [];
      const seenFailures: Failure[] = [];
      const clientFactory = new ClientStartStopFactory();
      clientFactory.clientConnectionLost = (connector, reason) => {
        seenConnectors.push(connector);
        seenFailures.push(reason);
      };
      clientFactory.startedConnecting = (c) => {
        seenConnectors.push(c);
      };
      const connector = reactor.connectTCP(INTERFACE, portNumber, clientFactory);
      const dest = connector.getDestination() as IPv4Address;
      expect(dest.type).to.equal("TCP");
      expect(dest.host).to.equal(INTERFACE);
      expect(dest.port).to.equal(portNumber);
      clientFactory.whenStopped.addBoth(() => reactor.stop());
      await runReactor(reactor);
      seenFailures[0].trap(ConnectionDone);
      expect(seenConnectors).to.deep.equal([connector, connector]);
      expect(seenConnectors[0]).to.equal(connector);
    });

    it("test_userFail", async () => {
      const reactor = newReactor();
      const [, portNumber] = await listen(reactor, ServerFactory.forProtocol(Protocol));
      const fatalErrors: unknown[] = [];
      const clientFactory = new ClientStartStopFactory();
      clientFactory.startedConnecting = (connector) => {
        try {
          connector.stopConnecting();
        } catch (e) {
          fatalErrors.push(e);
          reactor.stop();
        }
      };
      clientFactory.whenStopped.addBoth(() => reactor.stop());
      reactor.callWhenRunning(() => reactor.connectTCP(INTERFACE, portNumber, clientFactory));
      await runReactor(reactor);
      expect(fatalErrors).to.deep.equal([]);
      clientFactory.reason!.trap(UserError);
      expect(clientFactory.failed).to.equal(1);
    });

    it("test_reconnect", async () => {
      const serverFactory = new ClosingFactory();
      const reactor = newReactor();
      const [tcpPort, portNumber] = await listen(reactor, serverFactory);
      serverFactory.port = tcpPort;
      // ClosingFactory's port stops listening once its first connection is made, so the
      // reconnection is refused (Twisted's ClosingProtocol does the same through the factory).
      serverFactory.protocol = class extends ClosingProtocol {
        override connectionMade(): void {
          void tcpPort.stopListening();
          super.connectionMade();
        }
      };
      const clientFactory = new MyClientFactory();
      clientFactory.clientConnectionLost = (connector) => connector.connect();
      reactor.connectTCP(INTERFACE, portNumber, clientFactory);
      const protocolMadeAndClosed: Array<[number, number]> = [];
      clientFactory.failDeferred.addCallback(() => {
        const p = clientFactory.lastProtocol!;
        protocolMadeAndClosed.push([p.made, p.closed]);
        reactor.stop();
      });
      await runReactor(reactor);
      clientFactory.reason!.trap(ConnectionRefusedError);
      expect(protocolMadeAndClosed).to.deep.equal([[1, 1]]);
    });
  });

  describe("TCPClientTestsBase", () => {
    it("test_buildProtocolReturnsNone", async () => {
      const reactor = newReactor();
      const connectionLost = new Deferred<void>();
      class ServerProtocol extends Protocol {
        override connectionLost(): void {
          connectionLost.callback(undefined);
        }
      }
      class NoneFactory extends ServerFactory {
        override buildProtocol(): null {
          return null;
        }
      }
      const port = await new TCP4ServerEndpoint(reactor, 0, { interface: INTERFACE }).listen(ServerFactory.forProtocol(ServerProtocol));
      const endpoint = new TCP4ClientEndpoint(reactor, INTERFACE, (port.getHost() as IPv4Address).port);
      let failed: Failure | null = null;
      endpoint.connect(new NoneFactory()).addCallbacks(
        (p) => {
          throw new Error(`connect succeeded with ${p.constructor.name}, should have failed with NoProtocol`);
        },
        (reason: Failure) => {
          reason.trap(NoProtocol);
          failed = reason;
        },
      );
      connectionLost.addBoth(() => reactor.stop());
      await runReactor(reactor);
      expect(failed).to.not.equal(null);
    });
  });

  describe("TCPServerTests (writes after the connection is lost are dropped)", () => {
    it("test_writeAfterDisconnect / test_writeSequenceAfterDisconnect", async () => {
      const reactor = newReactor();
      const received: Buffer[] = [];
      const lost = new Deferred<void>();
      class Server extends Protocol {
        override connectionMade(): void {
          reactor.callLater(0, this.transport!.loseConnection);
        }
        override connectionLost(): void {
          // Lost: writes from now on are dropped, without an error.
          this.transport!.write("hello world");
          this.transport!.writeSequence(["hello world"]);
          lost.callback(undefined);
        }
      }
      class Client extends Protocol {
        override dataReceived(data: Buffer): void {
          received.push(data);
        }
        override connectionLost(): void {
          reactor.callLater(0.02, () => reactor.stop());
        }
      }
      const [, portNumber] = await listen(reactor, ServerFactory.forProtocol(Server));
      reactor.connectTCP(INTERFACE, portNumber, ClientFactory.forProtocol(Client));
      await runReactor(reactor);
      await lost;
      expect(Buffer.concat(received).toString()).to.equal("");
    });
  });

  describe("TCPConnectionTestsBuilder", () => {
    /** Twisted's runProtocolsWithReactor: serve `server`, connect `client`, stop once both are lost. */
    async function runProtocols(server: Protocol, client: Protocol): Promise<void> {
      const reactor = newReactor();
      let lost = 0;
      const onLost = (): void => {
        lost += 1;
        if (lost === 2) reactor.stop();
      };
      for (const p of [server, client]) {
        const original = p.connectionLost.bind(p);
        p.connectionLost = (reason) => {
          original(reason);
          onLost();
        };
      }
      class One extends ServerFactory {
        override buildProtocol(): Protocol {
          return server;
        }
      }
      class OneClient extends ClientFactory {
        override buildProtocol(): Protocol {
          return client;
        }
      }
      const [, portNumber] = await listen(reactor, new One());
      reactor.connectTCP(INTERFACE, portNumber, new OneClient());
      await runReactor(reactor);
    }

    it("test_connectionLostAfterPausedTransport", async () => {
      class Pauser extends Protocol {
        events: string[] = [];
        override dataReceived(): void {
          this.events.push("paused");
          (this.transport as ITCPTransport & IPushProducer).pauseProducing();
          setTimeout(() => this.resume(), 0);
        }
        resume(): void {
          this.events.push("resumed");
          (this.transport as ITCPTransport & IPushProducer).resumeProducing();
        }
        override connectionLost(): void {
          this.events.push("lost");
        }
      }
      class Client extends Protocol {
        override connectionMade(): void {
          this.transport!.write("some bytes for you");
          this.transport!.loseConnection();
        }
      }
      const pauser = new Pauser();
      await runProtocols(pauser, new Client());
      expect(pauser.events).to.deep.equal(["paused", "resumed", "lost"]);
    });

    it("test_doubleHalfClose", async () => {
      class ListenerProtocol extends Protocol {
        readConnectionLost(): void {
          (this.transport as ITCPTransport).loseWriteConnection();
        }
        writeConnectionLost(): void {
          this.transport!.loseConnection();
        }
      }
      class Client extends Protocol {
        override connectionMade(): void {
          this.transport!.loseConnection();
        }
      }
      // If it fails, the reactor does not stop and runReactor times out.
      await runProtocols(new ListenerProtocol(), new Client());
    });
  });

  describe("TCPPortTestsMixin / TCPClientTestsBase addresses", () => {
    for (const [family, host, AddressClass] of [
      ["IPv4", "127.0.0.1", IPv4Address],
      ["IPv6", "::1", IPv6Address],
    ] as const) {
      it(`test_portGetHostOn${family}, test_buildProtocol${family}Address, test_serverGetHostOn${family}, test_serverGetPeerOn${family}, test_addresses`, async () => {
        const reactor = newReactor();
        const seen: Array<IPv4Address | IPv6Address> = [];
        let serverProto: Protocol | null = null;
        let clientProto: Protocol | null = null;
        class ObserveAddress extends ServerFactory {
          override protocol = Protocol;
          override buildProtocol(addr: IPv4Address): Protocol | null {
            seen.push(addr);
            serverProto = super.buildProtocol(addr);
            return serverProto;
          }
        }
        class Client extends Protocol {
          override connectionMade(): void {
            clientProto = this;
            reactor.callLater(0.02, () => reactor.stop());
          }
        }
        const port = reactor.listenTCP(0, new ObserveAddress(), { interface: host });
        await port.whenListening();
        const portHost = port.getHost();
        expect(portHost).to.be.instanceOf(AddressClass);
        expect(portHost.equals(new AddressClass("TCP", host, (portHost as IPv4Address).port))).to.equal(true);
        reactor.connectTCP(host, (portHost as IPv4Address).port, ClientFactory.forProtocol(Client));
        await runReactor(reactor);
        const clientT = clientProto!.transport!;
        const serverT = (serverProto as Protocol | null)!.transport!;
        const clientHost = clientT.getHost() as IPv4Address;
        expect(seen).to.have.length(1);
        expect(seen[0].equals(new AddressClass("TCP", host, clientHost.port))).to.equal(true);
        expect(serverT.getHost().equals(portHost)).to.equal(true);
        expect(serverT.getPeer().equals(clientHost)).to.equal(true);
        expect(clientT.getPeer().equals(portHost)).to.equal(true);
        expect(clientHost).to.be.instanceOf(AddressClass);
      });
    }
  });

  describe("StreamTransportTestsMixin (log messages)", () => {
    const messages: string[] = [];
    const observe = (e: LogEvent): void => {
      messages.push(String(e.message));
    };
    beforeEach(() => {
      messages.length = 0;
      addObserver(observe);
    });
    afterEach(() => removeObserver(observe));

    it("test_startedListeningLogMessage, test_connectionLostLogMsg (TCP)", async () => {
      const reactor = newReactor();
      class SomeFactory extends ServerFactory {
        override logPrefix(): string {
          return "Crazy Factory";
        }
      }
      const p = reactor.listenTCP(0, new SomeFactory(), { interface: INTERFACE });
      await p.whenListening();
      const portNumber = (p.getHost() as IPv4Address).port;
      // Twisted logs it before the factory's "Starting factory"; here binding is asynchronous,
      // so it comes after (docs/porting.md).
      expect(messages).to.include(`Crazy Factory starting on ${portNumber}`);
      await p.stopListening();
      expect(messages).to.include(`(TCP Port ${portNumber} Closed)`);
    });

    it("the same for a UNIX port", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tts-port-log-"));
      try {
        const path = join(dir, "sock");
        const reactor = newReactor();
        const p = reactor.listenUNIX(path, ServerFactory.forProtocol(Protocol));
        await p.whenListening();
        expect(messages).to.include(`ServerFactory starting on '${path}'`);
        await p.stopListening();
        expect(messages).to.include(`(UNIX Port ${path} Closed)`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("WriteSequenceTestsMixin", () => {
    /** Twisted's getConnectedClientAndServer: both protocols once connected. */
    async function connectedClientAndServer(reactor: Reactor): Promise<[Protocol, Protocol]> {
      const server = new Deferred<Protocol>();
      const client = new Deferred<Protocol>();
      class S extends Protocol {
        override connectionMade(): void {
          server.callback(this);
        }
        override connectionLost(): void {
          reactor.stop();
        }
      }
      class C extends Protocol {
        override connectionMade(): void {
          client.callback(this);
        }
      }
      const [, portNumber] = await listen(reactor, ServerFactory.forProtocol(S));
      reactor.connectTCP(INTERFACE, portNumber, ClientFactory.forProtocol(C));
      return [await client, await server];
    }

    it("test_writeSequeceWithoutWrite", async () => {
      const reactor = newReactor();
      const running = runReactor(reactor);
      const [client, server] = await connectedClientAndServer(reactor);
      const received: Buffer[] = [];
      server.dataReceived = (data) => {
        received.push(data);
        if (Buffer.concat(received).length >= 22) client.transport!.loseConnection();
      };
      client.transport!.writeSequence([Buffer.from("Some "), Buffer.from("sequence "), Buffer.from("splitted")]);
      await running;
      expect(Buffer.concat(received).toString()).to.equal("Some sequence splitted");
    });

    it("test_nonStreamingProducer (stopConsuming)", async () => {
      const reactor = newReactor();
      const running = runReactor(reactor);
      const [client] = await connectedClientAndServer(reactor);
      const transport = client.transport as StreamTransport;
      const actions: string[] = [];
      const producer = {
        resumeProducing(): void {
          actions.push("resume");
          if (actions.filter((a) => a === "resume").length === 2) transport.stopConsuming();
          else transport.writeSequence(Array.from({ length: 20 }, () => Buffer.alloc(50, "x")));
        },
        stopProducing(): void {
          actions.push("stop");
        },
      };
      transport.registerProducer(producer, false);
      expect(actions).to.deep.equal(["resume"]);
      await running;
      expect(actions).to.deep.equal(["resume", "resume"]);
    });
  });
});
