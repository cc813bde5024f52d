import type { Reactor } from "twisted-ts/reactor";
import { Deferred } from "twisted-ts/defer";
import { DatagramProtocol, type IPv4Address } from "twisted-ts/net";

const GROUP = "228.0.0.5";
const IFACE = "127.0.0.1"; // the loopback interface: the example stays on this host

/** Joins the group and answers each ping sent to it. */
class MulticastPingPong extends DatagramProtocol {
  override startProtocol(): void {
    this.transport!.setTTL(5); // past the local network, were it not loopback
    void this.transport!.joinGroup(GROUP, IFACE); // a Deferred: fails with MulticastJoinError
  }
  override datagramReceived(data: Buffer, addr: IPv4Address): void {
    console.log(`server received ${JSON.stringify(data.toString())}`);
    if (data.toString() === "Client: Ping") this.transport!.write("Server: Pong", [addr.host, addr.port]);
  }
}

/** Sends a ping to the group and waits for a pong. */
class MulticastPingClient extends DatagramProtocol {
  readonly pong = new Deferred<void>();
  override datagramReceived(data: Buffer): void {
    console.log(`client received ${JSON.stringify(data.toString())}`);
    this.pong.callback(undefined);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  // listenMultiple: several sockets may bind this port, to receive the same groups.
  const server = reactor.listenMulticast(0, new MulticastPingPong(), { listenMultiple: true });
  await server.whenListening(); // bound: startProtocol has joined the group
  const client = new MulticastPingClient();
  const port = reactor.listenMulticast(0, client);
  await port.setOutgoingInterface(IFACE);
  port.write("Client: Ping", [GROUP, server.getHost().port]);
  await client.pong;
}
