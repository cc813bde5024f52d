// Run: npx twisted-ts run endpoint-strings.ts tcp:0:interface=127.0.0.1
import { Factory, Protocol, clientFromString, connectProtocol, serverFromString, type IPv4Address } from "twisted-ts/net";
import type { Reactor } from "twisted-ts/reactor";
import { Echo, EchoClient } from "./echo";

/** Where the server listens when the command line does not say: any free port of 127.0.0.1. */
export const DEFAULT_DESCRIPTION = "tcp:0:interface=127.0.0.1";

export async function main(reactor: Reactor, description = DEFAULT_DESCRIPTION): Promise<void> {
  // Where to listen comes from the command line: the code does not change for UNIX or TLS.
  const port = await serverFromString(reactor, description).listen(Factory.forProtocol(Echo));
  const { port: number } = port.getHost() as IPv4Address;

  const endpoint = clientFromString(reactor, `tcp:host=127.0.0.1:port=${number}:timeout=5`);
  const protocol = await connectProtocol(endpoint, new EchoClient());
  await protocol.done;

  // A connection attempt can be given up: cancel its Deferred.
  const attempt = endpoint.connect(Factory.forProtocol(Protocol));
  attempt.cancel();
  try {
    await attempt;
  } catch (e) {
    console.log(`Gave up: ${(e as Error).name}`);
  }
  await port.stopListening();
}
