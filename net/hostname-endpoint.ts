/**
 * `HostnameEndpoint`: connects to a host name by trying every address it resolves to, as
 * Twisted's (RFC 8305 "happy eyeballs"): one attempt starts every `attemptDelay` seconds
 * (default 0.3) in the resolver's order, the first to connect wins and the others are cancelled.
 * @module
 */
import { lookup } from "node:dns";
import { isIP, isIPv6 } from "node:net";
import { domainToASCII } from "node:url";
import type { IDelayedCall, IReactorTime } from "../core/interfaces";
import { Failure } from "../core/failure";
import { describeValue } from "../core/validate";
import { Deferred } from "../defer/deferred";
import { fail } from "../defer/functions";
import { ConnectingCancelledError, DNSLookupError } from "./errors";
import { ValueError } from "./factory";
import { _checkBindAddress, _checkOptionalNumber, _checkPort, _checkString, _dnsLookupError } from "./endpoint-support";
import type { IStreamClientEndpoint } from "./endpoints";
import { _connectWith } from "./wrapping-factory";
import type { IProtocol, IProtocolFactory, IReactorSSL, IReactorTCP, TLSOptions } from "./interfaces";

/** A host name and a port: where a {@link HostnameEndpoint} connects (Twisted's `HostnameAddress`). */
export class HostnameAddress {
  /**
   * @param hostname - the name, as given.
   * @param port - the port number.
   */
  constructor(
    readonly hostname: string,
    readonly port: number,
  ) {}

  /** True when `other` is a HostnameAddress of the same name and port. */
  equals(other: unknown): boolean {
    return other instanceof HostnameAddress && other.hostname === this.hostname && other.port === this.port;
  }

  /** `HostnameAddress(hostname='example.com', port=80)`, as Twisted's repr. */
  toString(): string {
    return `HostnameAddress(hostname='${this.hostname}', port=${this.port})`;
  }
}

/** One address a name resolved to: Node's `dns.lookup` entry (`family` 4 or 6). */
export interface ResolvedAddress {
  /** The address, e.g. `"93.184.216.34"` or `"2606:2800::1"`. */
  address: string;
  /** 4 or 6 (others are skipped). */
  family: number;
}

/** Options of {@link HostnameEndpoint}. */
export interface HostnameEndpointOptions {
  /** Seconds before each attempt fails with `ConnectTimeoutError` (default 30). */
  timeout?: number;
  /** Local `[host, port]` each attempt binds before connecting (default: any). */
  bindAddress?: [string, number] | null;
  /** Seconds between the start of one attempt and the next (default 0.3, as Twisted). */
  attemptDelay?: number;
  /**
   * Connect with TLS (`reactor.connectSSL`) to each address, verifying the certificate against
   * the host name (`servername` is set to it). Not set: plain TCP.
   */
  tls?: TLSOptions;
  /**
   * Resolves the name (default: `dns.lookup(host, { all: true })`, in the resolver's order). An
   * array returned (rather than a Promise) is used at once.
   */
  resolve?: (host: string) => ResolvedAddress[] | PromiseLike<ResolvedAddress[]>;
}

/** What a HostnameEndpoint needs of its reactor: TCP (or TLS) connections and time. */
export type HostnameEndpointReactor = IReactorTCP & IReactorTime & Partial<IReactorSSL>;

/** Every address of `host`, in the order the system resolver gives them. */
function defaultResolve(host: string): Promise<ResolvedAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (e, addresses) => (e ? reject(e) : resolve(addresses)));
  });
}

/**
 * Twisted's `_hostAsBytesAndText` for text: `[invalid, ascii]`. An address or an ASCII name is
 * kept as given (case too); another name becomes its IDNA form; one IDNA rejects is invalid,
 * shown with Python's backslash escapes (`\u2ff0`).
 */
function hostAsASCII(host: string): [boolean, string] {
  // eslint-disable-next-line no-control-regex -- ASCII is what is tested for
  if (isIP(host) !== 0 || /^[\x00-\x7f]*$/.test(host)) return [false, host];
  const ascii = domainToASCII(host);
  if (ascii !== "") return [false, ascii];
  let escaped = "";
  for (const ch of host) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) escaped += ch;
    else if (c < 0x100) escaped += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c < 0x10000) escaped += `\\u${c.toString(16).padStart(4, "0")}`;
    else escaped += `\\U${c.toString(16).padStart(8, "0")}`;
  }
  return [true, escaped];
}

/**
 * Connects to a host name: resolves it to all its addresses (IPv4 and IPv6) and tries them one
 * after the other, `attemptDelay` seconds apart, without waiting for one to fail before starting
 * the next; the first connection made wins and the other attempts are cancelled. Fails with
 * `DNSLookupError` when the name does not resolve, or with the last attempt's error when none
 * connects. Cancelling the Deferred cancels every attempt (`ConnectingCancelledError`).
 *
 * @example
 * ```ts
 * const endpoint = new HostnameEndpoint(reactor, "example.com", 80);
 * const proto = await endpoint.connect(Factory.forProtocol(HttpClient));
 * ```
 */
export class HostnameEndpoint implements IStreamClientEndpoint {
  /** @internal Twisted's default delay between attempts, in seconds. */
  static _DEFAULT_ATTEMPT_DELAY = 0.3;
  /** @internal */ readonly _reactor: HostnameEndpointReactor;
  /** @internal The host as given, NFC-normalized (Twisted's `_hostText`). */
  readonly _hostText: string;
  /**
   * @internal The host as resolved and shown: IDNA (punycode) for a non-ASCII name; for an
   * invalid one, the text with Python's backslash escapes (Twisted's `_hostStr`).
   */
  readonly _hostStr: string;
  /** @internal `_hostStr` as ASCII bytes (Twisted's `_hostBytes`). */
  readonly _hostBytes: Buffer;
  /** @internal The host is not a valid name: `connect()` fails with ValueError (Twisted's `_badHostname`). */
  readonly _badHostname: boolean;
  /** @internal */ readonly _port: number;
  /** @internal */ readonly _timeout: number;
  /** @internal */ readonly _bindAddress: [string, number] | null;
  /** @internal */ readonly _attemptDelay: number;
  /** @internal */ readonly _tls: TLSOptions | null;
  /** @internal */ _resolve: (host: string) => ResolvedAddress[] | PromiseLike<ResolvedAddress[]>;

  /**
   * @param reactor - the reactor to connect with (and whose clock spaces the attempts).
   * @param host - the host name (or an address).
   * @param port - the port number.
   * @param options - `timeout` per attempt (30 s), `bindAddress`, `attemptDelay` (0.3 s), `tls`.
   * @throws TypeError / RangeError for a non-string host, a bad port or bad options.
   */
  constructor(reactor: HostnameEndpointReactor, host: string, port: number, options?: HostnameEndpointOptions) {
    if (reactor === null || reactor === undefined) {
      throw new TypeError(`HostnameEndpoint: reactor must be a reactor, got ${describeValue(reactor)}`);
    }
    _checkString("HostnameEndpoint", host, "host");
    _checkPort("HostnameEndpoint", port);
    _checkOptionalNumber("HostnameEndpoint", options?.timeout, "timeout");
    _checkOptionalNumber("HostnameEndpoint", options?.attemptDelay, "attemptDelay");
    _checkBindAddress("HostnameEndpoint", options?.bindAddress);
    if (options?.tls !== undefined && (typeof options.tls !== "object" || options.tls === null)) {
      throw new TypeError(`HostnameEndpoint: tls must be an object of TLS options, got ${describeValue(options.tls)}`);
    }
    if (options?.resolve !== undefined && typeof options.resolve !== "function") {
      throw new TypeError(`HostnameEndpoint: resolve must be a function, got ${describeValue(options.resolve)}`);
    }
    this._reactor = reactor;
    this._hostText = host.normalize("NFC");
    [this._badHostname, this._hostStr] = hostAsASCII(this._hostText);
    this._hostBytes = Buffer.from(this._hostStr, "ascii");
    this._port = port;
    this._timeout = options?.timeout ?? 30;
    this._bindAddress = options?.bindAddress ?? null;
    this._attemptDelay = options?.attemptDelay ?? HostnameEndpoint._DEFAULT_ATTEMPT_DELAY;
    this._tls = options?.tls ?? null;
    this._resolve = options?.resolve ?? defaultResolve;
  }

  /**
   * `<HostnameEndpoint example.com:80>` (an IPv6 address in brackets, an international name in
   * its IDNA form), as Twisted's repr.
   */
  toString(): string {
    const host = !this._badHostname && isIPv6(this._hostStr) ? `[${this._hostStr}]` : this._hostStr;
    return `<HostnameEndpoint ${host}:${this._port}>`;
  }

  /**
   * Connects to the fastest of the name's addresses: fires with the protocol `factory` built for
   * the winning connection, or fails (`DNSLookupError`, or the last attempt's error).
   * @throws TypeError when `factory` is not a protocol factory.
   */
  connect = (factory: IProtocolFactory): Deferred<IProtocol> => {
    if (typeof factory !== "object" || factory === null || typeof factory.buildProtocol !== "function") {
      throw new TypeError(`HostnameEndpoint.connect: factory must be a protocol factory, got ${describeValue(factory)}`);
    }
    if (this._badHostname) return fail(new ValueError(`invalid hostname: ${this._hostStr}`));
    if (this._tls !== null && typeof this._reactor.connectSSL !== "function") {
      return fail(new TypeError("HostnameEndpoint.connect: tls needs a reactor with connectSSL"));
    }
    return new Attempts(this, factory).start();
  };
}

/**
 * One `connect()`: the name resolution, then the staggered attempts. `winner` is the Deferred
 * handed out; every attempt still pending when it fires (either way) is cancelled.
 */
class Attempts {
  readonly #endpoint: HostnameEndpoint;
  readonly #factory: IProtocolFactory;
  readonly #winner: Deferred<IProtocol>;
  readonly #pending = new Set<Deferred<IProtocol>>();
  readonly #failures: Failure[] = [];
  #addresses: ResolvedAddress[] = [];
  #next = 0;
  #timer: IDelayedCall | null = null;
  #done = false;

  constructor(endpoint: HostnameEndpoint, factory: IProtocolFactory) {
    this.#endpoint = endpoint;
    this.#factory = factory;
    this.#winner = new Deferred<IProtocol>((d) => {
      d.errback(new Failure(new ConnectingCancelledError(new HostnameAddress(endpoint._hostStr, endpoint._port))));
    });
    this.#winner.addBoth((result) => {
      this.#finish();
      return result;
    });
  }

  start(): Deferred<IProtocol> {
    const ep = this.#endpoint;
    if (isIP(ep._hostStr) !== 0) {
      this.#onResolved([{ address: ep._hostStr, family: isIP(ep._hostStr) }]);
      return this.#winner;
    }
    let resolving: ResolvedAddress[] | PromiseLike<ResolvedAddress[]>;
    try {
      resolving = ep._resolve(ep._hostStr);
    } catch (e) {
      this.#onResolveFailed(e);
      return this.#winner;
    }
    if (Array.isArray(resolving)) {
      this.#onResolved(resolving);
      return this.#winner;
    }
    resolving.then(
      (addresses) => this.#onResolved(addresses),
      (e: unknown) => this.#onResolveFailed(e),
    );
    return this.#winner;
  }

  #onResolveFailed(e: unknown): void {
    if (this.#done) return;
    this.#winner.errback(new Failure(_dnsLookupError(this.#endpoint._hostStr, e)));
  }

  #onResolved(addresses: ResolvedAddress[]): void {
    if (this.#done) return; // cancelled while resolving
    this.#addresses = Array.isArray(addresses) ? addresses.filter((a) => a.family === 4 || a.family === 6) : [];
    if (this.#addresses.length === 0) {
      this.#winner.errback(new Failure(new DNSLookupError(`no results for hostname lookup: ${this.#endpoint._hostStr}`)));
      return;
    }
    this.#attempt();
  }

  /** Starts the next attempt, and schedules the one after. */
  #attempt = (): void => {
    this.#timer = null;
    if (this.#done) return;
    const address = this.#addresses[this.#next++];
    if (this.#next < this.#addresses.length) {
      this.#timer = this.#endpoint._reactor.callLater(this.#endpoint._attemptDelay, this.#attempt);
    }
    const each = this.#connectTo(address.address);
    this.#pending.add(each);
    each.addBoth((result) => {
      this.#pending.delete(each);
      if (this.#done) return null; // lost the race (cancelled) or came too late
      if (result instanceof Failure) {
        this.#failures.push(result);
        this.#checkDone();
      } else {
        this.#winner.callback(result);
      }
      return null;
    });
  };

  #connectTo(host: string): Deferred<IProtocol> {
    const ep = this.#endpoint;
    const options = { timeout: ep._timeout, bindAddress: ep._bindAddress };
    const tls = ep._tls;
    return _connectWith(this.#factory, (wf) => {
      if (tls === null) {
        ep._reactor.connectTCP(host, ep._port, wf, options);
      } else {
        // Verify the certificate against the name, not the address connected to (an address
        // given as the name is what is connected to already).
        const name = ep._hostStr;
        const withName: TLSOptions = isIP(name) === 0 ? { hostname: name, ...tls } : tls;
        (ep._reactor as IReactorSSL).connectSSL(host, ep._port, wf, withName, options);
      }
    });
  }

  /** Fails the winner with the last failure once no attempt is pending and none is left. */
  #checkDone(): void {
    if (this.#done || this.#pending.size > 0 || this.#next < this.#addresses.length) return;
    this.#winner.errback(this.#failures.pop());
  }

  /** The winner fired (success, failure or cancel): stop scheduling, cancel what is pending. */
  #finish(): void {
    this.#done = true;
    if (this.#timer !== null) {
      if (this.#timer.active()) this.#timer.cancel();
      this.#timer = null;
    }
    for (const each of [...this.#pending]) each.cancel();
  }
}
