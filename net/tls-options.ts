/**
 * The options of a client TLS connection, as Twisted's defaults want them: shared by
 * `connectSSL`/the TLS endpoints and `startTLS`.
 * @module
 */
import * as tls from "node:tls";
import type * as net from "node:net";
import type { TLSOptions } from "./interfaces";

/**
 * Node's client TLS options for Twisted's defaults: the certificate and the host name are
 * verified (`hostname`, else `host`) unless `rejectUnauthorized: false`. @internal
 */
export function clientTLSOptions(options: TLSOptions, host: string | undefined, socket?: net.Socket): tls.ConnectionOptions {
  const { hostname, ...rest } = options;
  const name = hostname ?? host;
  const result: tls.ConnectionOptions = { ...rest };
  if (socket !== undefined) result.socket = socket;
  if (name !== undefined && result.servername === undefined && !isIPLiteral(name)) result.servername = name;
  if (name !== undefined && result.checkServerIdentity === undefined) {
    result.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(name, cert);
  }
  return result;
}

function isIPLiteral(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(":");
}
