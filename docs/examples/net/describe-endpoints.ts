import { clientFromString, serverFromString } from "twisted-ts/net";
import type { Reactor } from "twisted-ts/reactor";

export function main(reactor: Reactor): void {
  // Parsing a description does no I/O: listen() and connect() do.
  for (const description of [
    "tcp:8080",
    "tcp:8080:interface=127.0.0.1:backlog=10",
    "tcp6:8080:interface=\\:\\:1",
    "unix:/var/run/finger:mode=660",
  ]) {
    console.log(`${description} -> ${serverFromString(reactor, description)}`);
  }
  for (const description of ["tcp:example.com:80", "tcp:host=example.com:port=80:timeout=5", "unix:/var/run/finger", "tls:example.com:443"]) {
    console.log(`${description} -> ${clientFromString(reactor, description)}`);
  }
  for (const description of ["tcp:http", "tcp:80:colour=blue", "ftl:andromeda"]) {
    try {
      serverFromString(reactor, description);
    } catch (e) {
      console.log(`${description} -> ${String(e)}`);
    }
  }
}
