/**
 * TCP: `listenTCP` and `connectTCP` on `node:net` (Twisted's `twisted.internet.tcp`).
 * @module
 */
import * as net from "node:net";
import type { Reactor } from "../reactor/reactor";
import { ipAddress, IPv4Address, type Address } from "./address";
import { checkBacklog, checkBindAddress, checkFactory, checkOptions, checkPort, checkString, checkTimeout } from "./check";
import { Connector } from "./connector";
import type { ClientFactory } from "./factory";
import type { IProtocolFactory, TCPConnectOptions, TCPListenOptions } from "./interfaces";
import { ListeningPort } from "./listening-port";

/** The addresses of a connected TCP (or TLS-over-TCP) socket. @internal */
export function tcpAddresses(socket: net.Socket): { host: Address; peer: Address } {
  return { host: localAddressOf(socket), peer: remoteAddressOf(socket) };
}

/** This side's address of a connected socket (one getsockname). */
function localAddressOf(socket: net.Socket): Address {
  return ipAddress("TCP", socket.localAddress ?? "", socket.localPort ?? 0, socket.localFamily);
}

/** The other side's address of a connected socket (one getpeername). */
function remoteAddressOf(socket: net.Socket): Address {
  return ipAddress("TCP", socket.remoteAddress ?? "", socket.remotePort ?? 0, socket.remoteFamily);
}

/** The address a TCP server is bound to. @internal */
export function tcpServerHost(server: net.Server): Address {
  const a = server.address() as net.AddressInfo;
  return ipAddress("TCP", a.address, a.port, a.family);
}

/** Checks listenTCP/listenSSL's arguments; returns the interface and backlog. @internal */
export function checkListenTCP(caller: string, port: unknown, factory: unknown, options: TCPListenOptions | undefined): { iface: string; backlog: number } {
  checkPort(caller, port);
  checkFactory(caller, factory, false);
  checkOptions(caller, options);
  const iface = options?.interface ?? "";
  checkString(caller, iface, "options.interface");
  return { iface, backlog: checkBacklog(caller, options?.backlog) };
}

/** Checks connectTCP/connectSSL's arguments. @internal */
export function checkConnectTCP(
  caller: string,
  host: unknown,
  port: unknown,
  factory: unknown,
  options: TCPConnectOptions | undefined,
): { timeout: number | null; bind: [string, number] | null } {
  checkString(caller, host, "host");
  checkPort(caller, port);
  checkFactory(caller, factory, true);
  checkOptions(caller, options);
  return { timeout: checkTimeout(caller, options?.timeout), bind: checkBindAddress(caller, options?.bindAddress) };
}

/** Where a TCP client connects to: IPv6Address for an IPv6 literal, else IPv4Address. @internal */
export function tcpDestination(host: string, port: number): Address {
  // isIPv6 is a long regular expression: most hosts are ruled out by their lack of a colon.
  return host.includes(":") && net.isIPv6(host) ? ipAddress("TCP", host, port, "IPv6") : new IPv4Address("TCP", host, port);
}

/** A dotted-quad IPv4 literal, as the kernel writes it (no leading zeros). */
const IPV4_LITERAL = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * The addresses of a client's connected socket. Connected to an IPv4 literal, the peer is that
 * destination: one getpeername (and its parsing) less per connection. @internal
 */
export function clientAddresses(socket: net.Socket, host: string, port: number): { host: Address; peer: Address } {
  if (!IPV4_LITERAL.test(host)) return tcpAddresses(socket);
  return { host: localAddressOf(socket), peer: new IPv4Address("TCP", host, port) };
}

/** `reactor.listenTCP`: see {@link IReactorTCP}. @internal */
export function listenTCP(reactor: Reactor, port: number, factory: IProtocolFactory, options?: TCPListenOptions): ListeningPort {
  const { iface, backlog } = checkListenTCP("listenTCP", port, factory, options);
  const listening: ListeningPort = new ListeningPort(reactor, factory, {
    interface: iface,
    port,
    event: "connection",
    createServer: () => net.createServer({ allowHalfOpen: true }),
    listen: (server) => server.listen({ port, host: iface === "" ? undefined : iface, backlog }),
    hostOf: tcpServerHost,
    addressesOf: (socket) => acceptedAddresses(listening, socket),
  });
  listening.startListening();
  return listening;
}

/**
 * The addresses of an accepted socket. Bound to one interface, the port's address is this side's
 * address of every connection it accepts: reused, one getsockname less per connection. @internal
 */
export function acceptedAddresses(port: ListeningPort, socket: net.Socket): { host: Address; peer: Address } {
  const host = port.getHost() as IPv4Address;
  if (host.host !== "0.0.0.0" && host.host !== "::") {
    return { host, peer: remoteAddressOf(socket) };
  }
  return tcpAddresses(socket);
}

/**
 * A TCP socket connecting to `host`:`port` (from `bind`'s local address when given), half-open
 * allowed: the transport decides what a peer's FIN means. @internal
 */
export function connectSocket(host: string, port: number, bind: [string, number] | null): net.Socket {
  return net.connect({
    host,
    port,
    allowHalfOpen: true,
    ...(bind !== null ? { localAddress: bind[0], localPort: bind[1] } : {}),
  });
}

/** `reactor.connectTCP`: see {@link IReactorTCP}. @internal */
export function connectTCP(reactor: Reactor, host: string, port: number, factory: ClientFactory, options?: TCPConnectOptions): Connector {
  const { timeout, bind } = checkConnectTCP("connectTCP", host, port, factory, options);
  const connector = new Connector(
    reactor,
    factory,
    {
      event: "connect",
      destination: tcpDestination(host, port),
      connect: () => connectSocket(host, port, bind),
      addressesOf: (socket) => clientAddresses(socket, host, port),
      bindAddress: bind,
    },
    timeout,
  );
  connector.connect();
  return connector;
}
