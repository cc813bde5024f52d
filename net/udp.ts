/**
 * UDP ports on node:dgram, as `twisted.internet.udp` (Port and MulticastPort): `reactor.listenUDP`
 * and `reactor.listenMulticast`.
 *
 * Binding is asynchronous in Node: the port is returned at once, `startProtocol()` is called
 * (through `protocol.makeConnection`) once it is bound, and `whenListening()` fires then.
 * Datagrams go to `protocol.datagramReceived` straight from the socket's message event.
 * `reactor.stop()` closes every port (see io-shutdown.ts).
 * @module
 */
import * as dgram from "node:dgram";
import { isIP } from "node:net";
import { NamedError } from "../core/named-error";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import { err, msg } from "../log";
import { _enterLogContext, _leaveLogContext } from "../log/context";
import { Reactor } from "../reactor/reactor";
import { installReactorMethod } from "./reactor-method";
import { ipAddress, type IPv4Address, type IPv6Address } from "./address";
import type { DatagramProtocol } from "./datagram-protocol";
import { AlreadyListened, CannotListenError } from "./errors";
import { ValueError } from "./factory";
import type { Data, IListeningPort } from "./interfaces";
import { _registerForShutdown, _unregisterForShutdown } from "./io-shutdown";
import { logPrefixOf } from "./protocol-calls";
import { toBytes } from "./bytes";

/**
 * A host name was given where only an IP address is accepted (`listenUDP`'s interface, `write`,
 * `connect`), or an address of the other family (`write`). A `ValueError`, as Twisted's.
 */
export class InvalidAddressError extends ValueError {
  /** The address that was given. */
  readonly address: string;
  constructor(address: string, message = "not an IPv4 or IPv6 address") {
    super(`Invalid address ${address}: ${message}`);
    this.address = address;
  }
}

/** A datagram longer than the protocol allows (IPv4: 65,507 bytes). */
export class MessageLengthError extends NamedError {
  /** The start of the message (Twisted's `MESSAGE`). */
  static MESSAGE = "Message is too long to send";
  /** @param message - appended as Twisted's: "Message is too long to send: <message>." */
  constructor(message?: string) {
    super(message ? `${MessageLengthError.MESSAGE}: ${message}.` : `${MessageLengthError.MESSAGE}.`);
  }
}

/** Joining (or leaving) a multicast group failed; `cause` is the system error. */
export class MulticastJoinError extends NamedError {}

/** Options of `reactor.listenUDP`. */
export interface UDPListenOptions {
  /**
   * The address to bind (default `""`: every IPv4 interface, as Twisted, which reports
   * `0.0.0.0`; give `"::"` or another IPv6 address for IPv6).
   */
  interface?: string;
  /** The longest datagram delivered; longer ones arrive cut to this size (default 8192). */
  maxPacketSize?: number;
}

/** Options of `reactor.listenMulticast`. */
export interface MulticastListenOptions extends UDPListenOptions {
  /** Let several sockets bind the same port (SO_REUSEADDR), to receive the same groups. */
  listenMultiple?: boolean;
}

/** `reactor.listenUDP` / `listenMulticast` (Twisted's IReactorUDP and IReactorMulticast). */
export interface IReactorUDP {
  /**
   * Binds a UDP port for `protocol` (asynchronously: `protocol.startProtocol()` once bound).
   * @throws TypeError / RangeError for a bad port, protocol or option.
   */
  listenUDP(port: number, protocol: DatagramProtocol, options?: UDPListenOptions): UDPPort;
  /** As `listenUDP`, for a port that joins multicast groups (`joinGroup`). */
  listenMulticast(port: number, protocol: DatagramProtocol, options?: MulticastListenOptions): UDPPort;
}

const DEFAULT_MAX_PACKET_SIZE = 8192;
const MAX_IPV4_DATAGRAM = 65507;
const MAX_IPV6_DATAGRAM = 65527;

function checkPort(caller: string, port: unknown): asserts port is number {
  if (typeof port !== "number") throw new TypeError(`${caller}: port must be a number, got ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${caller}: port must be an integer from 0 to 65535, got ${describeValue(port)}`);
  }
}

/**
 * A UDP port (Twisted's `udp.Port`, with `MulticastPort`'s methods): the transport of a
 * {@link DatagramProtocol}. Created by `reactor.listenUDP` / `listenMulticast`.
 * Every method works when passed as a value.
 */
export class UDPPort implements IListeningPort {
  /** The reactor this port belongs to. */
  readonly reactor: Reactor;
  /** The protocol datagrams are delivered to. */
  readonly protocol: DatagramProtocol;
  /** The port number asked for (0: any free port; `getHost().port` is the one bound). */
  readonly port: number;
  /** The address asked for (`""`: every IPv4 interface). */
  readonly interface: string;
  /** The longest datagram delivered; longer ones arrive cut to this size. */
  readonly maxPacketSize: number;
  /** Whether this port was made by `listenMulticast`. */
  readonly multicast: boolean;
  /** `listenMulticast`'s `listenMultiple`: SO_REUSEADDR. */
  readonly listenMultiple: boolean;
  #socket: dgram.Socket | null = null;
  #bound = false;
  /** The port number bound last (0 before the first bind), for the close message. */
  #realPort = 0;
  /** The protocol was started for the current socket (doStop is owed). */
  #started = false;
  #waiters: Deferred<UDPPort>[] = [];
  #bindError: CannotListenError | null = null;
  #connectedAddr: [string, number] | null = null;
  /** Datagrams written while Node's connect() is under way (null when not connecting). */
  #pendingConnected: Buffer[] | null = null;
  #broadcast = false;
  #ttl = 1;
  #loopback = true;
  #outgoingInterface: string | null = null;
  readonly #maxDatagram: number;

  /** @internal Use `reactor.listenUDP` / `listenMulticast`. */
  constructor(
    reactor: Reactor,
    port: number,
    protocol: DatagramProtocol,
    options: MulticastListenOptions & { multicast?: boolean } = {},
  ) {
    this.reactor = reactor;
    this.port = port;
    this.protocol = protocol;
    this.interface = options.interface ?? "";
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    this.multicast = options.multicast ?? false;
    this.listenMultiple = options.listenMultiple ?? false;
    this.#maxDatagram = isIP(this.interface) === 6 ? MAX_IPV6_DATAGRAM : MAX_IPV4_DATAGRAM;
  }

  /** Binds the socket (again, after `stopListening()`). @throws AlreadyListened when listening. */
  readonly startListening = (): void => {
    if (this.#socket !== null) throw new AlreadyListened("startListening: the port is already listening");
    const v6 = isIP(this.interface) === 6;
    const socket = dgram.createSocket({ type: v6 ? "udp6" : "udp4", reuseAddr: this.listenMultiple });
    this.#socket = socket;
    this.#bound = false;
    this.#bindError = null;
    this.#connectedAddr = null;
    this.#pendingConnected = null;
    _registerForShutdown(this.reactor, this);
    socket.on("error", (e: NodeJS.ErrnoException) => this.#onError(socket, e));
    socket.on("message", (data: Buffer, rinfo: dgram.RemoteInfo) => {
      const datagram = data.length > this.maxPacketSize ? data.subarray(0, this.maxPacketSize) : data;
      // What the protocol logs meanwhile reads as this port's (`[Echo (UDP)] …`), as in Twisted.
      const previous = _enterLogContext(this);
      try {
        this.protocol.datagramReceived(datagram, ipAddress("UDP", rinfo.address, rinfo.port, rinfo.family));
      } catch (e) {
        err(e, `Unhandled error in ${this.#prefix()}.datagramReceived:`);
      } finally {
        _leaveLogContext(previous);
      }
    });
    socket.bind({ port: this.port, address: this.interface || (v6 ? "::" : "0.0.0.0"), exclusive: !this.listenMultiple }, () =>
      this.#onListening(socket),
    );
  };

  #onListening(socket: dgram.Socket): void {
    if (socket !== this.#socket) return;
    this.#bound = true;
    this.#realPort = socket.address().port;
    msg(`${this.#prefix()} starting on ${this.#realPort}`);
    try {
      if (this.#broadcast) socket.setBroadcast(true);
      if (this.multicast) {
        socket.setMulticastTTL(this.#ttl);
        socket.setMulticastLoopback(this.#loopback);
        if (this.#outgoingInterface !== null) socket.setMulticastInterface(this.#outgoingInterface);
      }
    } catch (e) {
      err(e, "Could not set the options of a UDP port:");
    }
    this.#started = true;
    try {
      this.protocol.makeConnection(this);
    } catch (e) {
      err(e, `Unhandled error in ${this.#prefix()}.startProtocol:`);
    }
    for (const d of this.#waiters.splice(0)) d.callback(this);
  }

  #onError(socket: dgram.Socket, e: NodeJS.ErrnoException): void {
    if (socket !== this.#socket) return;
    if (!this.#bound) {
      // The bind failed: the socket is unusable.
      const failure = new CannotListenError(this.interface, this.port, e);
      this.#bindError = failure;
      this.#socket = null;
      _unregisterForShutdown(this.reactor, this);
      socket.close();
      const waiters = this.#waiters.splice(0);
      if (waiters.length === 0) err(failure, `Couldn't listen on ${this.interface || "any"}:${this.port}:`);
      for (const d of waiters) d.errback(failure);
      return;
    }
    if (e.code === "ECONNREFUSED") {
      // An ICMP "port unreachable" for an earlier datagram: only a connected port hears of it.
      if (this.#connectedAddr !== null) this.#callRefused();
      return;
    }
    err(e, `Error on UDP port ${String(this)}:`);
  }

  #callRefused(): void {
    const previous = _enterLogContext(this);
    try {
      this.protocol.connectionRefused();
    } catch (e) {
      err(e, `Unhandled error in ${this.#prefix()}.connectionRefused:`);
    } finally {
      _leaveLogContext(previous);
    }
  }

  /**
   * Fires with this port once it is bound (at once if it is), fails with `CannotListenError`
   * when binding failed.
   */
  readonly whenListening = (): Deferred<UDPPort> => {
    const d = new Deferred<UDPPort>();
    if (this.#bound) d.callback(this);
    else if (this.#bindError !== null) d.errback(this.#bindError);
    else this.#waiters.push(d);
    return d;
  };

  /**
   * The bound address (`IPv4Address("UDP", "0.0.0.0", port)` for the default interface).
   * @throws Error before the port is bound: wait for `whenListening()`.
   */
  readonly getHost = (): IPv4Address | IPv6Address => {
    if (!this.#bound || this.#socket === null) {
      throw new Error("getHost: the UDP port is not bound (yet): wait for whenListening()");
    }
    const a = this.#socket.address();
    return ipAddress("UDP", a.address, a.port, a.family);
  };

  /** The node:dgram socket (null when not listening). */
  readonly getHandle = (): dgram.Socket | null => this.#socket;

  /**
   * Sends one datagram to `addr` (`[ip, port]`), or to the connected address. Ignored when the
   * port is not listening. A refusal on a connected port comes back as `connectionRefused()`.
   * @throws TypeError when `addr` is missing on an unconnected port (or given a different one on
   *   a connected port); InvalidAddressError for a host name; MessageLengthError for a datagram
   *   too long for UDP.
   */
  readonly write = (data: Data, addr?: [string, number]): void => {
    const buf = toBytes(data, "write: data");
    const socket = this.#socket;
    if (this.#connectedAddr !== null) {
      if (addr !== undefined && (addr[0] !== this.#connectedAddr[0] || addr[1] !== this.#connectedAddr[1])) {
        throw new TypeError(`write: the port is connected to ${this.#connectedAddr.join(":")}; addr must be omitted`);
      }
      if (socket === null) return;
      this.#checkLength(buf);
      // Node connects asynchronously: until it has, the datagrams wait here.
      if (this.#pendingConnected !== null) this.#pendingConnected.push(buf);
      else socket.send(buf, this.#onSent);
      return;
    }
    if (!Array.isArray(addr) || addr.length !== 2) {
      throw new TypeError(`write: addr must be a [host, port] pair on an unconnected port, got ${describeValue(addr)}`);
    }
    let [host] = addr;
    const port = addr[1];
    // Twisted's checks, in its order: "<broadcast>" is 255.255.255.255; the family must match the port's.
    const family = host === "<broadcast>" ? 4 : typeof host === "string" ? isIP(host) : 0;
    if (family === 0) {
      throw new InvalidAddressError(String(host), "write() only accepts IP addresses, not hostnames");
    }
    const v6Port = isIP(this.interface) === 6;
    if (family === 4 && v6Port) {
      throw new InvalidAddressError(host, "IPv6 port write() called with IPv4 or broadcast address");
    }
    if (family === 6 && !v6Port) throw new InvalidAddressError(host, "IPv4 port write() called with IPv6 address");
    if (host === "<broadcast>") host = "255.255.255.255";
    checkPort("write", port);
    if (socket === null) return;
    this.#checkLength(buf);
    // No callback: a failed send is an 'error' event on the socket (#onError), as Node does.
    socket.send(buf, port, host);
  };

  /** Sends each item as a datagram of their concatenation (Twisted's `writeSequence`). */
  readonly writeSequence = (seq: Iterable<Data>, addr?: [string, number]): void => {
    this.write(Buffer.concat([...seq].map((d) => toBytes(d, "writeSequence: data"))), addr);
  };

  #checkLength(buf: Buffer): void {
    const limit = this.#maxDatagram;
    if (buf.length > limit) throw new MessageLengthError(`${buf.length} bytes (at most ${limit})`);
  }

  readonly #onSent = (e: Error | null): void => {
    if (e === null) return;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ECONNREFUSED") {
      if (this.#connectedAddr !== null) this.#callRefused();
      return;
    }
    // A socket closed while sends were queued: what was queued is dropped, as after a close.
    if (code === "ERR_SOCKET_DGRAM_NOT_RUNNING") return;
    err(e, `Error sending a datagram on ${String(this)}:`);
  };

  /**
   * Connects the port to `host` (an IP address) and `port`: `write(data)` then needs no address,
   * only datagrams from there are received, and refusals are reported to `connectionRefused()`.
   * @throws Error when already connected; InvalidAddressError for a host name.
   */
  readonly connect = (host: string, port: number): void => {
    if (this.#connectedAddr !== null) {
      throw new Error("connect: already connected, reconnecting is not currently supported");
    }
    if (typeof host !== "string" || isIP(host) === 0) throw new InvalidAddressError(String(host));
    checkPort("connect", port);
    this.#connectedAddr = [host, port];
    const socket = this.#socket;
    if (socket === null) return;
    this.#pendingConnected = [];
    socket.connect(port, host, (e?: Error) => {
      const pending = this.#pendingConnected ?? [];
      this.#pendingConnected = null;
      if (e) {
        err(e, `Could not connect ${String(this)} to ${host}:${port}:`);
        return;
      }
      if (socket !== this.#socket) return;
      for (const buf of pending) socket.send(buf, this.#onSent);
    });
  };

  /**
   * Stops listening: the protocol's `doStop()` (`stopProtocol()`) runs and the socket closes;
   * the Deferred fires once it is closed. Fires at once when not listening.
   */
  readonly stopListening = (): Deferred<void> => this.#stop(false);

  /** Stops listening; `forShutdown`: the reactor is stopping (see the close message). */
  #stop(forShutdown: boolean): Deferred<void> {
    const d = new Deferred<void>();
    const socket = this.#socket;
    if (socket === null) {
      d.callback(undefined);
      return d;
    }
    this.#socket = null;
    this.#bound = false;
    this.#connectedAddr = null;
    this.#pendingConnected = null;
    _unregisterForShutdown(this.reactor, this);
    const waiters = this.#waiters.splice(0);
    if (waiters.length > 0) {
      const failure = new CannotListenError(this.interface, this.port, new Error("stopListening() was called before the port was bound"));
      for (const w of waiters) w.errback(failure);
    }
    if (this.#started) {
      this.#started = false;
      // As Twisted 22.4 logs it, the protocol's "Stopping protocol" too: under the port's prefix
      // when the reactor's shutdown closes it (`[Echo (UDP)] (UDP Port 9999 Closed)`), with none
      // ("-") after stopListening() (its connectionLost runs from a callLater).
      const previous = _enterLogContext(forShutdown ? this : null);
      try {
        msg(`(UDP Port ${this.#realPort} Closed)`);
        this.protocol.doStop();
      } catch (e) {
        err(e, `Unhandled error in ${this.#prefix()}.stopProtocol:`);
      } finally {
        _leaveLogContext(previous);
      }
    }
    socket.close(() => d.callback(undefined));
    return d;
  }

  /** The same as `stopListening()`. */
  readonly loseConnection = (): Deferred<void> => this.stopListening();

  /** @internal Called by reactor.stop(). */
  closeForShutdown(): Deferred<void> {
    return this.#stop(true);
  }

  /** Allows (or forbids) sending to broadcast addresses (SO_BROADCAST). */
  readonly setBroadcastAllowed = (enabled: boolean): void => {
    this.#broadcast = Boolean(enabled);
    if (this.#bound) this.#socket?.setBroadcast(this.#broadcast);
  };

  /** Whether sending to broadcast addresses is allowed. */
  readonly getBroadcastAllowed = (): boolean => this.#broadcast;

  /**
   * Joins the multicast group `addr`, on the interface `iface` (an address; default: any).
   * Fails with `MulticastJoinError` when the system refuses.
   */
  readonly joinGroup = (addr: string, iface = ""): Deferred<void> => this.#membership("addMembership", addr, iface);

  /** Leaves the multicast group `addr`. Fails with `MulticastJoinError` when not a member. */
  readonly leaveGroup = (addr: string, iface = ""): Deferred<void> => this.#membership("dropMembership", addr, iface);

  #membership(op: "addMembership" | "dropMembership", addr: string, iface: string): Deferred<void> {
    const caller = op === "addMembership" ? "joinGroup" : "leaveGroup";
    if (typeof addr !== "string") throw new TypeError(`${caller}: addr must be a string, got ${describeValue(addr)}`);
    return this.whenListening().addCallback(() => {
      const socket = this.#socket;
      if (socket === null) throw new MulticastJoinError(`${caller}: the port is not listening`);
      try {
        if (iface) socket[op](addr, iface);
        else socket[op](addr);
      } catch (e) {
        throw new MulticastJoinError(`${caller}: ${addr}${iface ? ` on ${iface}` : ""}: ${(e as Error).message}`, { cause: e });
      }
      return undefined;
    });
  }

  /** Sets the time-to-live of outgoing multicast datagrams (0 to 255; default 1). */
  readonly setTTL = (ttl: number): void => {
    if (typeof ttl !== "number") throw new TypeError(`setTTL: ttl must be a number, got ${describeValue(ttl)}`);
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 255) {
      throw new RangeError(`setTTL: ttl must be an integer from 0 to 255, got ${describeValue(ttl)}`);
    }
    this.#ttl = ttl;
    if (this.#bound) this.#socket?.setMulticastTTL(ttl);
  };

  /** The time-to-live of outgoing multicast datagrams. */
  readonly getTTL = (): number => this.#ttl;

  /** Whether this host's own multicast datagrams are received back (default true). */
  readonly setLoopbackMode = (enabled: boolean | number): void => {
    this.#loopback = Boolean(enabled);
    if (this.#bound) this.#socket?.setMulticastLoopback(this.#loopback);
  };

  /** Whether this host's own multicast datagrams are received back. */
  readonly getLoopbackMode = (): boolean => this.#loopback;

  /** Sends multicast datagrams through the interface of address `addr`. Fires once set. */
  readonly setOutgoingInterface = (addr: string): Deferred<void> => {
    if (typeof addr !== "string" || isIP(addr) === 0) throw new InvalidAddressError(String(addr));
    this.#outgoingInterface = addr;
    return this.whenListening().addCallback(() => {
      this.#socket?.setMulticastInterface(addr);
      return undefined;
    });
  };

  /** The address of the interface multicast datagrams go out on (`"0.0.0.0"`: the default). */
  readonly getOutgoingInterface = (): string => this.#outgoingInterface ?? "0.0.0.0";

  #prefix(): string {
    return logPrefixOf(this.protocol);
  }

  /** The prefix to log with for this port: `Echo (UDP)` (Twisted's `udp.Port.logPrefix`). */
  readonly logPrefix = (): string => `${this.#prefix()} (UDP)`;

  /** `<Echo on 9999>`, as Twisted's repr. */
  toString(): string {
    let port: number = this.port;
    if (this.#bound && this.#socket !== null) port = this.#socket.address().port;
    return `<${this.#prefix()} on ${port}>`;
  }
}

function checkProtocol(caller: string, protocol: unknown): asserts protocol is DatagramProtocol {
  const p = protocol as Partial<DatagramProtocol> | null;
  if (typeof p !== "object" || p === null || typeof p.makeConnection !== "function" || typeof p.datagramReceived !== "function") {
    throw new TypeError(`${caller}: protocol must be a DatagramProtocol, got ${describeValue(protocol)}`);
  }
}

function checkOptions(caller: string, options: MulticastListenOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${caller}: options must be an object, got ${describeValue(options)}`);
  }
  const iface = options.interface;
  if (iface !== undefined && typeof iface !== "string") {
    throw new TypeError(`${caller}: interface must be an IP address or "", got ${describeValue(iface)}`);
  }
  // A host name: Twisted's InvalidAddressError (a ValueError), raised by the call.
  if (iface !== undefined && iface !== "" && isIP(iface) === 0) throw new InvalidAddressError(iface, "not an IPv4 or IPv6 address.");
  const size = options.maxPacketSize;
  if (size !== undefined && (typeof size !== "number" || !Number.isInteger(size) || size < 1)) {
    throw new RangeError(`${caller}: maxPacketSize must be a positive integer, got ${describeValue(size)}`);
  }
}

declare module "../reactor/reactor" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge adds the methods
  interface Reactor extends IReactorUDP {}
}

installReactorMethod("listenUDP", function listenUDP(this: Reactor, port: number, protocol: DatagramProtocol, options?: UDPListenOptions): UDPPort {
  checkPort("listenUDP", port);
  checkProtocol("listenUDP", protocol);
  checkOptions("listenUDP", options);
  const p = new UDPPort(this, port, protocol, { interface: options?.interface, maxPacketSize: options?.maxPacketSize });
  p.startListening();
  return p;
});

installReactorMethod("listenMulticast", function listenMulticast(
  this: Reactor,
  port: number,
  protocol: DatagramProtocol,
  options?: MulticastListenOptions,
): UDPPort {
  checkPort("listenMulticast", port);
  checkProtocol("listenMulticast", protocol);
  checkOptions("listenMulticast", options);
  const p = new UDPPort(this, port, protocol, { ...options, multicast: true });
  p.startListening();
  return p;
});
