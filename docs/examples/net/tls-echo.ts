import { generate } from "selfsigned";
import {
  Factory,
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  connectProtocol,
  type IPv4Address,
} from "twisted-ts/net";
import type { Reactor } from "twisted-ts/reactor";
import { Echo, EchoClient } from "./echo";

/** A self-signed certificate for "localhost", made now: `key` and `cert` in PEM. */
export async function makeCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

export async function main(reactor: Reactor): Promise<void> {
  const { key, cert } = await makeCertificate();

  // The server presents the certificate…
  const server = new SSL4ServerEndpoint(reactor, 0, { key, cert }, { interface: "127.0.0.1" });
  const port = await server.listen(Factory.forProtocol(Echo));
  const { port: number } = port.getHost() as IPv4Address;

  // …and the client trusts it (as its only CA) for the name "localhost".
  const client = new SSL4ClientEndpoint(reactor, "127.0.0.1", number, { ca: [cert], hostname: "localhost" });
  const protocol = await connectProtocol(client, new EchoClient());
  await protocol.done;
  await port.stopListening();
}
