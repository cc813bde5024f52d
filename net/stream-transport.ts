/**
 * The transport of a stream connection (TCP, UNIX or TLS) over a Node socket: Twisted's
 * `tcp.Connection` shape on `node:net`.
 * @module
 */
import * as tls from "node:tls";
import { clientTLSOptions } from "./tls-options";
import * as net from "node:net";
import { Failure } from "../core/failure";
import { className, describeValue, textOf } from "../core/validate";
import { err } from "../log";
import { _enterLogContext, _leaveLogContext, type LogContext } from "../log/context";
import type { Reactor } from "../reactor/reactor";
import { hostOf, type Address } from "./address";
import { ConnectionLost } from "./errors";
import { abortedReason, cleanCloseReason, peerClosedReason, socketErrorReason } from "./close-reasons";
import { logPrefixOf, stopProducerOnLoss, watchResult } from "./protocol-calls";
import type { Data, IConsumer, IProducer, IProtocol, IPushProducer, ITLSTransport, TLSOptions } from "./interfaces";
import { track, untrack } from "./registry";
import { CONCAT_LIMIT, WriteBuffer } from "./write-buffer";

/** How a transport reports that its connection ended (the connector tells its factory). */
export type LostHook = (reason: Failure) => void;

/** Options of {@link StreamTransport}. @internal */
export interface StreamTransportOptions {
  host: Address;
  peer: Address;
  /** Called after the protocol's `connectionLost`, with the same reason. */
  onLost?: LostHook;
  /** The socket is a TLS socket whose handshake is done. */
  secure?: boolean;
  /** A server connection: its number on its port (from 0) and the port (number or path). */
  server?: { sessionno: number; port: number | string };
}

/**
 * A connected stream socket with Twisted's transport shape: {@link ITLSTransport} (write,
 * writeSequence, loseConnection, abortConnection, loseWriteConnection, getPeer, getHost, no-delay,
 * keep-alive, startTLS), {@link IConsumer} (a registered producer is paused past the socket's
 * high-water mark and resumed on `'drain'`) and {@link IPushProducer} (pausing stops reading).
 *
 * Invariants: the protocol's `connectionLost` runs exactly once, after `connected` was set to
 * false; afterwards writes are ignored. Writes made in one turn of Node's loop go out together
 * (one system call: see `#flush`): on the next tick, or, for what `dataReceived` wrote, as it
 * returns. An exception thrown by a protocol callback is logged and drops this connection only:
 * `connectionLost` then gets a Failure of that exception.
 *
 * Made by ports and connectors, never directly.
 */
export class StreamTransport implements ITLSTransport, IConsumer, IPushProducer {
  /** The reactor whose `stop()` closes this connection. */
  readonly reactor: Reactor;
  #socket: net.Socket;
  readonly #protocol: IProtocol;
  readonly #host: Address;
  readonly #peer: Address;
  readonly #onLost: LostHook | undefined;
  readonly #server: { sessionno: number; port: number | string } | undefined;
  /** The protocol implements IHalfCloseableProtocol. */
  readonly #halfCloseable: boolean;
  #secure: boolean;
  /** Writes of this turn of the loop, sent together (see #flush). */
  readonly #writes = new WriteBuffer();
  #flushScheduled = false;
  /** Inside dataReceived: what it writes is sent as it returns (see #onData), not on the next tick. */
  #delivering = false;
  /**
   * What the flush of this turn ends after sending its writes: the connection (loseConnection) or
   * its write side (loseWriteConnection). Writes made in the same turn, even after the call, go
   * out first, as Twisted's (its reactor closes once the buffer is written).
   */
  #endAtFlush: "close" | "write" | null = null;
  /** A loseWriteConnection() that a producer holds (see #producerHoldsClose). */
  #writeEndHeld = false;
  /** loseConnection() was called (it may be waiting for the producer to unregister). */
  #disconnecting = false;
  /** end() was called or the socket is gone: writes are ignored. */
  #writeClosed = false;
  /** connectionLost was delivered. */
  #lost = false;
  #aborted = false;
  #callbackError: unknown = undefined;
  #socketError: Error | undefined = undefined;
  #noDelay = false;
  #keepAlive = false;
  #producer: IProducer | null = null;
  #streaming = false;
  #producerPaused = false;
  #pullScheduled = false;
  /** Reading is paused (pauseProducing): the peer's FIN waits in #endPending until resumed. */
  #readPaused = false;
  #endPending = false;

  /** @internal */
  constructor(reactor: Reactor, socket: net.Socket, protocol: IProtocol, options: StreamTransportOptions) {
    this.reactor = reactor;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#host = options.host;
    this.#peer = options.peer;
    this.#onLost = options.onLost;
    this.#server = options.server;
    this.#secure = options.secure ?? false;
    this.#halfCloseable = typeof (protocol as { readConnectionLost?: unknown }).readConnectionLost === "function";
    this.#attach(socket);
    track(reactor, this);
  }

  /**
   * Connects the protocol: `makeConnection(this)` (so `connectionMade`), in the log context
   * `context` (Twisted's: the port's for a server connection, "Uninitialized" for a client). An
   * exception there drops the connection. @internal
   */
  _start(context: LogContext): void {
    const previous = _enterLogContext(context);
    try {
      // BaseProtocol.makeConnection hands back what connectionMade returned.
      watchResult(this.#protocol.makeConnection(this), "Unhandled error from connectionMade:");
    } catch (e) {
      this.#callbackFailed(e, "connectionMade");
    } finally {
      _leaveLogContext(previous);
    }
  }

  // --- ITransport --------------------------------------------------------------------------

  /**
   * Sends `data` (a `string` is encoded as UTF-8). Buffered, never blocks; writes made in the same
   * turn of the loop go out in one system call. Ignored once the connection is closing or closed.
   * @throws TypeError when `data` is not a Buffer, Uint8Array or string.
   */
  readonly write = (data: Data): void => {
    let size: number;
    if (typeof data === "string") size = data.length;
    else if (data instanceof Uint8Array) size = data.byteLength;
    else throw new TypeError(`write: data must be a Buffer, Uint8Array or string, got ${describeValue(data)}`);
    if (this.#writeClosed) return; // checked after the type, as Twisted's
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      if (!this.#delivering) process.nextTick(this.#flush);
    }
    const writes = this.#writes;
    writes.push(data, size);
    if (writes.bytes >= CONCAT_LIMIT) {
      // Enough to go now: as with raw node:net, the socket's answer says whether to pause (a
      // push producer then writes as much per turn as the socket takes, not one chunk).
      const ok = this.#send();
      if (this.#producer !== null) {
        if (!ok) this.#overHighWater();
        else if (!this.#streaming) this.#schedulePull();
      }
    } else if (this.#producer !== null) {
      // The high-water check is made now, not at the flush: a push producer writing in a loop
      // must be paused synchronously.
      const s = this.#socket;
      if (writes.bytes + s.writableLength >= s.writableHighWaterMark) this.#overHighWater();
      else if (!this.#streaming) this.#schedulePull();
    }
  };

  /**
   * Sends each item in turn (one system call for them all). Every item is checked first: one that
   * is not bytes or a string throws a TypeError and nothing of the sequence is sent, as Twisted's.
   */
  readonly writeSequence = (data: Iterable<Data>): void => {
    if (data === null || typeof data[Symbol.iterator] !== "function") {
      throw new TypeError(`writeSequence: data must be an iterable of Buffer, Uint8Array or string, got ${describeValue(data)}`);
    }
    const items = Array.isArray(data) ? (data as readonly Data[]) : [...data];
    for (const chunk of items) {
      if (typeof chunk !== "string" && !(chunk instanceof Uint8Array)) {
        throw new TypeError(`writeSequence: each item must be a Buffer, Uint8Array or string, got ${describeValue(chunk)}`);
      }
    }
    for (const chunk of items) this.write(chunk);
  };

  /**
   * Flushes what is buffered, then closes: the protocol gets `connectionLost(ConnectionDone)`.
   * Writes made in the same turn of the loop, before or after this call, are sent first (as
   * Twisted's, whose reactor closes once its buffer is written); later ones are ignored. A
   * registered pull producer keeps the connection open until it is unregistered; a push
   * (streaming) producer only while it is paused. A push producer that is not paused does not hold
   * it: the connection closes once flushed and the producer gets `stopProducing()`, as Twisted's
   * `doWrite` does (a proxy whose two transports produce for each other closes both). A paused one
   * is resumed when the buffer drains, and the connection closes at the end of that turn (Twisted
   * closes at its next empty buffer). Nothing is read any more.
   */
  readonly loseConnection = (): void => {
    if (this.#lost || this.#disconnecting) return;
    this.#disconnecting = true;
    if (this.#producerHoldsClose()) return;
    this.#endAfterTurn("close");
  };

  /** The other side's address. */
  readonly getPeer = (): Address => this.#peer;

  /** This side's address. */
  readonly getHost = (): Address => this.#host;

  // --- ITCPTransport -----------------------------------------------------------------------

  /**
   * Closes at once, dropping what is buffered (a TCP connection is reset, so the peer sees
   * ConnectionLost): the protocol gets `connectionLost(ConnectionAborted)`.
   */
  readonly abortConnection = (): void => {
    if (this.#lost || this.#aborted) return;
    this.#aborted = true;
    this.#writeClosed = true;
    const s = this.#socket;
    // A TLS socket wraps the TCP one (`_parent`): reset that.
    const raw = (s as { _parent?: unknown })._parent;
    const tcp = raw instanceof net.Socket ? raw : s;
    try {
      tcp.resetAndDestroy();
    } catch {
      // not a TCP handle (a UNIX socket): a plain close
    }
    s.destroy();
  };

  /**
   * Half-closes: flushes (with the writes of this turn, as `loseConnection`), then sends FIN and
   * keeps reading. A protocol implementing IHalfCloseableProtocol then gets `writeConnectionLost()`.
   * A registered producer holds it as it holds `loseConnection()`.
   */
  readonly loseWriteConnection = (): void => {
    if (this.#lost || this.#writeClosed || this.#endAtFlush !== null) return;
    this.#endAfterTurn("write");
  };

  /** Whether Nagle's algorithm is off (TCP_NODELAY). */
  readonly getTcpNoDelay = (): boolean => this.#noDelay;

  /** Turns Nagle's algorithm off (true) or on (false). */
  readonly setTcpNoDelay = (enabled: boolean): void => {
    this.#noDelay = Boolean(enabled);
    if (!this.#lost) this.#socket.setNoDelay(this.#noDelay);
  };

  /** Whether TCP keep-alive probes are on. */
  readonly getTcpKeepAlive = (): boolean => this.#keepAlive;

  /** Turns TCP keep-alive probes on or off. */
  readonly setTcpKeepAlive = (enabled: boolean): void => {
    this.#keepAlive = Boolean(enabled);
    if (!this.#lost) this.#socket.setKeepAlive(this.#keepAlive);
  };

  /** True once the connection is TLS: made so, or from `startTLS()` on (Twisted's `Connection.TLS`). */
  get TLS(): boolean {
    return this.#socket instanceof tls.TLSSocket;
  }

  /** True once `loseConnection()` was called (Twisted's `FileDescriptor.disconnecting`). */
  get disconnecting(): boolean {
    return this.#disconnecting;
  }

  /** True once the connection is lost and the protocol told (Twisted's `disconnected`). */
  get disconnected(): boolean {
    return this.#lost;
  }

  // --- ITLSTransport -----------------------------------------------------------------------

  /**
   * Upgrades the connection to TLS in place (STARTTLS): what was written before goes out in the
   * clear, everything after is encrypted. A client (`isServer` false, the default) verifies the
   * server's certificate and name (`options.hostname`, else the peer's host) unless
   * `rejectUnauthorized: false`. A failed handshake ends the connection: `connectionLost` gets a
   * Failure of the TLS error.
   * @throws Error when the connection is already TLS or closed.
   */
  readonly startTLS = (options: TLSOptions, isServer = false): void => {
    if (this.#lost || this.#writeClosed || this.#endAtFlush !== null) throw new Error("startTLS: the connection is closing or closed");
    if (this.#socket instanceof tls.TLSSocket) throw new Error("startTLS: the connection is already TLS");
    if (options === null || typeof options !== "object") {
      throw new TypeError(`startTLS: options must be an object of TLS options, got ${describeValue(options)}`);
    }
    this.#flushNow();
    const raw = this.#socket;
    this.#detach(raw);
    let upgraded: tls.TLSSocket;
    if (isServer) {
      upgraded = new tls.TLSSocket(raw, { ...options, isServer: true, secureContext: tls.createSecureContext(options) });
      upgraded.once("secure", this.#onSecure);
    } else {
      const host = this.#peer instanceof Object && "host" in this.#peer ? this.#peer.host : undefined;
      upgraded = tls.connect(clientTLSOptions(options, host, raw));
      upgraded.once("secureConnect", this.#onSecure);
    }
    this.#secure = false;
    this.#socket = upgraded;
    this.#attach(upgraded);
    if (this.#readPaused) upgraded.pause(); // paused before the upgrade: still paused after it
    if (this.#noDelay) raw.setNoDelay(true);
  };

  // --- IConsumer ---------------------------------------------------------------------------

  /**
   * Registers `producer`. Streaming (push, `true`): paused when the write buffer passes its
   * high-water mark, resumed once it drains. Non-streaming (pull, `false`): `resumeProducing()`
   * now and each time the transport is ready for more. If the connection is already lost,
   * `producer.stopProducing()` is called instead.
   * @throws Error when a producer is already registered.
   */
  readonly registerProducer = (producer: IProducer, streaming: boolean): void => {
    if (producer === null || typeof producer !== "object" || typeof producer.stopProducing !== "function") {
      throw new TypeError(`registerProducer: producer must be an IProducer, got ${describeValue(producer)}`);
    }
    if (this.#producer !== null) {
      throw new Error(
        `Cannot register producer ${textOf(producer)}, because producer ${textOf(this.#producer)} was never unregistered.`,
      );
    }
    if (this.#lost) {
      producer.stopProducing();
      return;
    }
    this.#producer = producer;
    this.#streaming = Boolean(streaming);
    this.#producerPaused = false;
    if (!this.#streaming) {
      // Written in this run of code (a flush is scheduled) or still in the socket's buffer: as
      // Twisted's doWrite, the producer is asked again once that is sent, even when the socket
      // took it all at once (no 'drain' comes then).
      const wrote = this.#flushScheduled || this.#socket.writableLength > 0;
      this.#callProducer("resumeProducing");
      if (wrote && this.#producer === producer) this.#schedulePull();
    } else {
      const sock = this.#socket;
      if (sock.writableNeedDrain || this.#writes.bytes + sock.writableLength >= sock.writableHighWaterMark) this.#overHighWater();
    }
  };

  /** Unregisters the producer, then closes the connection (Twisted's `FileDescriptor.stopConsuming`). */
  readonly stopConsuming = (): void => {
    this.unregisterProducer();
    this.loseConnection();
  };

  /** Unregisters the producer; a pending `loseConnection()` then goes ahead. */
  readonly unregisterProducer = (): void => {
    this.#producer = null;
    this.#producerPaused = false;
    this.#releaseHeldEnd();
  };

  // --- IPushProducer -----------------------------------------------------------------------

  /** Stops reading: no `dataReceived` until `resumeProducing()`. */
  readonly pauseProducing = (): void => {
    if (this.#lost) return;
    this.#readPaused = true;
    this.#socket.pause();
  };

  /**
   * Reads again after `pauseProducing()`. The end of the peer's data, if it came while paused, is
   * noticed now (on the next tick), as Twisted's reactors notice a close only while reading.
   */
  readonly resumeProducing = (): void => {
    if (this.#lost) return;
    this.#readPaused = false;
    this.#socket.resume();
    if (this.#endPending) {
      this.#endPending = false;
      process.nextTick(this.#onEnd);
    }
  };

  /** Closes the connection (as `loseConnection()`). */
  readonly stopProducing = (): void => {
    this.loseConnection();
  };

  /** Closes now for the reactor's shutdown: `connectionLost(ConnectionLost)` before returning. @internal */
  _closeForShutdown(): void {
    if (this.#lost) return;
    this.#writeClosed = true;
    this.#socket.destroy();
    this.#deliverLost(new Failure(new ConnectionLost("the reactor stopped")));
  }

  /** Ends the connection because a callback threw `e` (already logged). @internal */
  _drop(e: unknown): void {
    if (this.#lost) return;
    this.#callbackError ??= e;
    this.#writeClosed = true;
    this.#socket.destroy();
  }

  /** A server connection's number on its port, from 0 (Twisted's `sessionno`); 0 for a client. */
  get sessionno(): number {
    return this.#server?.sessionno ?? 0;
  }

  /** Twisted's `logstr`: `Echo,3,127.0.0.1` (protocol, sessionno, peer host), or `Echo,client`. */
  get logstr(): string {
    const prefix = logPrefixOf(this.#protocol);
    if (this.#server === undefined) return `${prefix},client`;
    return `${prefix},${this.#server.sessionno},${hostOf(this.#peer)}`;
  }

  /** The prefix to log with for this connection: its {@link logstr} (Twisted's `logPrefix`). */
  readonly logPrefix = (): string => this.logstr;

  /** A server connection as Twisted's: `<Echo #3 on 8000>`; a client: `<StreamTransport peer>`. */
  toString(): string {
    const server = this.#server;
    if (server !== undefined) return `<${className(this.#protocol)} #${server.sessionno} on ${server.port}>`;
    return `<${className(this)} ${String(this.#peer)}>`;
  }

  // --- Socket events -----------------------------------------------------------------------

  #attach(s: net.Socket): void {
    s.on("data", this.#onData);
    s.on("end", this.#onEnd);
    s.on("finish", this.#onFinish);
    s.on("drain", this.#onDrain);
    s.on("error", this.#onError);
    s.on("close", this.#onClose);
  }

  #detach(s: net.Socket): void {
    s.off("data", this.#onData);
    s.off("end", this.#onEnd);
    s.off("finish", this.#onFinish);
    s.off("drain", this.#onDrain);
    s.off("error", this.#onError);
    s.off("close", this.#onClose);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#disconnecting || this.#lost || this.#callbackError !== undefined) return;
    // What dataReceived writes goes out as it returns, in one socket write, with no tick of its
    // own (a reply then costs what a raw socket's does: docs/design/net-transport.md).
    // What the protocol logs meanwhile reads as this connection's (`[Echo,0,127.0.0.1] …`).
    const previous = _enterLogContext(this);
    this.#delivering = true;
    try {
      const r = this.#protocol.dataReceived(chunk) as unknown;
      if (r !== undefined) watchResult(r, "Unhandled error from dataReceived:");
    } catch (e) {
      this.#callbackFailed(e, "dataReceived");
    } finally {
      this.#delivering = false;
      _leaveLogContext(previous);
    }
    if (this.#flushScheduled) this.#flush();
  };

  readonly #onEnd = (): void => {
    if (this.#lost || this.#callbackError !== undefined) return;
    if (this.#readPaused) {
      this.#endPending = true; // handled by resumeProducing
      return;
    }
    if (this.#halfCloseable && !this.#disconnecting) {
      this.#callHalfClose("readConnectionLost");
      return;
    }
    // Not half-closeable: the peer's FIN closes the connection (after what is buffered is sent).
    if (!this.#writeClosed) {
      this.#writeClosed = true;
      this.#flushNow();
      this.#socket.end();
    }
  };

  readonly #onFinish = (): void => {
    if (this.#lost) return;
    if (this.#disconnecting || this.#callbackError !== undefined || this.#aborted) {
      this.#socket.destroy(); // loseConnection: everything is flushed, close both directions
      return;
    }
    if (this.#halfCloseable) this.#callHalfClose("writeConnectionLost");
  };

  /** Tells an IHalfCloseableProtocol, in this connection's log context; a throw drops the connection. */
  #callHalfClose(method: "readConnectionLost" | "writeConnectionLost"): void {
    const previous = _enterLogContext(this);
    try {
      const r = (this.#protocol as unknown as Record<typeof method, () => unknown>)[method]();
      watchResult(r, `Unhandled error from ${method}:`);
    } catch (e) {
      this.#callbackFailed(e, method);
    } finally {
      _leaveLogContext(previous);
    }
  }

  readonly #onDrain = (): void => {
    const producer = this.#producer;
    if (producer === null || this.#lost) return;
    if (this.#streaming) {
      if (this.#producerPaused) {
        this.#producerPaused = false;
        this.#callProducer("resumeProducing");
      }
      // A loseConnection() (or loseWriteConnection()) waiting for the paused producer goes ahead
      // now, at the end of this turn: Twisted's doWrite would close at its next empty buffer.
      this.#releaseHeldEnd();
    } else {
      this.#schedulePull();
    }
  };

  readonly #onError = (e: Error): void => {
    this.#socketError ??= e;
  };

  readonly #onSecure = (): void => {
    this.#secure = true;
  };

  readonly #onClose = (): void => {
    if (this.#lost) return;
    let reason: unknown;
    if (this.#callbackError !== undefined) reason = this.#callbackError;
    else if (this.#aborted) reason = abortedReason();
    else if (this.#socketError !== undefined) reason = socketErrorReason(this.#socketError, this.#socket, this.#secure);
    else if (this.#writeClosed || this.#disconnecting) reason = cleanCloseReason();
    else reason = peerClosedReason();
    this.#deliverLost(new Failure(reason));
  };

  // --- Internals ---------------------------------------------------------------------------

  /**
   * Sends the writes gathered during this turn (net/write-buffer.ts says how). The high-water mark
   * was checked as they were written.
   */
  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#writes.count > 0) {
      const ok = this.#send();
      // The producer was paused when these were written; if the socket took them all (a write
      // that completes at once), no 'drain' will come: resume it now.
      if (ok && this.#producer !== null) this.#onDrain();
    }
    const end = this.#endAtFlush;
    if (end === null) return;
    this.#endAtFlush = null;
    if (this.#lost || this.#writeClosed) return; // aborted, dropped, or the peer's FIN ended it
    if (this.#producerHoldsClose()) {
      // The producer's unregistering (or, for a paused push producer, 'drain') ends it later.
      if (end === "write") this.#writeEndHeld = true;
    } else if (end === "write") {
      this.#endWriteSide();
    } else {
      this.#closeAfterFlush();
    }
  };

  /** Sends FIN after what is buffered (loseWriteConnection's end); reading goes on. */
  #endWriteSide(): void {
    this.#writeEndHeld = false;
    this.#writeClosed = true;
    this.#flushNow();
    this.#socket.end();
  }

  /** A loseConnection() or loseWriteConnection() a producer was holding goes ahead, if it no longer holds it. */
  #releaseHeldEnd(): void {
    if (this.#lost || this.#writeClosed || this.#producerHoldsClose()) return;
    if (this.#disconnecting) this.#endAfterTurn("close");
    else if (this.#writeEndHeld) this.#endAfterTurn("write");
  }

  /** A registered producer keeps loseConnection() waiting: a pull producer always, a push one while paused. */
  #producerHoldsClose(): boolean {
    return this.#producer !== null && (!this.#streaming || this.#producerPaused);
  }

  /** Ends the connection (`"close"`) or its write side (`"write"`) at the flush of this turn. */
  #endAfterTurn(end: "close" | "write"): void {
    if (this.#endAtFlush !== "close") this.#endAtFlush = end;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    if (!this.#delivering) process.nextTick(this.#flush);
  }

  /** Writes what is pending (see #flush); returns false when the socket is past its high-water mark. */
  #send(): boolean {
    const s = this.#socket;
    return this.#writes.sendTo(s, this.#lost || s.destroyed);
  }

  #flushNow(): void {
    this.#send();
  }

  #closeAfterFlush(): void {
    this.#writeClosed = true;
    this.#flushNow();
    const s = this.#socket;
    if (s.writableFinished) s.destroy();
    else s.end(); // 'finish' destroys it
  }

  #overHighWater(): void {
    if (this.#streaming) {
      if (!this.#producerPaused) {
        this.#producerPaused = true;
        this.#callProducer("pauseProducing");
      }
    }
    // A pull producer is asked again on 'drain'.
  }

  #schedulePull(): void {
    if (this.#pullScheduled) return;
    this.#pullScheduled = true;
    setImmediate(this.#pull);
  }

  readonly #pull = (): void => {
    this.#pullScheduled = false;
    if (this.#producer === null || this.#streaming || this.#lost || this.#writeClosed) return;
    if (this.#socket.writableNeedDrain) return; // 'drain' asks again
    this.#callProducer("resumeProducing");
  };

  #callProducer(method: "pauseProducing" | "resumeProducing"): void {
    const producer = this.#producer as IPushProducer | null;
    if (producer === null) return;
    try {
      producer[method]();
    } catch (e) {
      err(e, `Unhandled error from ${textOf(producer)}.${method}:`);
      this._drop(e);
    }
  }

  #callbackFailed(e: unknown, callback: string): void {
    err(e, `Unhandled Error in ${logPrefixOf(this.#protocol)}.${callback}:`);
    this._drop(e);
  }

  #deliverLost(reason: Failure): void {
    this.#lost = true;
    this.#writeClosed = true;
    untrack(this.reactor, this);
    const producer = this.#producer;
    this.#producer = null;
    stopProducerOnLoss(producer);
    const p = this.#protocol;
    p.connected = false;
    // connectionLost and the factory's clientConnectionLost log as this connection's.
    const previous = _enterLogContext(this);
    try {
      watchResult(p.connectionLost(reason), "Unhandled error from connectionLost:");
    } catch (e) {
      err(e, `Unhandled Error in ${logPrefixOf(p)}.connectionLost:`);
    }
    try {
      if (this.#onLost !== undefined) this.#onLost(reason);
    } finally {
      _leaveLogContext(previous);
    }
  }
}
