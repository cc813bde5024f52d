/**
 * Loopback connections between a server and a client protocol instance, as
 * `twisted.protocols.loopback`: `loopbackAsync` in memory (bytes move on later turns of the
 * reactor, never inside a `write`), `loopbackTCP` / `loopbackUNIX` over real sockets. Each gives
 * a Deferred that fires once the connection is closed and both protocols were told.
 * @module
 */
import * as os from "node:os";
import * as path from "node:path";
import { Failure } from "../core/failure";
import type { IReactorTime } from "../core/interfaces";
import { checkCallable, className } from "../core/validate";
import { repr } from "../log";
import { Deferred } from "../defer/deferred";
import { succeed } from "../defer/functions";
import { reactor as globalReactor } from "../reactor";
import type { Reactor } from "../reactor/reactor";
import { deferLater } from "../task/defer-later";
import type { Address, IPv4Address } from "../net/address";
import type { ListeningPort } from "../net/listening-port";
import { ConnectionDone } from "../net/errors";
import { ClientFactory, Factory } from "../net/factory";
import type { Data, IConsumer, IProducer, IProtocol, IPullProducer, ITransport } from "../net/interfaces";
import type { Protocol } from "../net/protocol";
import { ProtocolWrapper, WrappingFactory } from "../protocols/protocol-wrapper";
import { FakeAddress } from "./iosim";
import { dataToBuffer, sequenceToBuffer } from "./string-transport";

/**
 * What one side wrote and the other has not received yet; `get()` gives the next chunk, or null
 * where that side closed the connection. Passed to a pump policy.
 */
export class LoopbackQueue {
  readonly #items: Array<Buffer | null> = [];
  /** The writing side closed the connection (a null is queued). */
  disconnect = false;
  /** @internal Fired (and cleared) by the next put. */
  _notify: (() => void) | null = null;

  /** Queues a chunk, or null for the close. */
  put(v: Buffer | null): void {
    this.#items.push(v);
    const notify = this._notify;
    if (notify !== null) {
      this._notify = null;
      notify();
    }
  }

  /** The next chunk (null: the writer closed). @throws Error when empty. */
  get(): Buffer | null {
    if (this.#items.length === 0) throw new Error("LoopbackQueue.get: the queue is empty");
    return this.#items.shift() as Buffer | null;
  }

  /** Whether `get()` has something to give (Python's truth value of the queue). */
  get size(): number {
    return this.#items.length;
  }
}

/**
 * How queued chunks reach a protocol: called with the queue of one side and the other side's
 * protocol, it empties the queue into `target.dataReceived` (stopping at a null: the close).
 */
export type PumpPolicy = (queue: LoopbackQueue, target: IProtocol) => void;

/** Delivers each chunk as it was written (Twisted's `identityPumpPolicy`). */
export const identityPumpPolicy: PumpPolicy = (queue, target) => {
  while (queue.size > 0) {
    const bytes = queue.get();
    if (bytes === null) break;
    target.dataReceived(bytes);
  }
};

/** Delivers everything queued as one chunk (Twisted's `collapsingPumpPolicy`). */
export const collapsingPumpPolicy: PumpPolicy = (queue, target) => {
  const parts: Buffer[] = [];
  while (queue.size > 0) {
    const chunk = queue.get();
    if (chunk === null) break;
    parts.push(chunk);
  }
  if (parts.length > 0) target.dataReceived(Buffer.concat(parts));
};

/** The transport of one side of `loopbackAsync`: writes go to its queue. */
class LoopbackTransport implements ITransport, IConsumer {
  disconnecting = false;
  producer: IProducer | null = null;
  streamingProducer = false;
  readonly #queue: LoopbackQueue;

  constructor(queue: LoopbackQueue) {
    this.#queue = queue;
  }

  readonly write = (data: Data): void => {
    this.#queue.put(dataToBuffer(data, "write"));
  };

  readonly writeSequence = (data: Iterable<Data>): void => {
    this.#queue.put(sequenceToBuffer(data, "writeSequence"));
  };

  readonly loseConnection = (): void => {
    this.disconnecting = true;
    this.#queue.disconnect = true;
    this.#queue.put(null);
  };

  /** The same as `loseConnection()`, as Twisted's loopback transport. */
  readonly abortConnection = (): void => this.loseConnection();

  readonly getPeer = (): Address => new FakeAddress() as unknown as Address;

  readonly getHost = (): Address => new FakeAddress() as unknown as Address;

  readonly registerProducer = (producer: IProducer, streaming: boolean): void => {
    if (this.producer !== null) throw new Error("registerProducer: a producer is already registered");
    this.producer = producer;
    this.streamingProducer = Boolean(streaming);
    this._pollProducer();
  };

  readonly unregisterProducer = (): void => {
    this.producer = null;
  };

  /** @internal Asks a pull producer for more (its writes were delivered). */
  _pollProducer(): void {
    if (this.producer !== null && !this.streamingProducer) (this.producer as IPullProducer).resumeProducing();
  }
}

/**
 * Connects `server` and `client` in memory and moves what each writes to the other until one
 * closes; then both get `connectionLost(ConnectionDone)`. Bytes move on later turns of the
 * reactor (`clock`, the global one by default), never inside a `write`, as Twisted's.
 * @param pumpPolicy how queued chunks reach a protocol: {@link identityPumpPolicy} (the default)
 *   or {@link collapsingPumpPolicy}, or your own.
 * @returns a Deferred that fires once both protocols were told the connection is lost.
 * @example
 * ```ts
 * await loopbackAsync(new EchoServer(), client);
 * expect(client.received).to.deep.equal(["hello"]);
 * ```
 */
export function loopbackAsync(
  server: IProtocol,
  client: IProtocol,
  pumpPolicy: PumpPolicy = identityPumpPolicy,
  clock: IReactorTime = globalReactor,
): Deferred<void> {
  checkCallable("loopbackAsync", pumpPolicy, "pumpPolicy");
  const serverToClient = new LoopbackQueue();
  const clientToServer = new LoopbackQueue();
  server.makeConnection(new LoopbackTransport(serverToClient));
  client.makeConnection(new LoopbackTransport(clientToServer));
  return pumpBoth(server, serverToClient, client, clientToServer, pumpPolicy, clock);
}

/** Moves bytes both ways until neither side wrote, then waits for a write (or the close). */
function pumpBoth(
  server: IProtocol,
  serverToClient: LoopbackQueue,
  client: IProtocol,
  clientToServer: LoopbackQueue,
  pumpPolicy: PumpPolicy,
  clock: IReactorTime,
): Deferred<void> {
  const pump = (source: IProtocol, queue: LoopbackQueue, target: IProtocol): boolean => {
    if (queue.size === 0) return false;
    pumpPolicy(queue, target);
    // That side's writes were delivered: a pull producer may write more.
    if (queue.size === 0) (source.transport as unknown as LoopbackTransport)._pollProducer();
    return true;
  };
  for (;;) {
    const serverSent = pump(server, serverToClient, client);
    const clientSent = pump(client, clientToServer, server);
    if (!serverSent && !clientSent) {
      // Nothing written: continue on a later turn once either side writes.
      const d = new Deferred<void>();
      const wake = (): void => {
        serverToClient._notify = null;
        clientToServer._notify = null;
        d.callback(undefined);
      };
      serverToClient._notify = wake;
      clientToServer._notify = wake;
      return d.addCallback(() => deferLater(clock, 0, () => pumpBoth(server, serverToClient, client, clientToServer, pumpPolicy, clock)));
    }
    let disconnect = false;
    if (serverToClient.disconnect) {
      disconnect = true;
      pump(server, serverToClient, client); // what the server wrote before closing
    } else if (clientToServer.disconnect) {
      disconnect = true;
      pump(client, clientToServer, server);
    }
    if (disconnect) {
      server.connectionLost(new Failure(new ConnectionDone()));
      client.connectionLost(new Failure(new ConnectionDone()));
      return succeed(undefined);
    }
  }
}

/** Fires its Deferred once the wrapped server protocol's connection is lost. */
class FireOnClose extends ProtocolWrapper {
  readonly closed = new Deferred<void>();
  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.closed.callback(undefined);
  }
}

/** Runs a session between `server` and `client` over a real socket (listened on as given). */
function loopbackOverSockets(
  server: IProtocol,
  client: IProtocol,
  noisy: boolean,
  listen: (f: WrappingFactory) => ListeningPort,
  connect: (cf: ClientFactory, port: ListeningPort) => void,
): Deferred<void> {
  const wrapping = new WrappingFactory(new Factory());
  const serverWrapper = new FireOnClose(wrapping, server as Protocol);
  wrapping.noisy = noisy;
  wrapping.buildProtocol = (): ProtocolWrapper => serverWrapper;
  const port = listen(wrapping);
  const clientLost = new Deferred<void>();
  const clientFactory = new (class LoopbackClientFactory extends ClientFactory {
    override buildProtocol(): Protocol {
      return client as Protocol;
    }
    override clientConnectionLost(): void {
      clientLost.callback(undefined);
    }
    override clientConnectionFailed(_connector: unknown, reason: Failure): void {
      clientLost.errback(reason);
    }
  })();
  clientFactory.noisy = noisy;
  return port
    .whenListening()
    .addCallback(() => {
      connect(clientFactory, port);
      return clientLost;
    })
    .addCallback(() => serverWrapper.closed)
    .addBoth((result: unknown) => port.stopListening().addCallback(() => (result instanceof Failure ? result : undefined)));
}

/**
 * Runs a session between `server` and `client` over TCP on 127.0.0.1 (`port`, 0 for any free
 * one), as Twisted's `loopbackTCP`: fires once the client's connection is lost, the server's
 * too, and the port is closed. A failed connect fails it.
 */
export function loopbackTCP(server: IProtocol, client: IProtocol, port = 0, noisy = true, reactor: Reactor = globalReactor): Deferred<void> {
  return loopbackOverSockets(
    server,
    client,
    noisy,
    (f) => reactor.listenTCP(port, f, { interface: "127.0.0.1" }),
    (cf, listening) => void reactor.connectTCP("127.0.0.1", (listening.getHost() as IPv4Address).port, cf),
  );
}

/**
 * As {@link loopbackTCP}, over a UNIX socket at a fresh temporary path (Twisted's
 * `loopbackUNIX`).
 */
export function loopbackUNIX(server: IProtocol, client: IProtocol, noisy = true, reactor: Reactor = globalReactor): Deferred<void> {
  const address = path.join(os.tmpdir(), `twisted-ts-loopback-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.sock`);
  return loopbackOverSockets(
    server,
    client,
    noisy,
    (f) => reactor.listenUNIX(address, f),
    (cf) => void reactor.connectUNIX(address, cf),
  );
}

/**
 * A transport that keeps what is written until `clearBuffer()` hands it to `target` in one
 * `dataReceived` (Twisted's `LoopbackRelay`; two of them, each the other's target, make a
 * connection pumped by hand). `loseConnection()` takes effect at the next `clearBuffer()`.
 */
export class LoopbackRelay implements ITransport, IConsumer {
  /** What was written and not delivered yet. */
  buffer: Buffer = Buffer.alloc(0);
  /** 0: open; 1: close at the next clearBuffer; -1: closed. */
  shouldLose = 0;
  /** True once `loseConnection()` was called. */
  disconnecting = false;
  /** The registered producer (asked for more at each `clearBuffer()`), or null. */
  producer: IProducer | null = null;
  /** The protocol that receives what is written here. */
  readonly target: IProtocol;
  readonly #logFile: { write(text: string): unknown } | null;

  /** @param logFile where each write and delivery is recorded, if given (a stream or any `write(text)`). */
  constructor(target: IProtocol, logFile: { write(text: string): unknown } | null = null) {
    this.target = target;
    this.#logFile = logFile;
  }

  readonly write = (data: Data): void => {
    const b = dataToBuffer(data, "write");
    this.buffer = Buffer.concat([this.buffer, b]);
    this.#logFile?.write(`loopback writing ${repr(b)}\n`);
  };

  readonly writeSequence = (data: Iterable<Data>): void => {
    this.write(sequenceToBuffer(data, "writeSequence"));
  };

  /** Asks a producer for more, delivers what is buffered, then the close if one was asked for. */
  readonly clearBuffer = (): void => {
    if (this.shouldLose === -1) return;
    if (this.producer !== null) (this.producer as IPullProducer).resumeProducing();
    if (this.buffer.length > 0) {
      const buffer = this.buffer;
      this.#logFile?.write(`loopback receiving ${repr(buffer)}\n`);
      this.buffer = Buffer.alloc(0);
      this.target.dataReceived(buffer);
    }
    if (this.shouldLose === 1) {
      this.shouldLose = -1;
      this.target.connectionLost(new Failure(new ConnectionDone()));
    }
  };

  readonly loseConnection = (): void => {
    if (this.shouldLose !== -1) this.shouldLose = 1;
    this.disconnecting = true;
  };

  readonly getHost = (): Address => new FakeAddress() as unknown as Address;

  readonly getPeer = (): Address => new FakeAddress() as unknown as Address;

  readonly registerProducer = (producer: IProducer): void => {
    this.producer = producer;
  };

  readonly unregisterProducer = (): void => {
    this.producer = null;
  };

  /** `Loopback('Echo')`: the target's class name. */
  readonly logPrefix = (): string => `Loopback('${className(this.target)}')`;
}
