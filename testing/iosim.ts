/**
 * Two protocols connected in memory, as `twisted.test.iosim`: `FakeTransport`, `IOPump`,
 * `connect`, `connectedServerAndClient`.
 * @module
 */
import { className } from "../core/validate";
import { AssertionError } from "node:assert";
import { bindMethods } from "../core/bind";
import { Failure } from "../core/failure";
import type { Address } from "../net/address";
import { ConnectionDone, ConnectionRefusedError } from "../net/errors";
import type { Data, IConsumer, IProducer, IPushProducer, ITCPTransport } from "../net/interfaces";
import { Protocol } from "../net/protocol";
import { Factory } from "../net/factory";
import { TCP4ClientEndpoint, TCP4ServerEndpoint } from "../net/endpoints";
import { dataToBuffer, sequenceToBuffer } from "./string-transport";
import { MemoryReactorClock, type MemoryReactor } from "./memory-reactor";

/** The address of a FakeTransport's ends (an opaque, unique value, as Twisted's FakeAddress). */
export class FakeAddress {
  /** `FakeAddress()`. */
  toString(): string {
    return "FakeAddress()";
  }
}

let nextSerial = 0;

/**
 * One end of an in-memory connection: what a protocol writes is buffered until an
 * {@link IOPump} moves it to the other end's protocol. `loseConnection()` only marks it
 * `disconnecting`; the pump then tells both protocols (`connectionLost` with
 * `disconnectReason`, ConnectionDone by default).
 */
export class FakeTransport implements ITCPTransport, IConsumer, IPushProducer {
  /** True once this end asked to close. */
  disconnecting = false;
  /** True once the pump has delivered the close. */
  disconnected = false;
  /** The reason given to the protocol's `connectionLost`. */
  disconnectReason: Error = new ConnectionDone("Connection done");
  /** The registered producer, or null. */
  producer: IProducer | null = null;
  /** Whether the registered producer is streaming. */
  streamingProducer = false;
  /** The protocol of this end. */
  readonly protocol: Protocol;
  /** True for the server's end. */
  readonly isServer: boolean;
  /** A number unique to each transport, in creation order. */
  readonly serial: number;
  /** What `getHost()` returns. */
  hostAddress: Address | FakeAddress;
  /** What `getPeer()` returns. */
  peerAddress: Address | FakeAddress;
  /** The data written and not yet pumped. */
  stream: Buffer[] = [];

  constructor(protocol: Protocol, isServer: boolean, hostAddress?: Address | null, peerAddress?: Address | null) {
    this.protocol = protocol;
    this.isServer = isServer;
    this.serial = nextSerial++;
    this.hostAddress = hostAddress ?? new FakeAddress();
    this.peerAddress = peerAddress ?? new FakeAddress();
    for (const name of [
      "write", "writeSequence", "loseConnection", "abortConnection", "loseWriteConnection", "getPeer", "getHost",
      "registerProducer", "unregisterProducer", "stopConsuming", "pauseProducing", "resumeProducing",
      "stopProducing", "getTcpNoDelay", "setTcpNoDelay", "getTcpKeepAlive", "setTcpKeepAlive",
      "reportDisconnect", "logPrefix", "getOutBuffer", "bufferReceived",
    ] as const) {
      (this as Record<string, unknown>)[name] = (this[name] as (...a: unknown[]) => unknown).bind(this);
    }
  }

  /** `FakeTransport<S,0,Echo>`, as Twisted's repr. */
  toString(): string {
    return `FakeTransport<${this.isServer ? "S" : "C"},${this.serial},${className(this.protocol)}>`;
  }

  /** Buffers `data` for the pump (ignored once disconnecting). @throws TypeError for non-data. */
  write(data: Data): void {
    const b = dataToBuffer(data, "FakeTransport.write");
    if (this.disconnecting) return;
    if (b.length > 0) this.stream.push(Buffer.from(b));
  }

  /** `write` of the concatenation. */
  writeSequence(data: Iterable<Data>): void {
    this.write(sequenceToBuffer(data, "FakeTransport.writeSequence"));
  }

  /** Marks this end `disconnecting`; the pump delivers the close. */
  loseConnection(): void {
    this.disconnecting = true;
  }

  /** As `loseConnection` (the close is delivered by the pump). */
  abortConnection(): void {
    this.disconnecting = true;
  }

  /** Does nothing. */
  loseWriteConnection(): void {}

  /** Calls the protocol's `connectionLost` with `disconnectReason` (the pump does). */
  reportDisconnect(): void {
    this.protocol.connected = false;
    this.protocol.connectionLost(new Failure(this.disconnectReason));
  }

  /** `"iosim"`. */
  logPrefix(): string {
    return "iosim";
  }

  /** `peerAddress`. */
  getPeer(): Address {
    return this.peerAddress as Address;
  }

  /** `hostAddress`. */
  getHost(): Address {
    return this.hostAddress as Address;
  }

  /** Registers `producer`; a non-streaming one is asked for data at once and on each pump. */
  registerProducer(producer: IProducer, streaming: boolean): void {
    this.producer = producer;
    this.streamingProducer = streaming;
    if (!streaming) (producer as unknown as { resumeProducing(): void }).resumeProducing();
  }

  /** Forgets the producer. */
  unregisterProducer(): void {
    this.producer = null;
  }

  /** Unregisters the producer and loses the connection. */
  stopConsuming(): void {
    this.unregisterProducer();
    this.loseConnection();
  }

  /** Does nothing. */
  pauseProducing(): void {}
  /** Does nothing. */
  resumeProducing(): void {}
  /** Loses the connection. */
  stopProducing(): void {
    this.loseConnection();
  }

  /** False. */
  getTcpNoDelay(): boolean {
    return false;
  }
  /** Does nothing. */
  setTcpNoDelay(_enabled: boolean): void {}
  /** False. */
  getTcpKeepAlive(): boolean {
    return false;
  }
  /** Does nothing. */
  setTcpKeepAlive(_enabled: boolean): void {}

  /** Asks a non-streaming producer for more (each pump). @internal */
  _checkProducer(): void {
    const producer = this.producer as { resumeProducing?(): void } | null;
    if (producer !== null && !this.streamingProducer) producer.resumeProducing?.();
  }

  /** Takes what was written since the last pump (null when nothing). */
  getOutBuffer(): Buffer | null {
    const s = this.stream;
    if (s.length === 0) return null;
    this.stream = [];
    return s.length === 1 ? s[0] : Buffer.concat(s);
  }

  /** Delivers `buf` to this end's protocol. */
  bufferReceived(buf: Buffer): void {
    this.protocol.dataReceived(buf);
  }
}

/** A FakeTransport for a client protocol. */
export function makeFakeClient(clientProtocol: Protocol): FakeTransport {
  return new FakeTransport(clientProtocol, false);
}

/** A FakeTransport for a server protocol. */
export function makeFakeServer(serverProtocol: Protocol): FakeTransport {
  return new FakeTransport(serverProtocol, true);
}

/**
 * Moves bytes between two FakeTransports. `pump()` moves what each side wrote since the last
 * pump (or delivers a pending close); `flush()` pumps until nothing moves. With a clock, each
 * pump first runs the calls due on it (`advance(0)`).
 */
export class IOPump {
  constructor(
    /** The client protocol. */
    readonly client: Protocol,
    /** The server protocol. */
    readonly server: Protocol,
    /** The client's transport. */
    readonly clientIO: FakeTransport,
    /** The server's transport. */
    readonly serverIO: FakeTransport,
    /** Log each step to the console. */
    readonly debug = false,
    /** A clock advanced by 0 on each pump. */
    readonly clock: MemoryReactorClock | null = null,
  ) {
    this.pump = this.pump.bind(this);
    this.flush = this.flush.bind(this);
  }

  /**
   * Pumps until nothing moves (at most 1000 times).
   * @returns true when anything moved.
   * @throws AssertionError (node:assert) "Too long" when data still moves after 1000 pumps, as
   *   Twisted's `assert 0, "Too long"`.
   */
  flush(debug = false): boolean {
    let result = false;
    for (let i = 0; i < 1000; i++) {
      if (!this.pump(debug)) return result;
      result = true;
    }
    throw new AssertionError({ message: "Too long (IOPump.flush: data still moving after 1000 pumps)", operator: "fail" });
  }

  /**
   * Moves what each side wrote to the other; when nothing was written, delivers one pending
   * close (to both sides' protocols).
   * @returns true when data or a close moved.
   */
  pump(debug = false): boolean {
    const log = this.debug || debug;
    if (this.clock !== null) this.clock.advance(0);
    if (log) console.log("-- GLUG --");
    const sData = this.serverIO.getOutBuffer();
    const cData = this.clientIO.getOutBuffer();
    this.clientIO._checkProducer();
    this.serverIO._checkProducer();
    if (log) {
      console.log(".");
      if (cData !== null) console.log(`C: ${JSON.stringify(cData.toString("latin1"))}`);
      if (sData !== null) console.log(`S: ${JSON.stringify(sData.toString("latin1"))}`);
    }
    if (cData !== null) this.serverIO.bufferReceived(cData);
    if (sData !== null) this.clientIO.bufferReceived(sData);
    if (cData !== null || sData !== null) return true;
    if (this.serverIO.disconnecting && !this.serverIO.disconnected) {
      if (log) console.log("* C");
      this.serverIO.disconnected = true;
      this.clientIO.disconnecting = true;
      this.clientIO.reportDisconnect();
      return true;
    }
    if (this.clientIO.disconnecting && !this.clientIO.disconnected) {
      if (log) console.log("* S");
      this.clientIO.disconnected = true;
      this.serverIO.disconnecting = true;
      this.serverIO.reportDisconnect();
      return true;
    }
    return false;
  }
}

/** Options of `connect` and `connectedServerAndClient`. */
export interface ConnectOptions {
  /** Flush once connected, so greetings are exchanged (default true). */
  greet?: boolean;
  /** Log each pump step (default false). */
  debug?: boolean;
  /** A clock the pump advances by 0 on each pump. */
  clock?: MemoryReactorClock | null;
}

/** Options of `connectedServerAndClient`: those of `connect`, and the transports' factories. */
export interface ConnectedServerAndClientOptions extends ConnectOptions {
  /** Makes the client's transport from the client protocol (default `makeFakeClient`). */
  clientTransportFactory?: (clientProtocol: Protocol) => FakeTransport;
  /** Makes the server's transport from the server protocol (default `makeFakeServer`). */
  serverTransportFactory?: (serverProtocol: Protocol) => FakeTransport;
}

/**
 * Connects `serverProtocol` to `serverTransport` and `clientProtocol` to `clientTransport`
 * (server first), and returns the pump between them, flushed once when `greet`.
 * Twisted's positional form `connect(sp, st, cp, ct, debug, greet)` is accepted too.
 * @throws TypeError for options that are neither an object nor a boolean.
 */
export function connect(
  serverProtocol: Protocol,
  serverTransport: FakeTransport,
  clientProtocol: Protocol,
  clientTransport: FakeTransport,
  options: ConnectOptions | boolean = {},
  greet?: boolean,
): IOPump {
  const opts = positional("connect", options, greet);
  serverProtocol.makeConnection(serverTransport);
  clientProtocol.makeConnection(clientTransport);
  const pump = new IOPump(clientProtocol, serverProtocol, clientTransport, serverTransport, opts.debug ?? false, opts.clock ?? null);
  if (opts.greet ?? true) pump.flush();
  return pump;
}

/** Twisted's positional `(debug, greet)` as options; an options object as is. */
function positional(caller: string, options: ConnectOptions | boolean | undefined, greet: boolean | undefined): ConnectOptions {
  if (options === undefined) return greet === undefined ? {} : { greet };
  if (typeof options === "boolean") return { debug: options, greet: greet ?? true };
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${caller}: options must be an object (or Twisted's debug flag), got ${String(options)}`);
  }
  return options;
}

function make<P>(what: string, maker: (new () => P) | (() => P)): P {
  if (typeof maker !== "function") throw new TypeError(`connectedServerAndClient: ${what} must be a class or a function, got ${String(maker)}`);
  // A class (has a prototype with its own constructor and is not an arrow) is called with new.
  const isClass = /^class[\s{]/.test(Function.prototype.toString.call(maker)) || (maker.prototype !== undefined && Object.getOwnPropertyNames(maker.prototype).length > 1);
  return isClass ? new (maker as new () => P)() : (maker as () => P)();
}

/**
 * What `connectedServerAndClient` returns. It is also iterable as Twisted's tuple
 * `[client, server, pump]` (`const [c, s, pump] = connectedServerAndClient(…)`).
 */
export interface ServerAndClient<S extends Protocol, C extends Protocol> extends Iterable<C | S | IOPump> {
  /** The server protocol. */
  server: S;
  /** The client protocol. */
  client: C;
  /** The pump between them. */
  pump: IOPump;
}

/**
 * A server and a client protocol connected in memory: makes both (the client first; each a
 * class, called with `new`, or a function returning the protocol), connects them over
 * FakeTransports (made by `clientTransportFactory` / `serverTransportFactory`) and returns them
 * with the pump (flushed once unless `greet` is false). Twisted's positional form
 * `(server, client, clientTransportFactory, serverTransportFactory, debug, greet)` is accepted
 * too, and the result destructures as Twisted's tuple: `const [client, server, pump] = …`.
 *
 * @example
 * ```ts
 * const { server, client, pump } = connectedServerAndClient(EchoServer, AccumulatingProtocol);
 * client.transport!.write("hi");
 * pump.flush();
 * expect(client.data.toString()).to.equal("hi");
 * ```
 */
export function connectedServerAndClient<S extends Protocol, C extends Protocol>(
  server: (new () => S) | (() => S),
  client: (new () => C) | (() => C),
  options?: ConnectedServerAndClientOptions | ((clientProtocol: Protocol) => FakeTransport),
  serverTransportFactory?: (serverProtocol: Protocol) => FakeTransport,
  debug?: boolean,
  greet?: boolean,
): ServerAndClient<S, C> {
  let opts: ConnectedServerAndClientOptions;
  if (typeof options === "function" || (options === undefined && (serverTransportFactory ?? debug ?? greet) !== undefined)) {
    opts = { clientTransportFactory: options, serverTransportFactory, debug, greet };
  } else if (options === undefined) {
    opts = {};
  } else if (options === null || typeof options !== "object") {
    throw new TypeError(`connectedServerAndClient: options must be an object, got ${String(options)}`);
  } else {
    opts = options;
  }
  const makeClientTransport = checkTransportFactory("clientTransportFactory", opts.clientTransportFactory) ?? makeFakeClient;
  const makeServerTransport = checkTransportFactory("serverTransportFactory", opts.serverTransportFactory) ?? makeFakeServer;
  const c = make("client", client);
  const s = make("server", server);
  const cio = makeClientTransport(c);
  const sio = makeServerTransport(s);
  const pump = connect(s, sio, c, cio, { debug: opts.debug, greet: opts.greet, clock: opts.clock });
  const result = { server: s, client: c, pump } as ServerAndClient<S, C>;
  // Not enumerable: the object still compares (and prints) as { server, client, pump }.
  Object.defineProperty(result, Symbol.iterator, {
    value: function* (): Generator<C | S | IOPump> {
      yield c;
      yield s;
      yield pump;
    },
  });
  return result;
}

function checkTransportFactory<F>(what: string, f: F | undefined): F | undefined {
  if (f !== undefined && f !== null && typeof f !== "function") {
    throw new TypeError(`connectedServerAndClient: ${what} must be a function, got ${String(f)}`);
  }
  return f ?? undefined;
}

/**
 * Completes the connections a MemoryReactor recorded, as Twisted's iosim.ConnectionCompleter:
 * `succeedOnce()` connects the first client whose port matches a listening server's and returns
 * the pump; `failOnce()` fails the first attempt (`ConnectionRefusedError` by default).
 */
export class ConnectionCompleter {
  readonly #reactor: MemoryReactor;
  readonly #debug: boolean;

  /** @param memoryReactor the reactor whose recorded calls to complete; @param debug the default of `succeedOnce`'s. */
  constructor(memoryReactor: MemoryReactor, debug = false) {
    this.#reactor = memoryReactor;
    this.#debug = debug;
    bindMethods(this, ["succeedOnce", "failOnce"]);
  }

  /** Connects one recorded client to a recorded server on its port; undefined when none matches. */
  succeedOnce(debug = this.#debug): IOPump | undefined {
    const r = this.#reactor;
    for (let i = 0; i < r.tcpClients.length; i++) {
      const clientInfo = r.tcpClients[i];
      for (const serverInfo of r.tcpServers) {
        if (serverInfo[0] !== clientInfo[1]) continue;
        r.tcpClients.splice(i, 1);
        r.connectors.splice(i, 1);
        const clientProtocol = clientInfo[2].buildProtocol(null as unknown as Address) as Protocol;
        const serverProtocol = serverInfo[1].buildProtocol(null as unknown as Address) as Protocol;
        return connect(serverProtocol, makeFakeServer(serverProtocol), clientProtocol, makeFakeClient(clientProtocol), { debug });
      }
    }
    return undefined;
  }

  /** Fails the first recorded connection attempt with `reason`. */
  failOnce(reason: Failure = new Failure(new ConnectionRefusedError())): void {
    const info = this.#reactor.tcpClients.shift();
    const connector = this.#reactor.connectors.shift();
    if (info === undefined || connector === undefined) throw new Error("ConnectionCompleter.failOnce: no connection attempt recorded");
    info[2].clientConnectionFailed(connector, reason);
  }
}

/**
 * A client endpoint whose connections a test completes on demand, as Twisted's
 * `iosim.connectableEndpoint`: a `TCP4ClientEndpoint` to port 4321 of a fresh
 * MemoryReactorClock on which a server endpoint listens (with plain `Protocol`s), and the
 * {@link ConnectionCompleter} that makes its `connect()` Deferreds succeed (`succeedOnce()`,
 * which returns the pump) or fail (`failOnce()`).
 * @param debug log each pump step of the connections completed.
 * @returns `[endpoint, completer]`, as Twisted's tuple.
 * @example
 * ```ts
 * const [endpoint, completer] = connectableEndpoint();
 * const d = endpoint.connect(Factory.forProtocol(MyClient));
 * completer.succeedOnce();
 * const client = successResultOf(d);
 * ```
 */
export function connectableEndpoint(debug = false): [TCP4ClientEndpoint, ConnectionCompleter] {
  const reactor = new MemoryReactorClock();
  const clientEndpoint = new TCP4ClientEndpoint(reactor, "0.0.0.0", 4321);
  const serverEndpoint = new TCP4ServerEndpoint(reactor, 4321);
  serverEndpoint.listen(Factory.forProtocol(Protocol));
  return [clientEndpoint, new ConnectionCompleter(reactor, debug)];
}
