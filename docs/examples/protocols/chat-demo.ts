import { IPv4Address } from "twisted-ts/net";
import { AccumulatingProtocol, connect, makeFakeClient, makeFakeServer, type IOPump } from "twisted-ts/testing";
import { ChatFactory, type Chat } from "./chat";

// Two clients talk to one ChatFactory, over in-memory connections (no sockets).
export function main(): void {
  const factory = new ChatFactory();
  factory.noisy = false;
  const join = (): { client: AccumulatingProtocol; pump: IOPump } => {
    const server = factory.buildProtocol(new IPv4Address("TCP", "127.0.0.1", 0)) as Chat;
    const client = new AccumulatingProtocol();
    const pump = connect(server, makeFakeServer(server), client, makeFakeClient(client));
    return { client, pump };
  };
  const alice = join();
  const bob = join();
  alice.client.transport!.write("alice\r\n");
  bob.client.transport!.write("alice\r\nbob\r\n");
  alice.pump.flush();
  bob.pump.flush();
  alice.client.transport!.write("hi bob\r\n");
  alice.pump.flush();
  bob.pump.flush();
  console.log("alice saw:", JSON.stringify(alice.client.data.toString()));
  console.log("bob saw:", JSON.stringify(bob.client.data.toString()));
}
