/**
 * `TrafficLoggingFactory` and `TrafficLoggingProtocol`, as `twisted.protocols.policies`: each
 * connection's traffic written to a file of its own (`<prefix>-1`, `<prefix>-2`, …), for
 * debugging.
 * @module
 */
import * as fs from "node:fs";
import { bindMethods } from "../core/bind";
import type { Failure } from "../core/failure";
import { err, repr } from "../log";
import type { Address } from "../net/address";
import { toBytes } from "../net/bytes";
import type { Data, IProtocolFactory } from "../net/interfaces";
import type { Protocol } from "../net/protocol";
import { ProtocolWrapper, WrappingFactory, type ProtocolWrapperClass } from "./protocol-wrapper";

/** `<Failure ConnectionDone: Connection was closed cleanly.>`, as Twisted's `%r` of a Failure. */
function failureRepr(reason: Failure): string {
  const v = reason.value as { name?: unknown; message?: unknown } | null;
  const name = v !== null && typeof v === "object" && typeof v.name === "string" ? v.name : typeof v;
  const message = v !== null && typeof v === "object" && typeof v.message === "string" ? v.message : repr(v);
  return `<Failure ${name}: ${message}>`;
}

/** Where a connection's traffic goes: a writable text sink (a file stream, or any `write`). */
export interface TrafficLogFile {
  /** Takes one line (with its newline). */
  write(text: string): unknown;
  /** Called once the connection is lost, when present. */
  end?(): unknown;
}

/**
 * Writes a line per event to `logfile`: `*` once connected, `C <n>: b'…'` for each chunk
 * received, `S <n>: b'…'` for each write, `SV <n>: [b'…', …]` for writeSequence, `S <n>: *` for
 * loseConnection and `C <n>: <reason>` for connectionLost (then ends the file).
 */
export class TrafficLoggingProtocol extends ProtocolWrapper {
  /** Where the lines go. */
  readonly logfile: TrafficLogFile;
  /** Chunks longer than this are cut, ending in `<... elided>` (null: never). */
  readonly lengthLimit: number | null;
  readonly #number: number;
  /** The log file was ended (at connectionLost): later events are not written. */
  #closed = false;

  /** @param number the connection's number in the log lines. */
  constructor(factory: WrappingFactory, wrappedProtocol: Protocol, logfile: TrafficLogFile, lengthLimit: number | null = null, number = 0) {
    super(factory, wrappedProtocol);
    this.logfile = logfile;
    this.lengthLimit = lengthLimit;
    this.#number = number;
  }

  #log(line: string): void {
    if (!this.#closed) this.logfile.write(`${line}\n`);
  }

  #munge(data: Data): string {
    const bytes = toBytes(data, "TrafficLoggingProtocol: data");
    if (this.lengthLimit !== null && this.lengthLimit > 0 && bytes.length > this.lengthLimit) {
      return repr(Buffer.concat([bytes.subarray(0, Math.max(0, this.lengthLimit - 12)), Buffer.from("<... elided>")]));
    }
    return repr(bytes);
  }

  override connectionMade(): void {
    this.#log("*");
    super.connectionMade();
  }

  override dataReceived(data: Buffer): void {
    this.#log(`C ${this.#number}: ${this.#munge(data)}`);
    super.dataReceived(data);
  }

  override connectionLost(reason: Failure): void {
    this.#log(`C ${this.#number}: ${failureRepr(reason)}`);
    super.connectionLost(reason);
    this.#closed = true;
    this.logfile.end?.();
  }

  override write(data: Data): void {
    this.#log(`S ${this.#number}: ${this.#munge(data)}`);
    super.write(data);
  }

  override writeSequence(data: Iterable<Data>): void {
    const items = [...data];
    this.#log(`SV ${this.#number}: [${items.map((d) => this.#munge(d)).join(", ")}]`);
    super.writeSequence(items);
  }

  override loseConnection(): void {
    this.#log(`S ${this.#number}: *`);
    super.loseConnection();
  }
}

/**
 * Logs each connection's traffic to `<logfilePrefix>-<n>` (n from 1, see `resetCounter`), via
 * `open(name)`, which a subclass (or a test) may replace.
 *
 * @example
 * ```ts
 * reactor.listenTCP(8000, new TrafficLoggingFactory(Factory.forProtocol(Echo), "/tmp/echo-traffic"));
 * ```
 */
export class TrafficLoggingFactory extends WrappingFactory {
  override protocol: ProtocolWrapperClass = TrafficLoggingProtocol;
  /** The start of each log file's name. */
  logfilePrefix: string;
  /** Chunks longer than this are cut in the log (null: never). */
  lengthLimit: number | null;
  /** Connections built so far (the last file's number). */
  _counter = 0;

  constructor(wrappedFactory: IProtocolFactory, logfilePrefix: string, lengthLimit: number | null = null) {
    super(wrappedFactory);
    this.logfilePrefix = logfilePrefix;
    this.lengthLimit = lengthLimit;
    bindMethods(this as TrafficLoggingFactory, ["open", "resetCounter"]);
  }

  /**
   * Opens the log file `name` for writing: a `fs.WriteStream`, written without blocking. A file
   * that cannot be opened or written is reported through `log.err` (the connection goes on).
   */
  open(name: string): TrafficLogFile {
    const stream = fs.createWriteStream(name);
    stream.on("error", (e) => err(e, `TrafficLoggingFactory: cannot write the log file ${name}:`));
    return stream;
  }

  /** A logging wrapper around the wrapped factory's protocol, with a log file of its own. */
  override buildProtocol(addr: Address): ProtocolWrapper | null {
    const wrapped = this.buildWrappedProtocol(addr);
    if (wrapped === null) return null;
    this._counter += 1;
    const logfile = this.open(`${this.logfilePrefix}-${this._counter}`);
    return new this.protocol(this, wrapped, logfile, this.lengthLimit, this._counter);
  }

  /** Numbers the next connection 1 again. */
  resetCounter(): void {
    this._counter = 0;
  }
}
