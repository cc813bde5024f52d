/**
 * Endpoint description strings, ported from Twisted's internet/test/test_endpoints.py:
 * ParserTests (including the quoting and escaping tests), ServerStringTests, ClientStringTests,
 * SSLClientStringTests, TCP6ServerEndpointPluginTests and WrapClientTLSParserTests; plus the
 * contract's errors (ValueError naming the part, TypeError for a non-string).
 */
import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate } from "selfsigned";
import {
  SSL4ClientEndpoint,
  SSL4ServerEndpoint,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ClientEndpoint,
  TCP6ServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
} from "../../net/endpoints";
import { _parse, _parseServer, clientFromString, quoteStringArgument, serverFromString, type EndpointReactor } from "../../net/endpoint-strings";
import { ValueError } from "../../net/factory";
import { HostnameEndpoint } from "../../net/hostname-endpoint";
import type { IProtocolFactory } from "../../net/interfaces";
import { FakeIOReactor } from "../helpers/fake-io-reactor";

/** As Twisted's tests pass `object()`: the parsers do not use the reactor. */
const reactor = new FakeIOReactor() as EndpointReactor;
const F = { buildProtocol: () => null, doStart() {}, doStop() {} } as IProtocolFactory;

function valueError(f: () => unknown, includes: string | RegExp): ValueError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a ValueError").to.be.instanceOf(ValueError);
  expect((caught as Error).name).to.equal("ValueError");
  if (typeof includes === "string") expect((caught as Error).message).to.include(includes);
  else expect((caught as Error).message).to.match(includes);
  return caught as ValueError;
}

describe("net/endpoint-strings", () => {
  let dir: string;
  let pemPath: string; // key and certificate in one file, as Twisted's server.pem
  let keyPath: string;
  let certPath: string;
  let chainPath: string;
  let casDir: string;
  let certs: { a: string; b: string; c: string };

  before(async function () {
    this.timeout(30_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-endpoint-strings-"));
    const [a, b, c] = await Promise.all(
      ["localhost", "thing1", "thing2"].map((cn) => generate([{ name: "commonName", value: cn }], { keySize: 2048, algorithm: "sha256" })),
    );
    certs = { a: a.cert, b: b.cert, c: c.cert };
    pemPath = path.join(dir, "server.pem");
    fs.writeFileSync(pemPath, a.private + a.cert);
    keyPath = path.join(dir, "key.pem");
    fs.writeFileSync(keyPath, a.private.trimEnd()); // no trailing newline (test_sslNoTrailingNewlinePem)
    certPath = path.join(dir, "cert.pem");
    fs.writeFileSync(certPath, a.cert.trimEnd());
    chainPath = path.join(dir, "chain.pem");
    fs.writeFileSync(chainPath, b.cert + c.cert);
    casDir = path.join(dir, "cas");
    fs.mkdirSync(casDir);
    fs.writeFileSync(path.join(casDir, "thing1.pem"), b.cert);
    fs.writeFileSync(path.join(casDir, "thing2.pem"), c.cert);
    fs.writeFileSync(path.join(casDir, "thing2-duplicate.pem"), c.cert);
    fs.writeFileSync(path.join(casDir, "not-a-cert.pem"), "nothing here\n");
    fs.writeFileSync(path.join(casDir, "ignored.txt"), a.cert);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const q = (p: string): string => quoteStringArgument(p);

  describe("_parse and quoting (ParserTests)", () => {
    it("splits positional and key=value parts", () => {
      expect(_parse("a:b:d=1:c")).to.deep.equal([["a", "b", "c"], { d: "1" }]);
    });

    it("tcp: TCP with interface and backlog (test_simpleTCP, test_interfaceTCP, test_backlogTCP)", () => {
      expect(_parseServer("tcp:80", F)).to.deep.equal(["TCP", [80, F], { interface: "", backlog: 50 }]);
      expect(_parseServer("tcp:80:interface=127.0.0.1", F)).to.deep.equal(["TCP", [80, F], { interface: "127.0.0.1", backlog: 50 }]);
      expect(_parseServer("tcp:80:backlog=6", F)).to.deep.equal(["TCP", [80, F], { interface: "", backlog: 6 }]);
    });

    it("unix: defaults, octal mode, lockfile (test_simpleUNIX, test_modeUNIX, test_wantPIDUNIX)", () => {
      expect(_parseServer("unix:/var/run/finger", F)).to.deep.equal(["UNIX", ["/var/run/finger", F], { mode: 0o666, backlog: 50, wantPID: true }]);
      expect(_parseServer("unix:/var/run/finger:mode=0660", F)).to.deep.equal([
        "UNIX",
        ["/var/run/finger", F],
        { mode: 0o660, backlog: 50, wantPID: true },
      ]);
      expect(_parseServer("unix:/var/run/finger:lockfile=0", F)).to.deep.equal([
        "UNIX",
        ["/var/run/finger", F],
        { mode: 0o666, backlog: 50, wantPID: false },
      ]);
    });

    it("a backslash escapes colons, equals signs and backslashes (test_escape)", () => {
      expect(_parseServer("unix:foo\\:bar\\=baz\\:qux\\\\", F)[1][0]).to.equal("foo:bar=baz:qux\\");
    });

    it("an = inside a value needs no quoting (test_impliedEscape)", () => {
      expect(_parseServer("unix:address=foo=bar", F)[1][0]).to.equal("foo=bar");
    });

    it("quoteStringArgument escapes backslashes and colons (test_quoteStringArgument)", () => {
      expect(quoteStringArgument("some : stuff \\")).to.equal("some \\: stuff \\\\");
      // (`=` needs no quoting in a value: a path with one is given as a keyword.)
      const tricky = "C:\\dir\\a:b=c";
      expect(_parseServer(`unix:address=${quoteStringArgument(tricky)}`, F)[1][0]).to.equal(tricky);
    });

    it("an unknown type is a ValueError (test_unknownType)", () => {
      valueError(() => _parseServer("bogus-type:nothing", F), "Unknown endpoint type: 'bogus-type'");
    });

    it("a lone trailing backslash is a ValueError", () => {
      valueError(() => _parse("unix:foo\\"), "lone backslash");
    });
  });

  describe("serverFromString (ServerStringTests)", () => {
    it("tcp", () => {
      const server = serverFromString(reactor, "tcp:1234:backlog=12:interface=10.0.0.1") as TCP4ServerEndpoint;
      expect(server).to.be.instanceOf(TCP4ServerEndpoint);
      expect(server).to.not.be.instanceOf(TCP6ServerEndpoint);
      expect([server._reactor, server._port, server._backlog, server._interface]).to.deep.equal([reactor, 1234, 12, "10.0.0.1"]);
    });

    it("tcp with the port as a keyword", () => {
      expect((serverFromString(reactor, "tcp:port=1234") as TCP4ServerEndpoint)._port).to.equal(1234);
    });

    it("tcp6 (TCP6ServerEndpointPluginTests.test_stringDescription)", () => {
      const ep = serverFromString(reactor, "tcp6:8080:backlog=12:interface=\\:\\:1") as TCP6ServerEndpoint;
      expect(ep).to.be.instanceOf(TCP6ServerEndpoint);
      expect([ep._port, ep._backlog, ep._interface]).to.deep.equal([8080, 12, "::1"]);
      expect((serverFromString(reactor, "tcp6:8080") as TCP6ServerEndpoint)._interface).to.equal("::");
    });

    it("unix", () => {
      const ep = serverFromString(reactor, "unix:/var/foo/bar:backlog=7:mode=0123:lockfile=1") as UNIXServerEndpoint;
      expect(ep).to.be.instanceOf(UNIXServerEndpoint);
      expect([ep._reactor, ep._address, ep._backlog, ep._mode, ep._wantPID]).to.deep.equal([reactor, "/var/foo/bar", 7, 0o123, true]);
    });

    it("ssl: the key and certificate are read from the files (test_ssl)", () => {
      const server = serverFromString(
        reactor,
        `ssl:1234:backlog=12:privateKey=${q(pemPath)}:certKey=${q(pemPath)}:interface=10.0.0.1`,
      ) as SSL4ServerEndpoint;
      expect(server).to.be.instanceOf(SSL4ServerEndpoint);
      expect([server._reactor, server._port, server._backlog, server._interface]).to.deep.equal([reactor, 1234, 12, "10.0.0.1"]);
      expect(server._tls.key).to.be.a("string").that.matches(/^-----BEGIN PRIVATE KEY-----/);
      expect(new X509Certificate(String(server._tls.cert)).subject).to.equal("CN=localhost");
    });

    it("ssl with defaults: certKey is privateKey, backlog 50, interface '' (test_sslWithDefaults)", () => {
      const server = serverFromString(reactor, `ssl:4321:privateKey=${q(pemPath)}`) as SSL4ServerEndpoint;
      expect([server._port, server._backlog, server._interface]).to.deep.equal([4321, 50, ""]);
      expect(String(server._tls.cert).match(/BEGIN CERTIFICATE/g)).to.have.length(1);
    });

    it("ssl with separate files lacking a trailing newline (test_sslNoTrailingNewlinePem)", () => {
      const server = serverFromString(reactor, `ssl:1234:privateKey=${q(keyPath)}:certKey=${q(certPath)}`) as SSL4ServerEndpoint;
      expect(new X509Certificate(String(server._tls.cert)).subject).to.equal("CN=localhost");
    });

    it("ssl with extraCertChain: the chain follows the certificate, in order (test_sslChainLoads)", () => {
      const server = serverFromString(reactor, `ssl:1234:privateKey=${q(pemPath)}:extraCertChain=${q(chainPath)}`) as SSL4ServerEndpoint;
      const blocks = String(server._tls.cert).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
      expect(blocks.map((b) => new X509Certificate(b).subject)).to.deep.equal(["CN=localhost", "CN=thing1", "CN=thing2"]);
    });

    it("an extraCertChain with no certificate is a ValueError naming the file (test_sslChainFileMustContainCert)", () => {
      const empty = path.join(dir, "empty.pem");
      fs.writeFileSync(empty, "");
      valueError(
        () => serverFromString(reactor, `ssl:1234:privateKey=${q(pemPath)}:extraCertChain=${q(empty)}`),
        `Specified chain file '${empty}' doesn't contain any valid certificates in PEM format.`,
      );
    });

    it("a privateKey file without a key is a ValueError", () => {
      valueError(() => serverFromString(reactor, `ssl:1234:privateKey=${q(certPath)}`), /privateKey file .* holds no private key/);
    });

    it("an unknown type is a ValueError with Twisted's message (test_unknownType)", () => {
      valueError(() => serverFromString(null as unknown as EndpointReactor, "ftl:andromeda/carcosa/hali/2387"), /^Unknown endpoint type: 'ftl'$/);
    });

    it("malformed descriptions are ValueErrors naming the part", () => {
      valueError(() => serverFromString(reactor, "tcp"), "missing port");
      valueError(() => serverFromString(reactor, "tcp:http"), "port must be an integer, got 'http'");
      valueError(() => serverFromString(reactor, "tcp:70000"), "port must be in 0-65535");
      valueError(() => serverFromString(reactor, "tcp:80:backlog=many"), "backlog must be an integer");
      valueError(() => serverFromString(reactor, "tcp:80:color=blue"), "unknown parameter 'color'");
      valueError(() => serverFromString(reactor, "tcp:80:81"), "too many positional arguments");
      valueError(() => serverFromString(reactor, "tcp:80:port=81"), "port given twice");
      valueError(() => serverFromString(reactor, "unix:/x:mode=999"), "mode must be an octal integer");
      valueError(() => serverFromString(reactor, "unix"), 'missing address in unix endpoint description "unix"');
      valueError(() => serverFromString(reactor, ""), "Unknown endpoint type: ''");
    });

    it("a description that is not a string is a TypeError", () => {
      expect(() => serverFromString(reactor, 80 as unknown as string)).to.throw(TypeError, /description/);
      expect(() => clientFromString(reactor, undefined as unknown as string)).to.throw(TypeError, /description/);
    });
  });

  describe("clientFromString (ClientStringTests)", () => {
    it("tcp with keywords (test_tcp)", () => {
      const client = clientFromString(reactor, "tcp:host=example.com:port=1234:timeout=7:bindAddress=10.0.0.2") as TCP4ClientEndpoint;
      expect(client).to.be.instanceOf(TCP4ClientEndpoint);
      expect([client._reactor, client._host, client._port, client._timeout, client._bindAddress]).to.deep.equal([
        reactor,
        "example.com",
        1234,
        7,
        ["10.0.0.2", 0],
      ]);
    });

    it("tcp with positional host and port, or one of them (test_tcpPositionalArgs, test_tcpHostPositionalArg, test_tcpPortPositionalArg)", () => {
      for (const d of [
        "tcp:example.com:1234:timeout=7:bindAddress=10.0.0.2",
        "tcp:example.com:port=1234:timeout=7:bindAddress=10.0.0.2",
        "tcp:host=example.com:1234:timeout=7:bindAddress=10.0.0.2",
      ]) {
        const client = clientFromString(reactor, d) as TCP4ClientEndpoint;
        expect([client._host, client._port, client._timeout, client._bindAddress], d).to.deep.equal(["example.com", 1234, 7, ["10.0.0.2", 0]]);
      }
    });

    it("tcp defaults: timeout 30, no bindAddress (test_tcpDefaults)", () => {
      const client = clientFromString(reactor, "tcp:host=example.com:port=1234") as TCP4ClientEndpoint;
      expect([client._timeout, client._bindAddress]).to.deep.equal([30, null]);
    });

    it("tcp6", () => {
      const client = clientFromString(reactor, "tcp6:host=\\:\\:1:port=80") as TCP6ClientEndpoint;
      expect(client).to.be.instanceOf(TCP6ClientEndpoint);
      expect([client._host, client._port]).to.deep.equal(["::1", 80]);
    });

    it("unix with keywords, positional path, defaults (test_unix, test_unixPathPositionalArg, test_unixDefaults)", () => {
      for (const d of ["unix:path=/var/foo/bar:lockfile=1:timeout=9", "unix:/var/foo/bar:lockfile=1:timeout=9"]) {
        const client = clientFromString(reactor, d) as UNIXClientEndpoint;
        expect(client).to.be.instanceOf(UNIXClientEndpoint);
        expect([client._reactor, client._path, client._timeout, client._checkPID], d).to.deep.equal([reactor, "/var/foo/bar", 9, true]);
      }
      const client = clientFromString(reactor, "unix:path=/var/foo/bar") as UNIXClientEndpoint;
      expect([client._timeout, client._checkPID]).to.deep.equal([30, false]);
    });

    it("an unknown type is a ValueError with Twisted's message (test_unknownType)", () => {
      valueError(() => clientFromString(null as unknown as EndpointReactor, "ftl:andromeda/carcosa/hali/2387"), /^Unknown endpoint type: 'ftl'$/);
    });

    it("malformed descriptions are ValueErrors naming the part", () => {
      valueError(() => clientFromString(reactor, "tcp:host=example.com"), "missing port");
      valueError(() => clientFromString(reactor, "tcp:port=80"), "missing host");
      valueError(() => clientFromString(reactor, "tcp:example.com:http"), "port must be an integer, got 'http'");
      valueError(() => clientFromString(reactor, "tcp:example.com:80:timeout=soon"), "timeout must be an integer");
      valueError(() => clientFromString(reactor, "tcp:example.com:80:colour=red"), "unknown parameter 'colour'");
      valueError(() => clientFromString(reactor, "unix:/a:/b"), "too many positional arguments");
      valueError(() => clientFromString(reactor, "tls:example.com"), "missing port");
      valueError(() => clientFromString(reactor, "tls:example.com:443:caCertsDir=/x"), "unknown parameter 'caCertsDir'");
    });
  });

  describe("clientFromString ssl: (SSLClientStringTests)", () => {
    it("ssl with a client certificate and caCertsDir (test_ssl, test_sslPositionalArgs)", () => {
      for (const hostPort of ["host=example.net:port=4321", "example.net:4321"]) {
        const client = clientFromString(
          reactor,
          `ssl:${hostPort}:privateKey=${q(pemPath)}:certKey=${q(pemPath)}:bindAddress=10.0.0.3:timeout=3:caCertsDir=${q(casDir)}`,
        ) as SSL4ClientEndpoint;
        expect(client).to.be.instanceOf(SSL4ClientEndpoint);
        expect([client._reactor, client._host, client._port, client._timeout, client._bindAddress]).to.deep.equal([
          reactor,
          "example.net",
          4321,
          3,
          ["10.0.0.3", 0],
        ]);
        expect(new X509Certificate(String(client._tls.cert)).subject).to.equal("CN=localhost");
        expect(client._tls.key).to.be.a("string").that.matches(/PRIVATE KEY/);
        // Every *.pem certificate of the directory once; other files and invalid ones skipped.
        const cas = (client._tls.ca as string[]).map((c) => new X509Certificate(c).subject).sort();
        expect(cas).to.deep.equal(["CN=thing1", "CN=thing2"]);
        expect(client._tls.rejectUnauthorized).to.equal(undefined);
      }
    });

    it("ssl with defaults verifies nothing, as Twisted's (test_sslWithDefaults, test_sslSimple)", () => {
      const client = clientFromString(reactor, "ssl:example.net:4321") as SSL4ClientEndpoint;
      expect([client._host, client._port]).to.deep.equal(["example.net", 4321]);
      expect(client._tls.rejectUnauthorized).to.equal(false);
      expect(client._tls.cert).to.equal(undefined);
      expect(client._tls.key).to.equal(undefined);
    });

    it("ssl with hostname verifies the certificate and that name", () => {
      const client = clientFromString(reactor, "ssl:10.0.0.1:443:hostname=example.net") as SSL4ClientEndpoint;
      expect(client._tls.hostname).to.equal("example.net");
      expect(client._tls.rejectUnauthorized).to.equal(undefined);
    });
  });

  describe("clientFromString tls: (WrapClientTLSParserTests)", () => {
    it("a HostnameEndpoint with TLS from the parameters (test_hostnameEndpointConstruction)", () => {
      const ep = clientFromString(reactor, "tls:example.com:443:timeout=10:bindAddress=127.0.0.1") as HostnameEndpoint;
      expect(ep).to.be.instanceOf(HostnameEndpoint);
      expect([ep._reactor, ep._hostText, ep._port, ep._timeout, ep._bindAddress]).to.deep.equal([
        reactor,
        "example.com",
        443,
        10,
        ["127.0.0.1", 0],
      ]);
      expect(ep._tls).to.deep.equal({});
    });

    it("tls with a certificate, its key and trustRoots (a directory, or one file) (test_tls)", () => {
      const ep = clientFromString(
        reactor,
        `tls:localhost:4321:privateKey=${q(pemPath)}:certificate=${q(pemPath)}:trustRoots=${q(casDir)}`,
      ) as HostnameEndpoint;
      const tls = ep._tls!;
      expect(new X509Certificate(String(tls.cert)).subject).to.equal("CN=localhost");
      expect(tls.key).to.be.a("string").that.matches(/PRIVATE KEY/);
      expect((tls.ca as string[]).length).to.equal(2);
      const one = clientFromString(reactor, `tls:localhost:4321:trustRoots=${q(chainPath)}`) as HostnameEndpoint;
      expect((one._tls!.ca as string[]).map((c) => new X509Certificate(c).subject)).to.deep.equal(["CN=thing1", "CN=thing2"]);
      expect(certs.b).to.include("BEGIN CERTIFICATE");
    });

    it("tls with defaults: the system's CAs, the name verified (test_tlsWithDefaults)", () => {
      const ep = clientFromString(reactor, "tls:example.com:443") as HostnameEndpoint;
      expect([ep._hostText, ep._port, ep._timeout]).to.deep.equal(["example.com", 443, 30]);
      expect(ep._tls!.ca).to.equal(undefined);
      expect(ep._tls!.rejectUnauthorized).to.equal(undefined);
    });
  });
});
