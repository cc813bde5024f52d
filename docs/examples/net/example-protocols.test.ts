import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { Failure } from "twisted-ts/defer";
import { ConnectionRefusedError, IPv4Address, serverFromString, type IConnector, type ITransport } from "twisted-ts/net";
import { reactor } from "twisted-ts/reactor";
import { Clock } from "twisted-ts/task";
import { ChatFactory } from "./chat";
import { Echo } from "./echo";
import { DEFAULT_DESCRIPTION } from "./endpoint-strings";
import { QOTD, QOTDFactory } from "./qotd";
import { EchoClientFactory } from "./reconnecting-client";
import { makeCertificate } from "./tls-echo";

/** A transport that keeps what is written, for testing a protocol without a network. */
class RecordingTransport implements ITransport {
  written = "";
  closed = false;
  write = (data: Buffer | Uint8Array | string): void => {
    this.written += Buffer.from(data).toString();
  };
  writeSequence = (data: Iterable<Buffer | Uint8Array | string>): void => {
    for (const d of data) this.write(d);
  };
  loseConnection = (): void => {
    this.closed = true;
  };
  getPeer = () => new IPv4Address("TCP", "127.0.0.1", 5678);
  getHost = () => new IPv4Address("TCP", "127.0.0.1", 1234);
}

const ADDR = new IPv4Address("TCP", "127.0.0.1", 5678);

describe("the protocols of the networking examples", () => {
  it("Echo sends back what it receives", () => {
    const transport = new RecordingTransport();
    const echo = new Echo();
    echo.makeConnection(transport);
    echo.dataReceived(Buffer.from("ping"));
    assert.equal(transport.written, "ping");
  });

  it("QOTD sends the factory's quote and hangs up", () => {
    const transport = new RecordingTransport();
    const qotd = new QOTDFactory("a quote").buildProtocol(ADDR) as QOTD;
    qotd.makeConnection(transport);
    assert.equal(transport.written, "a quote\r\n");
    assert.equal(transport.closed, true);
  });

  it("Chat asks for a free name, then relays to the other users", () => {
    const factory = new ChatFactory();
    const [a, b] = [new RecordingTransport(), new RecordingTransport()];
    const alice = factory.buildProtocol(ADDR);
    const bob = factory.buildProtocol(ADDR);
    alice.makeConnection(a);
    bob.makeConnection(b);
    alice.dataReceived(Buffer.from("alice\r\n"));
    bob.dataReceived(Buffer.from("alice\r\nbob\r\nhi al"));
    bob.dataReceived(Buffer.from("ice\r\n")); // a line may arrive in pieces
    assert.equal(a.written, "What's your name?\r\nWelcome, alice!\r\n<bob> hi alice\r\n");
    assert.equal(b.written, "What's your name?\r\nName taken, please choose another.\r\nWelcome, bob!\r\n");
    assert.deepEqual([...factory.users.keys()], ["alice", "bob"]);
  });

  it("EchoClientFactory tries again 0.1 s after a failed attempt", () => {
    const clock = new Clock();
    let attempts = 0;
    const connector = {
      connect: () => attempts++,
      disconnect: () => {},
      stopConnecting: () => {},
      getDestination: () => ADDR,
      state: "disconnected",
    } as IConnector;
    const factory = new EchoClientFactory();
    factory.noisy = false;
    factory.clock = clock;
    factory.initialDelay = factory.delay = factory.maxDelay = 0.1;
    factory.jitter = 0;
    factory.clientConnectionFailed(connector, new Failure(new ConnectionRefusedError()));
    clock.advance(0.05);
    assert.equal(attempts, 0);
    clock.advance(0.05);
    assert.equal(attempts, 1);
  });

  it("the endpoint-strings example listens on any free port of 127.0.0.1 by default", () => {
    assert.equal(String(serverFromString(reactor, DEFAULT_DESCRIPTION)), "TCP4ServerEndpoint(127.0.0.1:0)");
  });

  it("makeCertificate makes a certificate for localhost", async () => {
    const { key, cert } = await makeCertificate();
    assert.match(key, /-----BEGIN PRIVATE KEY-----/);
    assert.equal(new X509Certificate(cert).checkHost("localhost"), "localhost");
  }).timeout(20_000);
});
