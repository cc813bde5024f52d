import type { Reactor } from "twisted-ts/reactor";
import { Deferred } from "twisted-ts/defer";
import { DatagramProtocol, type IPv4Address } from "twisted-ts/net";

/** Sends every datagram back where it came from. */
class Echo extends DatagramProtocol {
  override datagramReceived(data: Buffer, addr: IPv4Address): void {
    console.log(`server received ${JSON.stringify(data.toString())}`);
    this.transport!.write(data, [addr.host, addr.port]);
  }
}

/** Sends three words to the server, each once the previous one came back; then fires `done`. */
class Client extends DatagramProtocol {
  readonly done = new Deferred<void>();
  readonly #words = ["one", "two", "three"];
  readonly #server: [string, number];
  constructor(serverPort: number) {
    super();
    this.#server = ["127.0.0.1", serverPort];
  }
  override startProtocol(): void {
    this.transport!.write(this.#words.shift()!, this.#server);
  }
  override datagramReceived(data: Buffer): void {
    console.log(`client received ${JSON.stringify(data.toString())}`);
    const next = this.#words.shift();
    if (next === undefined) this.done.callback(undefined);
    else this.transport!.write(next, this.#server);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  // Binding is asynchronous: whenListening() fires once the port is bound.
  const server = await reactor.listenUDP(0, new Echo(), { interface: "127.0.0.1" }).whenListening();
  const client = new Client(server.getHost().port);
  reactor.listenUDP(0, client, { interface: "127.0.0.1" });
  await client.done;
  // react stops the reactor, which closes both ports.
}
