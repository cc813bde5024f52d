import { Deferred } from "twisted-ts/defer";
import {
  Factory,
  Protocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  connectProtocol,
  type IPv4Address,
} from "twisted-ts/net";
import type { Reactor } from "twisted-ts/reactor";

/** The server's protocol: sends back whatever it receives. */
export class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

/** The client's protocol: says hello, prints the echo, hangs up. */
export class EchoClient extends Protocol {
  /** Fires once the connection is closed. */
  readonly done = new Deferred<void>();

  override connectionMade(): void {
    this.transport!.write("Hello, world!");
  }

  override dataReceived(data: Buffer): void {
    console.log(`Server said: ${data.toString()}`);
    this.transport!.loseConnection();
  }

  override connectionLost(): void {
    console.log("Connection lost.");
    this.done.callback(undefined);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  // Port 0: the system picks a free port; getHost() says which.
  const server = new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" });
  const port = await server.listen(Factory.forProtocol(Echo));
  const { port: number } = port.getHost() as IPv4Address;

  const client = new TCP4ClientEndpoint(reactor, "127.0.0.1", number);
  const protocol = await connectProtocol(client, new EchoClient());
  await protocol.done;
  await port.stopListening();
}
