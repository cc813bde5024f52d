/**
 * TLS: `listenSSL` and `connectSSL` on `node:tls` (Twisted's `twisted.internet.ssl` ports).
 * @module
 */
import * as tls from "node:tls";
import { describeValue } from "../core/validate";
import { msg } from "../log";
import type { Reactor } from "../reactor/reactor";
import { Connector } from "./connector";
import type { ClientFactory } from "./factory";
import type { IProtocolFactory, TCPConnectOptions, TCPListenOptions, TLSOptions } from "./interfaces";
import { ListeningPort } from "./listening-port";
import { clientTLSOptions } from "./tls-options";
import { acceptedAddresses, checkConnectTCP, checkListenTCP, clientAddresses, connectSocket, tcpDestination, tcpServerHost } from "./tcp";

function checkTLS(caller: string, options: unknown): asserts options is TLSOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${caller}: tls must be an object of TLS options, got ${describeValue(options)}`);
  }
}

/** `reactor.listenSSL`: see {@link IReactorSSL}. @internal */
export function listenSSL(
  reactor: Reactor,
  port: number,
  factory: IProtocolFactory,
  tlsOptions: TLSOptions,
  options?: TCPListenOptions,
): ListeningPort {
  const { iface, backlog } = checkListenTCP("listenSSL", port, factory, options);
  checkTLS("listenSSL", tlsOptions);
  const listening: ListeningPort = new ListeningPort(reactor, factory, {
    interface: iface,
    port,
    event: "secureConnection",
    createServer: () => {
      const server = tls.createServer({ ...tlsOptions, allowHalfOpen: true });
      // A client whose handshake failed never had a protocol: the failure is its side's to
      // report; here it is a log line, not an error.
      server.on("tlsClientError", (e: Error, socket: tls.TLSSocket) => {
        msg(`TLS handshake with ${socket.remoteAddress ?? "a client"}:${socket.remotePort ?? ""} failed: ${e.message}`);
      });
      return server;
    },
    listen: (server) => server.listen({ port, host: iface === "" ? undefined : iface, backlog }),
    hostOf: tcpServerHost,
    addressesOf: (socket) => acceptedAddresses(listening, socket),
  });
  listening.startListening();
  return listening;
}

/**
 * `reactor.connectSSL`: see {@link IReactorSSL}. The connection counts as made once the
 * handshake is done and the server's certificate and name are verified; a failed handshake is
 * `clientConnectionFailed` with the TLS error. @internal
 */
export function connectSSL(
  reactor: Reactor,
  host: string,
  port: number,
  factory: ClientFactory,
  tlsOptions: TLSOptions,
  options?: TCPConnectOptions,
): Connector {
  const { timeout, bind } = checkConnectTCP("connectSSL", host, port, factory, options);
  checkTLS("connectSSL", tlsOptions);
  const connector = new Connector(
    reactor,
    factory,
    {
      event: "secureConnect",
      destination: tcpDestination(host, port),
      // TLS over a TCP socket of our own: abortConnection() can reset it.
      connect: () =>
        tls.connect(
          clientTLSOptions(
            tlsOptions,
            host,
            connectSocket(host, port, bind),
          ),
        ),
      addressesOf: (socket) => clientAddresses(socket, host, port),
      bindAddress: bind,
    },
    timeout,
  );
  connector.connect();
  return connector;
}
