/**
 * What the endpoints share: argument checks (bad input is a TypeError/RangeError at the
 * call, naming the argument), `host:port` formatting and the DNSLookupError of a failed lookup.
 * @module
 */
import { lookup } from "node:dns";
import { isIPv6 } from "node:net";
import { describeValue } from "../core/validate";
import { DNSLookupError } from "./errors";
import type { IProtocolFactory } from "./interfaces";

/** @internal Checks a port number: an integer in 0-65535. */
export function _checkPort(caller: string, port: unknown, what = "port"): asserts port is number {
  if (typeof port !== "number") throw new TypeError(`${caller}: ${what} must be a number, got ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${caller}: ${what} must be an integer in 0-65535, got ${describeValue(port)}`);
  }
}

/** @internal Checks a string argument. */
export function _checkString(caller: string, value: unknown, what: string): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`${caller}: ${what} must be a string, got ${describeValue(value)}`);
}

/** @internal Checks an optional number `>= 0` (seconds, a backlog, a mode). */
export function _checkOptionalNumber(caller: string, value: unknown, what: string): void {
  if (value === undefined) return;
  if (typeof value !== "number") throw new TypeError(`${caller}: ${what} must be a number, got ${describeValue(value)}`);
  if (!(value >= 0)) throw new RangeError(`${caller}: ${what} must be a number >= 0, got ${describeValue(value)}`);
}

/** @internal Checks an optional `[host, port]` pair (or null). */
export function _checkBindAddress(caller: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string") {
    throw new TypeError(`${caller}: bindAddress must be a [host, port] pair, got ${describeValue(value)}`);
  }
  _checkPort(caller, value[1], "bindAddress port");
}

/** @internal Checks a protocol factory (has buildProtocol). */
export function _checkFactory(caller: string, factory: unknown): asserts factory is IProtocolFactory {
  if (typeof factory !== "object" || factory === null || typeof (factory as IProtocolFactory).buildProtocol !== "function") {
    throw new TypeError(`${caller}: factory must be a protocol factory (with buildProtocol), got ${describeValue(factory)}`);
  }
}

/** @internal `host:port`, an IPv6 address in brackets. */
export function _hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** @internal Checks a reactor is given. */
export function _checkReactor(caller: string, reactor: unknown): void {
  if (reactor === null || reactor === undefined) {
    throw new TypeError(`${caller}: reactor must be a reactor, got ${describeValue(reactor)}`);
  }
}


/** @internal Checks TLS options are an object. */
export function _checkTLS(caller: string, tls: unknown): void {
  if (typeof tls !== "object" || tls === null) {
    throw new TypeError(`${caller}: tls must be an object of TLS options, got ${describeValue(tls)}`);
  }
}


/** @internal A DNSLookupError for `host`, carrying the resolver's error code and the error as `cause`. */
export function _dnsLookupError(host: string, cause?: unknown): DNSLookupError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new DNSLookupError(`Couldn't find the hostname '${host}'`, {
    cause,
    ...(typeof code === "string" ? { osError: code } : {}),
  });
}

/** @internal The IPv6 addresses of `host` (dns.lookup). */
export function _lookupIPv6(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { family: 6, all: true }, (e, addresses) => (e ? reject(e) : resolve(addresses.map((a) => a.address))));
  });
}
