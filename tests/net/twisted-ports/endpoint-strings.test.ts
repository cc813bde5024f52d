/**
 * Ported from Twisted 22.4's twisted/internet/test/test_endpoints.py: ParserTests (a sample),
 * ServerStringTests and ClientStringTests (those without plugins or TLS files). Twisted passes
 * `object()` as the reactor: these pass a bare object, which parsing never calls.
 */
import { expect } from "chai";
import { Deferred } from "../../../defer";
import {
  Factory,
  Protocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  TCP6ServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  ValueError,
  clientFromString,
  connectProtocol,
  quoteStringArgument,
  serverFromString,
  type EndpointReactor,
} from "../../../net";
import { _parse, _parseServer } from "../../../net/endpoint-strings";
import { MemoryReactor } from "../../../testing";

const f = { buildProtocol: () => null, doStart: () => {}, doStop: () => {} };

describe("twisted ports: test_endpoints (description strings)", () => {
  describe("ParserTests", () => {
    it("test_simpleTCP", () => {
      expect(_parseServer("tcp:80", f)).to.deep.equal(["TCP", [80, f], { interface: "", backlog: 50 }]);
    });
    it("test_simpleUNIX", () => {
      expect(_parseServer("unix:/var/run/finger", f)).to.deep.equal(["UNIX", ["/var/run/finger", f], { mode: 0o666, backlog: 50, wantPID: true }]);
    });
    it("test_wantPIDUNIX", () => {
      expect(_parseServer("unix:/var/run/finger:lockfile=0", f)[2]).to.deep.equal({ mode: 0o666, backlog: 50, wantPID: false });
    });
    it("test_escape", () => {
      expect(_parseServer("unix:foo\\:bar\\=baz\\:qux\\\\", f)[1][0]).to.equal("foo:bar=baz:qux\\");
    });
    it("test_quoteStringArgument", () => {
      expect(quoteStringArgument("some : stuff \\")).to.equal("some \\: stuff \\\\");
    });
    it("test_impliedEscape", () => {
      expect(_parseServer("unix:address=foo=bar", f)[1][0]).to.equal("foo=bar");
    });
    it("test_unknownType", () => {
      expect(() => _parseServer("bogus-type:nothing", f)).to.throw(ValueError);
    });
    it("_parse: positional and keyword arguments", () => {
      expect(_parse("a:b:d=1:c")).to.deep.equal([["a", "b", "c"], { d: "1" }]);
    });
  });

  describe("ServerStringTests", () => {
    const reactor = {} as EndpointReactor;

    it("test_tcp", () => {
      const server = serverFromString(reactor, "tcp:1234:backlog=12:interface=10.0.0.1") as TCP4ServerEndpoint;
      expect(server).to.be.instanceOf(TCP4ServerEndpoint);
      expect(server._reactor).to.equal(reactor);
      expect(server._port).to.equal(1234);
      expect(server._backlog).to.equal(12);
      expect(server._interface).to.equal("10.0.0.1");
    });

    it("tcp6 defaults to the interface ::", () => {
      const server = serverFromString(reactor, "tcp6:1234") as TCP6ServerEndpoint;
      expect(server).to.be.instanceOf(TCP6ServerEndpoint);
      expect(server._interface).to.equal("::");
    });

    it("test_unix", () => {
      const endpoint = serverFromString(reactor, "unix:/var/foo/bar:backlog=7:mode=0123:lockfile=1") as UNIXServerEndpoint;
      expect(endpoint).to.be.instanceOf(UNIXServerEndpoint);
      expect(endpoint._reactor).to.equal(reactor);
      expect(endpoint._address).to.equal("/var/foo/bar");
      expect(endpoint._backlog).to.equal(7);
      expect(endpoint._mode).to.equal(0o123);
      expect(endpoint._wantPID).to.equal(true);
    });

    it("test_unknownType", () => {
      expect(() => serverFromString(null as never, "ftl:andromeda/carcosa/hali/2387"))
        .to.throw(ValueError)
        .with.property("message", "Unknown endpoint type: 'ftl'");
    });
  });

  describe("ClientStringTests", () => {
    const reactor = {} as EndpointReactor;

    for (const [name, description] of [
      ["test_tcp", "tcp:host=example.com:port=1234:timeout=7:bindAddress=10.0.0.2"],
      ["test_tcpPositionalArgs", "tcp:example.com:1234:timeout=7:bindAddress=10.0.0.2"],
      ["test_tcpHostPositionalArg", "tcp:example.com:port=1234:timeout=7:bindAddress=10.0.0.2"],
      ["test_tcpPortPositionalArg", "tcp:host=example.com:1234:timeout=7:bindAddress=10.0.0.2"],
    ] as const) {
      it(name, () => {
        const client = clientFromString(reactor, description) as TCP4ClientEndpoint;
        expect(client).to.be.instanceOf(TCP4ClientEndpoint);
        expect(client._reactor).to.equal(reactor);
        expect(client._host).to.equal("example.com");
        expect(client._port).to.equal(1234);
        expect(client._timeout).to.equal(7);
        expect(client._bindAddress).to.deep.equal(["10.0.0.2", 0]);
      });
    }

    it("test_tcpDefaults", () => {
      const client = clientFromString(reactor, "tcp:host=example.com:port=1234") as TCP4ClientEndpoint;
      expect(client._timeout).to.equal(30);
      expect(client._bindAddress).to.equal(null);
    });

    it("test_unix", () => {
      const client = clientFromString(reactor, "unix:path=/var/foo/bar:lockfile=1:timeout=9") as UNIXClientEndpoint;
      expect(client).to.be.instanceOf(UNIXClientEndpoint);
      expect(client._reactor).to.equal(reactor);
      expect(client._path).to.equal("/var/foo/bar");
      expect(client._timeout).to.equal(9);
      expect(client._checkPID).to.equal(true);
    });

    it("test_unixDefaults", () => {
      const client = clientFromString(reactor, "unix:path=/var/foo/bar") as UNIXClientEndpoint;
      expect(client._timeout).to.equal(30);
      expect(client._checkPID).to.equal(false);
    });

    it("test_unixPathPositionalArg", () => {
      const client = clientFromString(reactor, "unix:/var/foo/bar:lockfile=1:timeout=9") as UNIXClientEndpoint;
      expect(client._path).to.equal("/var/foo/bar");
      expect(client._timeout).to.equal(9);
      expect(client._checkPID).to.equal(true);
    });

    it("test_unknownType", () => {
      expect(() => clientFromString(null as never, "ftl:andromeda/carcosa/hali/2387"))
        .to.throw(ValueError)
        .with.property("message", "Unknown endpoint type: 'ftl'");
    });
  });

  describe("ConnectProtocolTests", () => {
    it("test_connectProtocolCreatesFactory", () => {
      const reactor = new MemoryReactor();
      const endpoint = new TCP4ClientEndpoint(reactor, "127.0.0.1", 0);
      const theProtocol = new Protocol();
      void connectProtocol(endpoint, theProtocol);
      expect(reactor.tcpClients).to.have.length(1);
      const factory = (reactor.tcpClients[0][2] as unknown as { _wrappedFactory: Factory })._wrappedFactory;
      expect(factory).to.be.instanceOf(Factory);
      expect(factory.buildProtocol(null as never)).to.equal(theProtocol);
    });

    it("test_connectProtocolReturnsConnectResult", () => {
      const result = new Deferred<Protocol>();
      const endpoint = {
        connect: (): Deferred<Protocol> => result,
      };
      expect(connectProtocol(endpoint, new Protocol())).to.equal(result);
    });
  });
});
