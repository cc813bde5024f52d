/**
 * Addresses of connection endpoints, as `twisted.internet.address`.
 * @module
 */
import { className } from "../core/validate";
import { statSync } from "node:fs";

/** An IPv4 endpoint: `type` is the transport ("TCP" or "UDP"), `host` a dotted quad. */
export class IPv4Address {
  /**
   * @param type - "TCP" or "UDP".
   * @param host - the address, e.g. `"127.0.0.1"`.
   * @param port - the port number (0-65535).
   */
  constructor(
    readonly type: "TCP" | "UDP",
    readonly host: string,
    readonly port: number,
  ) {}

  /** True when `other` is an address of the same class with equal fields. */
  equals(other: unknown): boolean {
    return (
      other instanceof IPv4Address &&
      other.constructor === this.constructor &&
      other.type === this.type &&
      other.host === this.host &&
      other.port === this.port
    );
  }

  /** `IPv4Address(TCP, '127.0.0.1', 8080)`, as Twisted's repr. */
  toString(): string {
    return `${className(this)}(${this.type}, '${this.host}', ${this.port})`;
  }
}

/**
 * An IPv6 endpoint: the same shape as {@link IPv4Address}, `host` like `"::1"`, plus Twisted's
 * `flowInfo` and `scopeID` (0 unless given; they take part in `equals`).
 */
export class IPv6Address extends IPv4Address {
  /**
   * @param type - "TCP" or "UDP".
   * @param host - the address, e.g. `"::1"`.
   * @param port - the port number (0-65535).
   * @param flowInfo - the IPv6 flow label (default 0).
   * @param scopeID - the scope (zone) of a link-local address, a number or an interface name (default 0).
   */
  constructor(
    type: "TCP" | "UDP",
    host: string,
    port: number,
    readonly flowInfo = 0,
    readonly scopeID: number | string = 0,
  ) {
    super(type, host, port);
  }

  override equals(other: unknown): boolean {
    return super.equals(other) && (other as IPv6Address).flowInfo === this.flowInfo && (other as IPv6Address).scopeID === this.scopeID;
  }
}

/** A UNIX socket's address: its path, or `null` for an unnamed socket. */
export class UNIXAddress {
  /** @param name - the socket's path, or null when it has none. */
  constructor(readonly name: string | null) {}

  /**
   * True when `other` is a UNIXAddress of the same path, or of another path naming the same file
   * (a link to it: Twisted's `os.path.samefile` check, made only when the names differ).
   */
  equals(other: unknown): boolean {
    if (!(other instanceof UNIXAddress)) return false;
    if (other.name === this.name) return true;
    if (!this.name || !other.name) return false;
    try {
      const a = statSync(this.name, { throwIfNoEntry: false });
      const b = statSync(other.name, { throwIfNoEntry: false });
      return a !== undefined && b !== undefined && a.ino === b.ino && a.dev === b.dev;
    } catch {
      return false; // unreadable, or an abstract-namespace name (leading NUL): not the same file
    }
  }

  /** `UNIXAddress('/tmp/sock')`, as Twisted's repr. */
  toString(): string {
    return `UNIXAddress(${this.name === null ? "None" : `'${this.name}'`})`;
  }
}

/** Any address a transport reports. */
export type Address = IPv4Address | IPv6Address | UNIXAddress;

/**
 * The host part of an address, as log lines and per-host limits name it: an IP address's `host`,
 * a UNIX address's path (`name`), "" for none (an unnamed UNIX socket, or no address). @internal
 */
export function hostOf(address: Address | null | undefined): string {
  const a = address as { host?: string; name?: string | null } | null | undefined;
  if (a === null || a === undefined) return "";
  return a.host ?? a.name ?? "";
}

/**
 * The address object for a Node socket address: IPv6 when `family` says so (or the host has a
 * colon), else IPv4. IPv4-mapped IPv6 hosts (`::ffff:127.0.0.1`) are reported as IPv4, as
 * Twisted's dual-stack ports do.
 */
export function ipAddress(type: "TCP" | "UDP", host: string, port: number, family?: string | number): IPv4Address | IPv6Address {
  if (host.startsWith("::ffff:") && host.includes(".")) return new IPv4Address(type, host.slice(7), port);
  const v6 = family === "IPv6" || family === 6 || (family === undefined && host.includes(":"));
  return v6 ? new IPv6Address(type, host, port) : new IPv4Address(type, host, port);
}
