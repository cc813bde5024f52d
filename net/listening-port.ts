/**
 * `ListeningPort`: a bound TCP, UNIX or TLS server socket that builds a protocol per connection,
 * as Twisted's `tcp.Port` / `unix.Port` / `ssl.Port`, with Node's asynchronous bind folded into
 * `whenListening()`.
 * @module
 */
import type * as net from "node:net";
import { Failure } from "../core/failure";
import { className, textOf } from "../core/validate";
import { Deferred } from "../defer/deferred";
import { fail, succeed } from "../defer/functions";
import { err, msg } from "../log";
import { _enterLogContext, _leaveLogContext } from "../log/context";
import type { Reactor } from "../reactor/reactor";
import type { Address } from "./address";
import { AlreadyListened, CannotListenError } from "./errors";
import type { IListeningPortReady, IProtocol, IProtocolFactory } from "./interfaces";
import { track, untrack } from "./registry";
import { logPrefixOf } from "./protocol-calls";
import { StreamTransport } from "./stream-transport";

/** What differs between TCP, UNIX and TLS ports. @internal */
export interface PortKind {
  /** The interface asked for (`""`: all), for messages and CannotListenError. */
  readonly interface: string;
  /** The port number or path asked for. */
  readonly port: number | string;
  /** The connection event of the server: "connection", or "secureConnection" for TLS. */
  readonly event: "connection" | "secureConnection";
  /** Runs before binding; throws (an Error) to refuse (e.g. a UNIX lock file in use). */
  prepare?(): void;
  /** Makes the (unbound) server. */
  createServer(): net.Server;
  /** Starts binding `server` (Node's `listen`). */
  listen(server: net.Server): void;
  /** Runs once bound (e.g. chmod of a UNIX socket); may throw to fail the bind. */
  bound?(server: net.Server): void;
  /** Runs after the server closed (e.g. remove a lock file). */
  closed?(): void;
  /** The address the server is bound to. */
  hostOf(server: net.Server): Address;
  /** This side's and the peer's addresses of an accepted socket. */
  addressesOf(socket: net.Socket): { host: Address; peer: Address };
}

type State = "idle" | "binding" | "listening" | "failed";

/**
 * A listening port, returned by `listenTCP`, `listenUNIX` and `listenSSL`. Binding is
 * asynchronous in Node: `whenListening()` fires once bound (or fails with `CannotListenError`),
 * and `getHost()` throws before that. A bind failure nobody asked about (no `whenListening()`
 * before it happened) is logged at once (`Couldn't listen on <interface>:<port>:`).
 *
 * `Factory.doStart()` runs inside `listen*` (and `startListening()`), `doStop()` once the port
 * has stopped (or failed to bind). Open connections outlive `stopListening()`.
 *
 * @example
 * ```ts
 * const port = reactor.listenTCP(0, Factory.forProtocol(Echo), { interface: "127.0.0.1" });
 * port.whenListening().addCallback((p) => console.log(`listening on ${p.getHost()}`));
 * // later:
 * await port.stopListening();
 * ```
 */
export class ListeningPort implements IListeningPortReady {
  /** The reactor whose `stop()` closes this port. */
  readonly reactor: Reactor;
  /** The factory building a protocol per connection. */
  readonly factory: IProtocolFactory;
  readonly #kind: PortKind;
  #state: State = "idle";
  #server: net.Server | null = null;
  #host: Address | null = null;
  #error: CannotListenError | null = null;
  #waiters: Array<Deferred<IListeningPortReady>> = [];
  /** Deferreds of stopListening() calls waiting for the close. */
  #stops: Array<Deferred<void>> = [];
  #stopAfterBind = false;
  /** The number the next accepted connection gets (Twisted's `sessionno`). */
  #sessionno = 0;

  /** @internal Made by `listenTCP` / `listenUNIX` / `listenSSL`. */
  constructor(reactor: Reactor, factory: IProtocolFactory, kind: PortKind) {
    this.reactor = reactor;
    this.factory = factory;
    this.#kind = kind;
  }

  /**
   * Fires with this port once it is bound (at once if it is); fails with `CannotListenError`
   * when binding failed. After `stopListening()` and `startListening()`, fires again for the new bind.
   */
  readonly whenListening = (): Deferred<IListeningPortReady> => {
    switch (this.#state) {
      case "listening":
        return succeed<IListeningPortReady>(this);
      case "failed":
        return fail(new Failure(this.#error));
      default: {
        const d = new Deferred<IListeningPortReady>();
        this.#waiters.push(d);
        return d;
      }
    }
  };

  /**
   * The address the port is bound to (with the port number the OS picked for port 0).
   * @throws Error before the port is bound: wait for `whenListening()`.
   */
  readonly getHost = (): Address => {
    if (this.#state !== "listening" || this.#host === null) {
      throw new Error(
        `ListeningPort.getHost: the port (${this.#kind.interface || "any"}:${this.#kind.port}) is not bound ` +
          `(${this.#state === "failed" ? "binding failed" : this.#state === "binding" ? "binding is under way" : "not listening"}); ` +
          "wait for whenListening()",
      );
    }
    return this.#host;
  };

  /**
   * Binds again (after `stopListening()`) on the same address; port 0 may pick a new number.
   * `whenListening()` then fires again.
   * @throws AlreadyListened while the port is bound or binding.
   */
  readonly startListening = (): void => {
    if (this.#server !== null) throw new AlreadyListened(`${String(this)} is already listening`);
    this.#state = "binding";
    this.#host = null;
    this.#error = null;
    this.#stopAfterBind = false;
    this.factory.doStart();
    try {
      this.#kind.prepare?.();
    } catch (e) {
      // Reported as Node reports a failed bind, after the caller could ask whenListening().
      setImmediate(() => this.#bindFailed(e));
      return;
    }
    const server = this.#kind.createServer();
    this.#server = server;
    server.on(this.#kind.event, this.#onConnection);
    server.on("error", this.#onServerError);
    server.once("listening", this.#onListening);
    track(this.reactor, this);
    try {
      this.#kind.listen(server);
    } catch (e) {
      setImmediate(() => this.#bindFailed(e));
    }
  };

  /**
   * Stops accepting connections (open ones stay open); the Deferred fires once the port is
   * closed and the factory's `doStop()` has run; it fails with what `doStop()` (`stopFactory`)
   * threw, the port being closed all the same. At once when not listening.
   */
  readonly stopListening = (): Deferred<void> => {
    if (this.#server === null) return succeed(undefined);
    const d = new Deferred<void>();
    this.#stops.push(d);
    if (this.#state === "binding") this.#stopAfterBind = true;
    else this.#close();
    return d;
  };

  /** The same as `stopListening()` (Twisted's `IListeningPort.loseConnection`). */
  readonly loseConnection = (): Deferred<void> => this.stopListening();

  /** The prefix to log with for this port: its factory's class name (Twisted's `Port.logPrefix`). */
  readonly logPrefix = (): string => className(this.factory);

  /** Closes now for the reactor's shutdown. @internal */
  _closeForShutdown(): void {
    if (this.#server !== null) this.#close(true);
  }

  /** `<ListeningPort IPv4Address(TCP, '127.0.0.1', 8080) listening>`; the bound address only while listening, as Twisted's repr. */
  toString(): string {
    const where =
      this.#state === "listening" && this.#host !== null ? String(this.#host) : `${this.#kind.interface || "any"}:${this.#kind.port}`;
    return `<ListeningPort ${where} ${this.#state}>`;
  }

  // --- internals ---------------------------------------------------------------------------

  readonly #onListening = (): void => {
    const server = this.#server;
    if (server === null) return;
    try {
      this.#kind.bound?.(server);
      this.#host = this.#kind.hostOf(server);
    } catch (e) {
      server.close();
      this.#bindFailed(e);
      return;
    }
    this.#state = "listening";
    msg(`${logPrefixOf(this.factory)} starting on ${this.#logPort()}`);
    if (this.#stopAfterBind) {
      this.#close();
      return;
    }
    const waiters = this.#waiters.splice(0);
    for (const d of waiters) d.callback(this);
  };

  /** The port as Twisted's log messages show it: the number bound, or the UNIX path (quoted when `quoted`). */
  #logPort(quoted = true): string {
    const port = this.#kind.port;
    if (typeof port === "string") return quoted ? `'${port}'` : port;
    const host = this.#host as { port?: unknown } | null;
    return String(host !== null && typeof host.port === "number" ? host.port : port);
  }

  /** Twisted's port `_type`: "TCP", "TLS" or "UNIX". */
  #logType(): string {
    if (typeof this.#kind.port === "string") return "UNIX";
    return this.#kind.event === "secureConnection" ? "TLS" : "TCP";
  }

  readonly #onServerError = (e: Error): void => {
    if (this.#state === "binding") this.#bindFailed(e);
    else err(e, `Error on ${String(this)}:`); // e.g. EMFILE while accepting
  };

  readonly #onConnection = (socket: net.Socket): void => {
    let addresses: { host: Address; peer: Address };
    let protocol: IProtocol | null;
    try {
      addresses = this.#kind.addressesOf(socket);
      protocol = this.factory.buildProtocol(addresses.peer);
    } catch (e) {
      err(e, `Unhandled error in ${textOf(this.factory)}.buildProtocol:`);
      socket.destroy();
      return;
    }
    if (protocol === null || protocol === undefined) {
      socket.destroy(); // the factory refused the connection
      return;
    }
    const transport = new StreamTransport(this.reactor, socket, protocol, {
      ...addresses,
      secure: this.#kind.event === "secureConnection",
      server: { sessionno: this.#sessionno++, port: this.#logPort(false) },
    });
    transport._start(this);
  };

  #bindFailed(e: unknown): void {
    const cause = e instanceof Error ? e : new Error(String(e));
    const error = e instanceof CannotListenError ? e : new CannotListenError(this.#kind.interface, this.#kind.port, cause);
    this.#state = "failed";
    this.#error = error;
    const server = this.#server;
    this.#server = null;
    if (server !== null) {
      server.off(this.#kind.event, this.#onConnection);
      server.off("listening", this.#onListening);
    }
    untrack(this.reactor, this);
    this.factory.doStop();
    const waiters = this.#waiters.splice(0);
    if (waiters.length === 0) {
      err(new Failure(error), `Couldn't listen on ${this.#kind.interface || "any"}:${this.#kind.port}:`);
    }
    for (const d of waiters) d.errback(new Failure(error));
    const stops = this.#stops.splice(0);
    for (const d of stops) d.callback(undefined);
  }

  /** Closes the listening socket; `forShutdown`: the reactor is stopping (see the close message). */
  #close(forShutdown = false): void {
    const server = this.#server;
    if (server === null) return;
    this.#server = null;
    const wasListening = this.#state === "listening";
    this.#state = "idle";
    untrack(this.reactor, this);
    if (wasListening) {
      // As Twisted 22.4 logs it: under the port's prefix when the reactor's shutdown closes it
      // (`[__main__.EchoFactory] (TCP Port 8000 Closed)`, its disconnectAll runs with the port's
      // logger), with none ("-") after stopListening() (a deferLater runs its connectionLost).
      const previous = _enterLogContext(forShutdown ? this : null);
      msg(`(${this.#logType()} Port ${this.#logPort(false)} Closed)`);
      _leaveLogContext(previous);
    }
    server.off(this.#kind.event, this.#onConnection);
    // close() shuts the listening socket now; its callback would wait for every open connection
    // to end, which Twisted's stopListening does not.
    server.close();
    server.on("error", () => {});
    try {
      this.#kind.closed?.();
    } catch (e) {
      err(e, `Error cleaning up after ${String(this)}:`);
    }
    // An exception of doStop (the factory's stopFactory) fails the Deferreds of stopListening, as
    // Twisted's (its deferLater runs connectionLost); logged when nobody asked (the reactor's stop).
    let stopError: Failure | null = null;
    try {
      this.factory.doStop();
    } catch (e) {
      stopError = new Failure(e);
    }
    const stops = this.#stops.splice(0);
    if (stops.length > 0) {
      setImmediate(() => {
        for (const d of stops) {
          if (stopError === null) d.callback(undefined);
          else d.errback(stopError);
        }
      });
    } else if (stopError !== null) {
      err(stopError, `Unhandled error in ${textOf(this.factory)}.doStop:`);
    }
  }
}
