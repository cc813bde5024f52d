/**
 * Twisted's connectionmixins (twisted/internet/test/connectionmixins.py) for the ported tests:
 * ConnectableProtocol, the endpoint creators for TCP and UNIX, and runProtocolsWithReactor, which
 * connects one server protocol to one client protocol and runs a new reactor until both are lost.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Failure } from "../../../core/failure";
import { Deferred, gatherResults } from "../../../defer";
import { err } from "../../../log";
import {
  ClientFactory,
  ServerFactory,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  type Address,
  type IPv4Address,
  type IStreamClientEndpoint,
  type IStreamServerEndpoint,
  type UNIXAddress,
  Protocol,
} from "../../../net";
import type { Reactor } from "../../../reactor";
import { newReactor, runReactor } from "../../helpers/reactor";

/** Twisted's ConnectableProtocol: the reactor, the other side, and the reason it was lost. */
export class ConnectableProtocol extends Protocol {
  reactor!: Reactor;
  otherProtocol: ConnectableProtocol | null = null;
  disconnectReason: Failure | null = null;
  _done: Deferred<void> | null = null;
  _setAttributes(reactor: Reactor, done: Deferred<void>): void {
    this.reactor = reactor;
    this._done = done;
  }
  override connectionLost(reason: Failure): void {
    this.disconnectReason = reason;
    const done = this._done!;
    this._done = null;
    done.callback(undefined);
  }
}

/** Twisted's EndpointCreator: a server endpoint, and a client endpoint to the address it bound. */
export interface EndpointCreator {
  server(reactor: Reactor): IStreamServerEndpoint;
  client(reactor: Reactor, address: Address): IStreamClientEndpoint;
  /** Removes what the creator made (a temporary directory). */
  cleanup(): void;
}

/** Twisted's TCPCreator: 127.0.0.1, port 0. */
export function tcpCreator(): EndpointCreator {
  return {
    server: (reactor) => new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }),
    client: (reactor, address) => new TCP4ClientEndpoint(reactor, "127.0.0.1", (address as IPv4Address).port),
    cleanup: () => undefined,
  };
}

/** Twisted's UNIXCreator: a socket in a new temporary directory. */
export function unixCreator(): EndpointCreator {
  const dir = mkdtempSync(join(tmpdir(), "tts-ports-unix-"));
  return {
    server: (reactor) => new UNIXServerEndpoint(reactor, join(dir, "sock")),
    client: (reactor, address) => new UNIXClientEndpoint(reactor, (address as UNIXAddress).name!),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Twisted's _SingleProtocolFactory: builds the one protocol it was given. */
class SingleProtocolFactory extends ClientFactory {
  constructor(readonly single: Protocol) {
    super();
  }
  override buildProtocol(): Protocol {
    return this.single;
  }
}

/**
 * Twisted's runProtocolsWithReactor: a new reactor, `server` listening through the creator's
 * server endpoint, `client` connected to it; the reactor stops once both were lost.
 */
export async function runProtocolsWithReactor(
  server: ConnectableProtocol,
  client: ConnectableProtocol,
  creator: EndpointCreator = tcpCreator(),
  timeoutSeconds = 5,
): Promise<Reactor> {
  const reactor = newReactor();
  server._setAttributes(reactor, new Deferred<void>());
  client._setAttributes(reactor, new Deferred<void>());
  const disconnected = gatherResults([server._done!, client._done!]);
  const d = creator
    .server(reactor)
    .listen(new SingleProtocolFactory(server) as ServerFactory)
    .addCallback((p) => creator.client(reactor, p.getHost()).connect(new SingleProtocolFactory(client)))
    .addCallback(() => disconnected)
    .addErrback((f: Failure) => err(f, "Connection setup failed."));
  d.addCallback(() => reactor.stop());
  try {
    await runReactor(reactor, timeoutSeconds);
  } finally {
    creator.cleanup();
  }
  return reactor;
}
