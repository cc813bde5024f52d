import assert from "node:assert/strict";
import { IPv4Address } from "twisted-ts/net";
import { AccumulatingProtocol, MemoryReactorClock, StringTransport, connectedServerAndClient } from "twisted-ts/testing";
import { Chat, ChatFactory } from "../protocols/chat";

/** A Chat connected to a StringTransport: what it writes lands in transport.value(). */
function connected(factory: ChatFactory): { proto: Chat; transport: StringTransport } {
  const proto = factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 0)) as Chat;
  const transport = new StringTransport();
  proto.makeConnection(transport);
  return { proto, transport };
}

describe("Chat", () => {
  let factory: ChatFactory;
  beforeEach(() => {
    factory = new ChatFactory();
    factory.noisy = false;
  });

  it("asks for a name, then welcomes (StringTransport)", () => {
    const { proto, transport } = connected(factory);
    assert.equal(transport.value().toString(), "What's your name?\r\n");
    transport.clear();
    proto.dataReceived(Buffer.from("ali"));
    proto.dataReceived(Buffer.from("ce\r\n")); // a line split across reads
    assert.equal(transport.value().toString(), "Welcome, alice!\r\n");
    assert.deepEqual([...factory.users.keys()], ["alice"]);
  });

  it("relays lines between two clients (iosim)", () => {
    const makeServer = (): Chat => factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 0)) as Chat;
    const a = connectedServerAndClient(makeServer, AccumulatingProtocol);
    const b = connectedServerAndClient(makeServer, AccumulatingProtocol);
    a.client.transport!.write("alice\r\n");
    b.client.transport!.write("bob\r\n");
    a.pump.flush();
    b.pump.flush();
    a.client.transport!.write("hello\r\n");
    a.pump.flush();
    b.pump.flush();
    assert.match(b.client.data.toString(), /<alice> hello\r\n$/);
  });

  it("a closed connection leaves the room", () => {
    const { client, pump } = connectedServerAndClient(
      () => factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 0)) as Chat,
      AccumulatingProtocol,
    );
    client.transport!.write("carol\r\n");
    pump.flush();
    client.transport!.loseConnection();
    pump.flush();
    assert.equal(factory.users.size, 0);
    assert.equal(client.closed, 1);
  });

  it("records what a program asks of the reactor (MemoryReactorClock)", () => {
    const reactor = new MemoryReactorClock();
    reactor.listenTCP(6667, factory);
    const [port, recorded, backlog] = reactor.tcpServers[0];
    assert.deepEqual([port, recorded === factory, backlog], [6667, true, 50]);
    let ticks = 0;
    reactor.callLater(60, () => ticks++);
    reactor.advance(60);
    assert.equal(ticks, 1);
  });
});
