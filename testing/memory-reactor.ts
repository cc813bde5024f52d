/**
 * `MemoryReactor`, `MemoryReactorClock` and `RaisingMemoryReactor`, as `twisted.internet.testing`.
 * @module
 */
import { bindMethods } from "../core/bind";
import type { IDelayedCall, IReactorTime, TriggerId } from "../core/interfaces";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import { succeed } from "../defer/functions";
import { IPv4Address, IPv6Address, UNIXAddress, type Address } from "../net/address";
import type { DatagramProtocol } from "../net/datagram-protocol";
import type { ClientFactory } from "../net/factory";
import type { UDPListenOptions } from "../net/udp";
import type {
  IConnector,
  IListeningPortReady,
  IProtocolFactory,
  IReactorSSL,
  IReactorTCP,
  IReactorUNIX,
  TCPConnectOptions,
  TCPListenOptions,
  TLSOptions,
  UNIXConnectOptions,
  UNIXListenOptions,
} from "../net/interfaces";
import { Clock } from "../task/clock";

/** A port returned by MemoryReactor: `getHost()` works at once; nothing listens. */
export class FakePort implements IListeningPortReady {
  /** False once `stopListening()` was called (true again after `startListening()`). */
  listening = true;
  readonly #address: Address;

  constructor(hostAddress: Address) {
    this.#address = hostAddress;
    bindMethods(this, ["getHost", "stopListening", "startListening", "whenListening"]);
  }

  /** The address given at creation. */
  getHost(): Address {
    return this.#address;
  }

  /** Marks the port stopped; fires at once. */
  stopListening(): Deferred<void> {
    this.listening = false;
    return succeed(undefined);
  }

  /** Marks the port listening again. */
  startListening(): void {
    this.listening = true;
  }

  /** Fires at once with this port. */
  whenListening(): Deferred<IListeningPortReady> {
    return succeed(this as IListeningPortReady);
  }
}

/** A UDP port returned by MemoryReactor.listenUDP: records what is written. */
export class FakeUDPPort extends FakePort {
  /** Each `write(data, addr)` call's arguments. */
  written: Array<[Buffer | Uint8Array | string, [string, number] | undefined]> = [];

  /** Records `data` and `addr`. */
  write = (data: Buffer | Uint8Array | string, addr?: [string, number]): void => {
    this.written.push([data, addr]);
  };
}

/** A connector returned by MemoryReactor's connect methods: records what is asked of it. */
export class FakeConnector implements IConnector {
  /** True once `stopConnecting()` was called. */
  stoppedConnecting = false;
  /** True once `disconnect()` was called. */
  disconnected = false;
  /** How many times `connect()` was called. */
  connectCalls = 0;
  /** "connecting" at first; "disconnected" after stopConnecting/disconnect. */
  state: "disconnected" | "connecting" | "connected" = "connecting";
  readonly #address: Address;

  constructor(address: Address) {
    this.#address = address;
    bindMethods(this, ["stopConnecting", "disconnect", "connect", "getDestination"]);
  }

  /** Records it (`stoppedConnecting`). */
  stopConnecting(): void {
    this.stoppedConnecting = true;
    this.state = "disconnected";
  }

  /** Records it (`disconnected`). */
  disconnect(): void {
    this.disconnected = true;
    this.state = "disconnected";
  }

  /** Records it (`connectCalls`); connects nothing. */
  connect(): void {
    this.connectCalls += 1;
    this.state = "connecting";
  }

  /** The address connected to. */
  getDestination(): Address {
    return this.#address;
  }
}

/** A recorded call: the function and its arguments. */
export type MemoryReactorHook = [(...args: unknown[]) => unknown, unknown[]];

function isIPv6(host: string): boolean {
  return host.includes(":");
}

function checkPort(caller: string, port: unknown): asserts port is number {
  if (typeof port !== "number") throw new TypeError(`${caller}: port must be a number, got ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${caller}: port must be a whole number from 0 to 65535, got ${port}`);
  }
}

function checkFactory(caller: string, factory: unknown): void {
  if (factory === null || typeof factory !== "object" || typeof (factory as IProtocolFactory).buildProtocol !== "function") {
    throw new TypeError(`${caller}: factory must be a protocol factory, got ${describeValue(factory)}`);
  }
}

function checkString(caller: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`${caller}: ${what} must be a string, got ${describeValue(value)}`);
}

/**
 * A reactor that records every listen/connect call instead of doing I/O, for testing code that
 * calls the reactor (as Twisted's): each call is appended to `tcpServers`, `tcpClients`, … as a
 * tuple of its arguments with the defaults filled in; connect calls also call the factory's
 * `startedConnecting` with a {@link FakeConnector} kept in `connectors`, and listen calls return
 * a {@link FakePort} whose `getHost()` works at once. `run()` and `stop()` are synchronous.
 *
 * @example
 * ```ts
 * const reactor = new MemoryReactor();
 * startClient(reactor);                       // calls reactor.connectTCP("example.com", 80, factory)
 * const [host, port, factory] = reactor.tcpClients[0];
 * ```
 */
export class MemoryReactor implements IReactorTCP, IReactorUNIX, IReactorSSL {
  /** True while `run()` runs. */
  running = false;
  /** True once `run()` was called. */
  hasRun = false;
  /** True once `stop()` was called. */
  hasStopped = false;
  /** True once `crash()` was called. */
  hasCrashed = false;
  /** The `callWhenRunning` calls not run yet: [f, args]. */
  whenRunningHooks: MemoryReactorHook[] = [];
  /** The system event triggers: phase → event type → [f, args]. */
  triggers: Record<string, Record<string, MemoryReactorHook[]>> = {};
  /** listenTCP calls: [port, factory, backlog, interface]. */
  tcpServers: Array<[number, IProtocolFactory, number, string]> = [];
  /** connectTCP calls: [host, port, factory, timeout, bindAddress]. */
  tcpClients: Array<[string, number, ClientFactory, number, [string, number] | null]> = [];
  /** listenUNIX calls: [address, factory, backlog, mode, wantPID]. */
  unixServers: Array<[string, IProtocolFactory, number, number, boolean]> = [];
  /** connectUNIX calls: [address, factory, timeout]. */
  unixClients: Array<[string, ClientFactory, number]> = [];
  /** listenSSL calls: [port, factory, tls, backlog, interface]. */
  sslServers: Array<[number, IProtocolFactory, TLSOptions, number, string]> = [];
  /** connectSSL calls: [host, port, factory, tls, timeout, bindAddress]. */
  sslClients: Array<[string, number, ClientFactory, TLSOptions, number, [string, number] | null]> = [];
  /** listenUDP calls: [port, protocol, interface, maxPacketSize]. */
  udpServers: Array<[number, DatagramProtocol, string, number]> = [];
  /** The connectors made by connect calls, in order. */
  connectors: IConnector[] = [];
  /** True once `install()` was called. */
  hasInstalled = false;
  /** What `addReader` added (IReactorFDSet, recorded only: nothing is read). */
  readers = new Set<unknown>();
  /** What `addWriter` added (recorded only). */
  writers = new Set<unknown>();

  constructor() {
    for (const name of [
      "run", "stop", "crash", "callWhenRunning", "addSystemEventTrigger", "removeSystemEventTrigger",
      "fireSystemEvent", "listenTCP", "connectTCP", "listenSSL", "connectSSL", "listenUNIX", "connectUNIX",
      "listenUDP", "install", "addReader", "removeReader", "addWriter", "removeWriter", "getReaders", "getWriters",
      "removeAll",
    ] as const) {
      (this as Record<string, unknown>)[name] = (this[name] as (...a: unknown[]) => unknown).bind(this);
    }
  }

  /** Records that the reactor was installed (`hasInstalled`), as Twisted's fake `install`. */
  install(): void {
    this.hasInstalled = true;
  }

  /** Adds `reader` to `readers` (once however often it is added). */
  addReader(reader: unknown): void {
    this.readers.add(reader);
  }

  /** Removes `reader` from `readers` (nothing when absent). */
  removeReader(reader: unknown): void {
    this.readers.delete(reader);
  }

  /** Adds `writer` to `writers` (once however often it is added). */
  addWriter(writer: unknown): void {
    this.writers.add(writer);
  }

  /** Removes `writer` from `writers` (nothing when absent). */
  removeWriter(writer: unknown): void {
    this.writers.delete(writer);
  }

  /** The readers added and not removed, as an array. */
  getReaders(): unknown[] {
    return [...this.readers];
  }

  /** The writers added and not removed, as an array. */
  getWriters(): unknown[] {
    return [...this.writers];
  }

  /** Forgets every reader and writer. */
  removeAll(): void {
    this.readers.clear();
    this.writers.clear();
  }

  /**
   * Runs synchronously: fires the "startup" triggers and the `callWhenRunning` calls, then
   * `stop()`s, as Twisted's MemoryReactor.
   * @throws Error when already running.
   */
  run(): void {
    if (this.running) throw new Error("MemoryReactor.run: already running");
    this.running = true;
    this.hasRun = true;
    this.fireSystemEvent("startup");
    const hooks = this.whenRunningHooks;
    this.whenRunningHooks = [];
    for (const [f, args] of hooks) f(...args);
    this.stop();
  }

  /** Marks the reactor stopped (synchronously). */
  stop(): void {
    this.running = false;
    this.hasStopped = true;
  }

  /** Marks the reactor crashed. */
  crash(): void {
    this.running = false;
    this.hasCrashed = true;
  }

  /** Records `f(...args)` to run in `run()` (at once when running). */
  callWhenRunning<A extends unknown[]>(f: (...args: A) => unknown, ...args: A): void {
    if (typeof f !== "function") throw new TypeError(`callWhenRunning: f must be a function, got ${describeValue(f)}`);
    if (this.running) f(...args);
    else this.whenRunningHooks.push([f as MemoryReactorHook[0], args]);
  }

  /** Records a trigger in `triggers`; returns a handle for `removeSystemEventTrigger`. */
  addSystemEventTrigger<A extends unknown[]>(
    phase: "before" | "during" | "after",
    eventType: string,
    f: (...args: A) => unknown,
    ...args: A
  ): TriggerId {
    if (phase !== "before" && phase !== "during" && phase !== "after") {
      throw new Error(`addSystemEventTrigger: invalid phase ${JSON.stringify(phase)}`);
    }
    if (typeof f !== "function") throw new TypeError(`addSystemEventTrigger: f must be a function, got ${describeValue(f)}`);
    const hook: MemoryReactorHook = [f as MemoryReactorHook[0], args];
    ((this.triggers[phase] ??= {})[eventType] ??= []).push(hook);
    return { phase, eventType, hook } as TriggerId;
  }

  /** Removes a trigger added by `addSystemEventTrigger`. @throws Error for an unknown handle. */
  removeSystemEventTrigger(id: TriggerId): void {
    const list = this.triggers[id.phase]?.[id.eventType];
    const index = list?.indexOf((id as { hook?: MemoryReactorHook }).hook as MemoryReactorHook) ?? -1;
    if (list === undefined || index < 0) throw new Error("removeSystemEventTrigger: no such trigger");
    list.splice(index, 1);
  }

  /** Runs (and removes) the triggers of `eventType`: before, during, after, synchronously. */
  fireSystemEvent(eventType: string): void {
    for (const phase of ["before", "during", "after"]) {
      const hooks = this.triggers[phase]?.[eventType];
      if (hooks === undefined) continue;
      delete this.triggers[phase][eventType];
      for (const [f, args] of hooks) f(...args);
    }
  }

  /** Records a listenTCP call; the port's host is `0.0.0.0` (or the IPv6 interface given). */
  listenTCP(port: number, factory: IProtocolFactory, options: TCPListenOptions = {}): FakePort {
    checkPort("listenTCP", port);
    checkFactory("listenTCP", factory);
    const iface = options.interface ?? "";
    this.tcpServers.push([port, factory, options.backlog ?? 50, iface]);
    return new FakePort(isIPv6(iface) ? new IPv6Address("TCP", iface, port) : new IPv4Address("TCP", "0.0.0.0", port));
  }

  /** Records a connectTCP call, calls `factory.startedConnecting(connector)`; returns the connector. */
  connectTCP(host: string, port: number, factory: ClientFactory, options: TCPConnectOptions = {}): FakeConnector {
    checkString("connectTCP", "host", host);
    checkPort("connectTCP", port);
    checkFactory("connectTCP", factory);
    this.tcpClients.push([host, port, factory, options.timeout ?? 30, options.bindAddress ?? null]);
    const address = isIPv6(host) ? new IPv6Address("TCP", host, port) : new IPv4Address("TCP", host, port);
    return this.#connector(factory, address);
  }

  #connector(factory: ClientFactory, address: Address): FakeConnector {
    const connector = new FakeConnector(address);
    factory.startedConnecting?.(connector);
    this.connectors.push(connector);
    return connector;
  }

  /** Records a listenSSL call. */
  listenSSL(port: number, factory: IProtocolFactory, tls: TLSOptions, options: TCPListenOptions = {}): FakePort {
    checkPort("listenSSL", port);
    checkFactory("listenSSL", factory);
    this.sslServers.push([port, factory, tls, options.backlog ?? 50, options.interface ?? ""]);
    return new FakePort(new IPv4Address("TCP", "0.0.0.0", port));
  }

  /** Records a connectSSL call, calls `factory.startedConnecting(connector)`. */
  connectSSL(host: string, port: number, factory: ClientFactory, tls: TLSOptions, options: TCPConnectOptions = {}): FakeConnector {
    checkString("connectSSL", "host", host);
    checkPort("connectSSL", port);
    checkFactory("connectSSL", factory);
    this.sslClients.push([host, port, factory, tls, options.timeout ?? 30, options.bindAddress ?? null]);
    return this.#connector(factory, new IPv4Address("TCP", host, port));
  }

  /** Records a listenUNIX call. */
  listenUNIX(address: string, factory: IProtocolFactory, options: UNIXListenOptions = {}): FakePort {
    checkString("listenUNIX", "address", address);
    checkFactory("listenUNIX", factory);
    this.unixServers.push([address, factory, options.backlog ?? 50, options.mode ?? 0o666, options.wantPID ?? false]);
    return new FakePort(new UNIXAddress(address));
  }

  /** Records a connectUNIX call, calls `factory.startedConnecting(connector)`. */
  connectUNIX(address: string, factory: ClientFactory, options: UNIXConnectOptions = {}): FakeConnector {
    checkString("connectUNIX", "address", address);
    checkFactory("connectUNIX", factory);
    this.unixClients.push([address, factory, options.timeout ?? 30]);
    return this.#connector(factory, new UNIXAddress(address));
  }

  /** Records a listenUDP call; the protocol is not started. */
  listenUDP(port: number, protocol: DatagramProtocol, options: UDPListenOptions = {}): FakeUDPPort {
    checkPort("listenUDP", port);
    if (protocol === null || typeof protocol !== "object" || typeof protocol.makeConnection !== "function") {
      throw new TypeError(`listenUDP: protocol must be a DatagramProtocol, got ${describeValue(protocol)}`);
    }
    const iface = options.interface ?? "";
    this.udpServers.push([port, protocol, iface, options.maxPacketSize ?? 8192]);
    return new FakeUDPPort(isIPv6(iface) ? new IPv6Address("UDP", iface, port) : new IPv4Address("UDP", "0.0.0.0", port));
  }
}

/**
 * A MemoryReactor that is also a {@link Clock} (Twisted's MemoryReactorClock): time only
 * moves with `advance`, and `callLater` calls run then.
 */
export class MemoryReactorClock extends MemoryReactor implements IReactorTime {
  /** The clock this reactor's time comes from. */
  readonly clock = new Clock();

  constructor() {
    super();
    for (const name of ["seconds", "callLater", "getDelayedCalls", "advance", "pump", "flow", "advanceToNext", "runUntilIdle"] as const) {
      (this as Record<string, unknown>)[name] = (this[name] as (...a: unknown[]) => unknown).bind(this);
    }
  }

  /** The current time in seconds (starts at 0). */
  get rightNow(): number {
    return this.clock.rightNow;
  }

  /** Sets the clock's time (as Clock.rightNow). */
  set rightNow(value: number) {
    this.clock.rightNow = value;
  }

  /** As Clock.calls (Twisted's): the pending calls in the order they would run. */
  get calls(): IDelayedCall[] {
    return this.clock.getDelayedCalls();
  }

  /** As Clock.seconds. */
  seconds(): number {
    return this.clock.seconds();
  }

  /** As Clock.callLater. */
  callLater<A extends unknown[]>(delay: number, f: (...args: A) => unknown, ...args: A): IDelayedCall {
    return this.clock.callLater(delay, f, ...args);
  }

  /** As Clock.getDelayedCalls. */
  getDelayedCalls(): IDelayedCall[] {
    return this.clock.getDelayedCalls();
  }

  /** As Clock.advance. */
  advance(amount: number): void {
    this.clock.advance(amount);
  }

  /** As Clock.pump. */
  pump(timings: number[]): void {
    this.clock.pump(timings);
  }

  /** As Clock.flow. */
  flow(amount: number): void {
    this.clock.flow(amount);
  }

  /** As Clock.advanceToNext. */
  advanceToNext(): boolean {
    return this.clock.advanceToNext();
  }

  /** As Clock.runUntilIdle. */
  runUntilIdle(limit?: number): number {
    return this.clock.runUntilIdle(limit);
  }
}

/** A reactor whose listen calls throw `listenException` and connect calls `connectException`. */
export class RaisingMemoryReactor implements IReactorTCP, IReactorUNIX, IReactorSSL {
  readonly #listen: unknown;
  readonly #connect: unknown;

  constructor(listenException?: unknown, connectException?: unknown) {
    this.#listen = listenException;
    this.#connect = connectException;
    bindMethods(this, ["listenTCP", "connectTCP", "listenSSL", "connectSSL", "listenUNIX", "connectUNIX"]);
  }

  /** Throws the listen exception. */
  listenTCP(): never {
    throw this.#listen;
  }
  /** Throws the connect exception. */
  connectTCP(): never {
    throw this.#connect;
  }
  /** Throws the listen exception. */
  listenSSL(): never {
    throw this.#listen;
  }
  /** Throws the connect exception. */
  connectSSL(): never {
    throw this.#connect;
  }
  /** Throws the listen exception. */
  listenUNIX(): never {
    throw this.#listen;
  }
  /** Throws the connect exception. */
  connectUNIX(): never {
    throw this.#connect;
  }
}
