import type { Reactor } from "twisted-ts/reactor";
import { Deferred } from "twisted-ts/defer";
import { DatagramProtocol } from "twisted-ts/net";

/** A connected UDP client: it talks to one address, and hears when nobody listens there. */
class Helloer extends DatagramProtocol {
  readonly refused = new Deferred<void>();
  constructor(private readonly port: number) {
    super();
  }
  override startProtocol(): void {
    this.transport!.connect("127.0.0.1", this.port);
    console.log(`now we can only send to 127.0.0.1:${this.port === 0 ? "?" : "the closed port"}`);
    this.transport!.write("hello"); // no address needed
  }
  override connectionRefused(): void {
    console.log("no one listening");
    if (!this.refused.called) this.refused.callback(undefined);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  // A port that was bound and closed again: nothing listens there now.
  const probe = await reactor.listenUDP(0, new DatagramProtocol(), { interface: "127.0.0.1" }).whenListening();
  const closedPort = probe.getHost().port;
  await probe.stopListening();

  const helloer = new Helloer(closedPort);
  const port = reactor.listenUDP(0, helloer, { interface: "127.0.0.1" });
  // The refusal comes back as an error on the socket: another datagram makes it surface.
  const retry = setInterval(() => port.write("hello again"), 50);
  await helloer.refused;
  clearInterval(retry);
}
