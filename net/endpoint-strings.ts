/**
 * Endpoint description strings, as Twisted's `serverFromString` / `clientFromString`:
 * `TYPE:ARG:ARG:KEY=VALUE:…`, positional arguments and `key=value` ones in any order, a backslash
 * escaping the next character (`\:` is a colon inside a value, `\\` a backslash). An `=` after
 * the first one of a part is part of the value (`unix:address=a=b` is the path `a=b`).
 *
 * Server types: `tcp`, `tcp6`, `unix`, `ssl`. Client types: `tcp`, `tcp6`, `unix`, `ssl`, `tls`.
 * A malformed description throws an Error named `ValueError` that names the part at fault.
 * @module
 */
import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ConnectionOptions } from "node:tls";
import type { IReactorTime } from "../core/interfaces";
import { describeValue } from "../core/validate";
import {
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TCP6ServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  type IStreamClientEndpoint,
  type IStreamServerEndpoint,
} from "./endpoints";
import { ValueError } from "./factory";
import { HostnameEndpoint } from "./hostname-endpoint";
import type { IProtocolFactory, IReactorSSL, IReactorTCP, IReactorUNIX, TLSOptions } from "./interfaces";

/** What the endpoints made from strings may need of a reactor: TCP, UNIX, TLS and time. */
export type EndpointReactor = IReactorTCP & IReactorUNIX & IReactorSSL & IReactorTime;

// ---------------------------------------------------------------------------------------------
// Tokens

/**
 * @internal Splits a description into its positional arguments and its `key=value` ones, as
 * Twisted's `_parse`: `_parse("a:b:d=1:c")` is `[["a", "b", "c"], { d: "1" }]`.
 * @throws ValueError for a description ending in a lone backslash.
 */
export function _parse(description: string): [string[], Record<string, string>] {
  const args: string[] = [];
  const kw: Record<string, string> = Object.create(null) as Record<string, string>;
  let part: string[] = [];
  let current = "";
  let afterEquals = false; // once a part has its `=`, later ones belong to the value
  const add = (): void => {
    part.push(current);
    if (part.length === 1) args.push(part[0]);
    else kw[part[0]] = part[1];
    part = [];
    current = "";
    afterEquals = false;
  };
  for (let i = 0; i < description.length; i++) {
    const c = description[i];
    if (c === ":") {
      add();
    } else if (c === "=" && !afterEquals) {
      part.push(current);
      current = "";
      afterEquals = true;
    } else if (c === "\\") {
      i++;
      if (i >= description.length) {
        throw new ValueError(`endpoint description ${JSON.stringify(description)} ends with a lone backslash`);
      }
      current += description[i];
    } else {
      current += c;
    }
  }
  add();
  return [args, kw];
}

/**
 * Escapes `argument` for use in a description: backslashes and colons get a backslash.
 *
 * @example
 * ```ts
 * serverFromString(reactor, `ssl:443:privateKey=${quoteStringArgument(keyPath)}`);
 * ```
 */
export function quoteStringArgument(argument: string): string {
  if (typeof argument !== "string") {
    throw new TypeError(`quoteStringArgument: argument must be a string, got ${describeValue(argument)}`);
  }
  return argument.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
}

// ---------------------------------------------------------------------------------------------
// Values

/** The parts of one description, bound to names, with the description for messages. */
class Parts {
  constructor(
    readonly description: string,
    readonly type: string,
    readonly values: Record<string, string>,
  ) {}

  has(name: string): boolean {
    return name in this.values;
  }

  str(name: string, fallback?: string): string {
    if (name in this.values) return this.values[name];
    if (fallback === undefined) throw this.error(`missing ${name}`);
    return fallback;
  }

  optional(name: string): string | undefined {
    return name in this.values ? this.values[name] : undefined;
  }

  /** A decimal integer, as Python's `int()` reads it (spaces and a sign allowed). */
  int(name: string, fallback?: number): number {
    if (!(name in this.values)) {
      if (fallback === undefined) throw this.error(`missing ${name}`);
      return fallback;
    }
    const text = this.values[name];
    if (!/^\s*[+-]?\d+\s*$/.test(text)) throw this.error(`${name} must be an integer, got '${text}'`);
    return Number.parseInt(text, 10);
  }

  port(name = "port"): number {
    const n = this.int(name);
    if (n < 0 || n > 65535) throw this.error(`${name} must be in 0-65535, got '${this.values[name]}'`);
    return n;
  }

  /** An octal integer (`660`, `0660`, `0o660`), as `int(mode, 8)`. */
  octal(name: string, fallback: number): number {
    if (!(name in this.values)) return fallback;
    const text = this.values[name];
    const m = /^\s*(?:0o)?([0-7]+)\s*$/i.exec(text);
    if (m === null) throw this.error(`${name} must be an octal integer, got '${text}'`);
    return Number.parseInt(m[1], 8);
  }

  /** `0` or `1` (any integer: 0 is false), as `bool(int(value))`. */
  flag(name: string, fallback: boolean): boolean {
    if (!(name in this.values)) return fallback;
    return this.int(name) !== 0;
  }

  error(what: string): ValueError {
    return new ValueError(`${what} in ${this.type} endpoint description ${JSON.stringify(this.description)}`);
  }
}

/**
 * Binds the positional arguments to `names` in turn, checks every key is one of `allowed`.
 * @throws ValueError for too many positional arguments, a name given twice or an unknown key.
 */
function bind(
  description: string,
  type: string,
  args: string[],
  kw: Record<string, string>,
  names: string[],
  allowed: string[],
): Parts {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const parts = new Parts(description, type, values);
  for (const key of Object.keys(kw)) {
    if (!allowed.includes(key)) throw parts.error(`unknown parameter '${key}'`);
    values[key] = kw[key];
  }
  if (args.length > names.length) {
    throw parts.error(`too many positional arguments (${args.length}; at most ${names.length}: ${names.join(", ") || "none"})`);
  }
  args.forEach((value, i) => {
    if (names[i] in values) throw parts.error(`${names[i]} given twice`);
    values[names[i]] = value;
  });
  return parts;
}

function checkDescription(caller: string, description: unknown): asserts description is string {
  if (typeof description !== "string") {
    throw new TypeError(`${caller}: description must be a string, got ${describeValue(description)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// PEM files

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PRIVATE_KEY = /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** The certificates of a PEM text, in order, those Node cannot read left out. */
function certificatesIn(pem: string): string[] {
  return (pem.match(CERTIFICATE) ?? []).filter((block) => {
    try {
      new X509Certificate(block);
      return true;
    } catch {
      return false;
    }
  });
}

function firstCertificate(parts: Parts, key: string, file: string): string {
  const certs = certificatesIn(readFileSync(file, "latin1"));
  if (certs.length === 0) throw parts.error(`${key} file '${file}' holds no certificate in PEM format`);
  return certs[0];
}

function privateKeyIn(parts: Parts, key: string, file: string): string {
  const m = PRIVATE_KEY.exec(readFileSync(file, "latin1"));
  if (m === null) throw parts.error(`${key} file '${file}' holds no private key in PEM format`);
  return m[0];
}

/**
 * The CA certificates of `path`: every readable `*.pem` file of a directory (as Twisted's
 * `_loadCAsFromDir`: unreadable and invalid files are skipped, duplicates dropped), or every
 * certificate of one PEM file.
 */
function trustRootsAt(path: string): string[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.split(".").pop()?.toLowerCase() === "pem")
        .sort()
        .map((name) => join(path, name))
    : [path];
  const seen = new Set<string>();
  const certs: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "latin1");
    } catch {
      continue; // unreadable: skipped, as Twisted
    }
    for (const cert of certificatesIn(text)) {
      const digest = new X509Certificate(cert).fingerprint256;
      if (!seen.has(digest)) {
        seen.add(digest);
        certs.push(cert);
      }
    }
  }
  return certs;
}

// ---------------------------------------------------------------------------------------------
// Servers

/** What `_parseServer` gives: the type (`"TCP"`, `"TCP6"`, `"UNIX"`, `"SSL"`), arguments, options. */
export type ParsedServer =
  | ["TCP" | "TCP6", [number, IProtocolFactory | null], { interface: string; backlog: number }]
  | ["UNIX", [string, IProtocolFactory | null], { mode: number; backlog: number; wantPID: boolean }]
  | ["SSL", [number, IProtocolFactory | null, TLSOptions], { interface: string; backlog: number }];

/**
 * @internal Parses a server description into its type, positional arguments and options, as
 * Twisted's `_parseServer`: `_parseServer("tcp:80", f)` is `["TCP", [80, f], { interface: "",
 * backlog: 50 }]`. An `ssl` description's PEM files are read here.
 * @throws ValueError for a malformed description.
 */
export function _parseServer(description: string, factory: IProtocolFactory | null = null): ParsedServer {
  checkDescription("serverFromString", description);
  const [args, kw] = _parse(description);
  const type = args.shift() as string;
  switch (type.toLowerCase()) {
    case "tcp":
    case "tcp6": {
      const v6 = type.toLowerCase() === "tcp6";
      const p = bind(description, type, args, kw, ["port"], ["port", "interface", "backlog"]);
      return [v6 ? "TCP6" : "TCP", [p.port(), factory], { interface: p.str("interface", v6 ? "::" : ""), backlog: p.int("backlog", 50) }];
    }
    case "unix": {
      const p = bind(description, type, args, kw, ["address"], ["address", "mode", "backlog", "lockfile"]);
      return [
        "UNIX",
        [p.str("address"), factory],
        { mode: p.octal("mode", 0o666), backlog: p.int("backlog", 50), wantPID: p.flag("lockfile", true) },
      ];
    }
    case "ssl": {
      const p = bind(
        description,
        type,
        args,
        kw,
        ["port", "privateKey", "certKey", "sslmethod", "interface", "backlog", "extraCertChain", "dhParameters"],
        ["port", "privateKey", "certKey", "sslmethod", "interface", "backlog", "extraCertChain", "dhParameters"],
      );
      const port = p.port();
      const backlog = p.int("backlog", 50);
      const privateKey = p.str("privateKey", "server.pem");
      const certKey = p.str("certKey", privateKey);
      const chain = [firstCertificate(p, "certKey", certKey)];
      const extra = p.optional("extraCertChain");
      if (extra !== undefined) {
        const more = certificatesIn(readFileSync(extra, "latin1"));
        if (more.length === 0) {
          throw new ValueError(`Specified chain file '${extra}' doesn't contain any valid certificates in PEM format.`);
        }
        chain.push(...more);
      }
      const tls: TLSOptions = { key: privateKeyIn(p, "privateKey", privateKey), cert: chain.join("\n") + "\n" };
      const method = p.optional("sslmethod");
      if (method !== undefined) tls.secureProtocol = method.replace(/_METHOD$/, "_method");
      const dh = p.optional("dhParameters");
      if (dh !== undefined) tls.dhparam = readFileSync(dh);
      return ["SSL", [port, factory, tls], { interface: p.str("interface", ""), backlog }];
    }
    default:
      throw new ValueError(`Unknown endpoint type: '${type}'`);
  }
}

/**
 * A server endpoint from a description: `tcp:PORT[:interface=ADDR][:backlog=N]`,
 * `tcp6:PORT[…]` (interface default `::`), `unix:PATH[:mode=660][:backlog=N][:lockfile=0|1]`
 * (`mode` is octal), `ssl:PORT:privateKey=FILE[:certKey=FILE][:extraCertChain=FILE]
 * [:interface=ADDR][:backlog=N]` (PEM files, read now; `certKey` defaults to `privateKey`, which
 * may hold both the key and the certificate; `privateKey` defaults to `server.pem`).
 *
 * @example
 * ```ts
 * const endpoint = serverFromString(reactor, "tcp:8000:interface=127.0.0.1");
 * await endpoint.listen(Factory.forProtocol(Echo));
 * ```
 * @throws TypeError when `description` is not a string; ValueError for an unknown type, a
 *   missing argument, a non-numeric port or an unknown key (the message names it).
 */
export function serverFromString(reactor: EndpointReactor, description: string): IStreamServerEndpoint {
  const [name, args, options] = _parseServer(description, null);
  switch (name) {
    case "TCP":
      return new TCP4ServerEndpoint(reactor, args[0], options);
    case "TCP6":
      return new TCP6ServerEndpoint(reactor, args[0], options);
    case "UNIX":
      return new UNIXServerEndpoint(reactor, args[0], options);
    case "SSL":
      return new SSL4ServerEndpoint(reactor, args[0], args[2], options);
  }
}

// ---------------------------------------------------------------------------------------------
// Clients

/** Binds a TCP-like client description: `H:P`, `host=H:P`, `H:port=P` or `host=H:port=P`. */
function bindHostPort(description: string, type: string, args: string[], kw: Record<string, string>, allowed: string[]): Parts {
  const names = args.length === 1 && "host" in kw ? ["port"] : ["host", "port"];
  return bind(description, type, args, kw, names, allowed);
}

function bindAddressOf(p: Parts): [string, number] | null {
  const b = p.optional("bindAddress");
  return b === undefined ? null : [b, 0];
}

/** The client certificate and key of `certificate`/`certKey` and `privateKey` files, if any. */
function clientCertificate(p: Parts, certName: string): Pick<TLSOptions, "cert" | "key"> {
  const certFile = p.optional(certName);
  if (certFile === undefined) return {};
  return {
    cert: firstCertificate(p, certName, certFile),
    key: privateKeyIn(p, "privateKey", p.optional("privateKey") ?? certFile),
  };
}

/**
 * A client endpoint from a description: `tcp:host=H:port=P[:timeout=S][:bindAddress=ADDR]` or
 * `tcp:H:P[…]`; `tcp6:…` the same over IPv6; `unix:path=P[:timeout=S]` or `unix:P`;
 * `tls:H:P[:timeout=S][:bindAddress=ADDR][:trustRoots=PATH][:certificate=FILE][:privateKey=FILE]`
 * (connects to every address of `H` as {@link HostnameEndpoint}, verifying the certificate and
 * the host name; `trustRoots` is a directory of `*.pem` CA files, or one PEM file; default: the
 * system's CAs); `ssl:host=H:port=P[:timeout=S][:bindAddress=ADDR][:caCertsDir=DIR]
 * [:certKey=FILE][:privateKey=FILE][:hostname=NAME]` (as Twisted: with `hostname` the
 * certificate and that name are verified; with only `caCertsDir` the certificate is verified
 * against those CAs; with neither, nothing is verified — prefer `tls:`).
 *
 * @example
 * ```ts
 * const endpoint = clientFromString(reactor, "tcp:host=127.0.0.1:port=8000:timeout=5");
 * const proto = await endpoint.connect(Factory.forProtocol(Greeter));
 * ```
 * @throws TypeError when `description` is not a string; ValueError for an unknown type, a
 *   missing argument, a non-numeric port or an unknown key (the message names it).
 */
export function clientFromString(reactor: EndpointReactor, description: string): IStreamClientEndpoint {
  checkDescription("clientFromString", description);
  const [args, kw] = _parse(description);
  const type = args.shift() as string;
  switch (type.toLowerCase()) {
    case "tcp":
    case "tcp6": {
      const p = bindHostPort(description, type, args, kw, ["host", "port", "timeout", "bindAddress"]);
      const options = { timeout: p.int("timeout", 30), bindAddress: bindAddressOf(p) };
      const Endpoint = type.toLowerCase() === "tcp6" ? TCP6ClientEndpoint : TCP4ClientEndpoint;
      return new Endpoint(reactor, p.str("host"), p.port(), options);
    }
    case "unix": {
      const p = bind(description, type, args, kw, ["path"], ["path", "timeout", "lockfile"]);
      return new UNIXClientEndpoint(reactor, p.str("path"), { timeout: p.int("timeout", 30), checkPID: p.flag("lockfile", false) });
    }
    case "ssl": {
      const p = bindHostPort(description, type, args, kw, [
        "host",
        "port",
        "timeout",
        "bindAddress",
        "certKey",
        "privateKey",
        "caCertsDir",
        "hostname",
      ]);
      const host = p.str("host");
      const port = p.port();
      const options = { timeout: p.int("timeout", 30), bindAddress: bindAddressOf(p) };
      const tls: TLSOptions = { ...clientCertificate(p, "certKey") };
      const caDir = p.optional("caCertsDir");
      if (caDir !== undefined) tls.ca = trustRootsAt(caDir);
      const hostname = p.optional("hostname");
      if (hostname !== undefined) tls.hostname = hostname;
      // Node's connection option (passed through to tls.connect): the chain is checked, the name not.
      else if (caDir !== undefined) (tls as TLSOptions & ConnectionOptions).checkServerIdentity = () => undefined;
      else tls.rejectUnauthorized = false;
      return new SSL4ClientEndpoint(reactor, host, port, tls, options);
    }
    case "tls": {
      const p = bind(
        description,
        type,
        args,
        kw,
        ["host", "port", "timeout", "bindAddress", "certificate", "privateKey", "trustRoots"],
        ["host", "port", "timeout", "bindAddress", "certificate", "privateKey", "trustRoots"],
      );
      const host = p.str("host");
      const port = p.port();
      const tls: TLSOptions = { ...clientCertificate(p, "certificate") };
      const roots = p.optional("trustRoots");
      if (roots !== undefined) tls.ca = trustRootsAt(roots);
      return new HostnameEndpoint(reactor, host, port, { timeout: p.int("timeout", 30), bindAddress: bindAddressOf(p), tls });
    }
    default:
      throw new ValueError(`Unknown endpoint type: '${type}'`);
  }
}
