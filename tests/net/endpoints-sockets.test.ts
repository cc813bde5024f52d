/**
 * The endpoints over real sockets (127.0.0.1, port 0, temporary UNIX paths, a certificate made at
 * test time), through the Reactor's listenTCP/connectTCP/listenUNIX/connectUNIX/listenSSL/
 * connectSSL. Every other endpoint behaviour is tested against a recording reactor in
 * endpoints.test.ts, hostname-endpoint.test.ts and endpoint-strings.test.ts.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { generate } from "selfsigned";
import { Deferred } from "../../defer";
import { addObserver, removeObserver, type LogEvent } from "../../log";
import type { IPv4Address } from "../../net/address";
import { clientFromString, quoteStringArgument, serverFromString } from "../../net/endpoint-strings";
import {
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  UNIXClientEndpoint,
  UNIXServerEndpoint,
  connectProtocol,
  type IStreamClientEndpoint,
} from "../../net/endpoints";
import { CannotListenError, ConnectingCancelledError, ConnectionRefusedError } from "../../net/errors";
import { Factory } from "../../net/factory";
import { HostnameEndpoint } from "../../net/hostname-endpoint";
import type { IListeningPort } from "../../net/interfaces";
import { Protocol } from "../../net/protocol";
import "../../net/reactor-io"; // installs the Reactor's listen*/connect* methods, as net/index.ts does
import type { Reactor } from "../../reactor";
import { newReactor, runReactor } from "../helpers/reactor";

/** Whether a Reactor has the I/O methods (asked of an instance: they may be installed either way). */

class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
}

/** Sends `message`, collects the echo until it has as many bytes, then hangs up. */
class Greeter extends Protocol {
  readonly reply = new Deferred<string>();
  #got = "";
  constructor(readonly message = "hello") {
    super();
  }
  override connectionMade(): void {
    this.transport!.write(this.message);
  }
  override dataReceived(data: Buffer): void {
    this.#got += data.toString();
    if (this.#got.length >= this.message.length) {
      this.transport!.loseConnection();
      this.reply.callback(this.#got);
    }
  }
}

/** Runs `body` with a running reactor of its own, then stops it (closing what it opened). */
async function withReactor(body: (r: Reactor) => Promise<void>): Promise<void> {
  const r = newReactor();
  let failure: unknown = null;
  r.callWhenRunning(() => {
    body(r).then(
      () => r.stop(),
      (e: unknown) => {
        failure = e;
        r.stop();
      },
    );
  });
  await runReactor(r, 10);
  if (failure !== null) throw failure;
}

async function rejection(d: PromiseLike<unknown>): Promise<unknown> {
  try {
    await d;
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

const portOf = (port: IListeningPort): number => (port.getHost() as IPv4Address).port;

describe("net/endpoints over real sockets", function () {
  this.timeout(20_000);
  let dir: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "twisted-ts-endpoints-"));
  });

  after(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a TCP server endpoint on port 0 and a client endpoint: the protocol is connected, data flows", () =>
    withReactor(async (r) => {
      const port = await new TCP4ServerEndpoint(r, 0, { interface: "127.0.0.1" }).listen(Factory.forProtocol(Echo));
      expect(portOf(port)).to.be.greaterThan(0);
      const greeter = await connectProtocol(new TCP4ClientEndpoint(r, "127.0.0.1", portOf(port)), new Greeter());
      expect(greeter.connected).to.equal(true);
      expect(await greeter.reply).to.equal("hello");
      await port.stopListening();
    }));

  it("connectProtocol's factory is noisy, as Twisted's: 'Starting factory' and 'Stopping factory' around the connection", () =>
    withReactor(async (r) => {
      const events: LogEvent[] = [];
      const observer = (e: LogEvent): void => {
        if (/^(Starting|Stopping) factory/.test(String(e.log_format))) events.push(e);
      };
      const quiet = Factory.forProtocol(Echo);
      quiet.noisy = false;
      const port = await new TCP4ServerEndpoint(r, 0, { interface: "127.0.0.1" }).listen(quiet);
      addObserver(observer);
      try {
        const greeter = await connectProtocol(new TCP4ClientEndpoint(r, "127.0.0.1", portOf(port)), new Greeter());
        await greeter.reply;
        greeter.transport!.loseConnection();
        for (let i = 0; i < 200 && events.length < 2; i++) await new Promise((res) => setTimeout(res, 5));
        expect(events.map((e) => [e.log_format, String(e["factory"])])).to.deep.equal([
          ["Starting factory {factory!r}", "<OneShotFactory>"],
          ["Stopping factory {factory!r}", "<OneShotFactory>"],
        ]);
      } finally {
        removeObserver(observer);
        await port.stopListening();
      }
    }));

  it("listen() on a port in use fails with CannotListenError", () =>
    withReactor(async (r) => {
      const first = await new TCP4ServerEndpoint(r, 0, { interface: "127.0.0.1" }).listen(Factory.forProtocol(Echo));
      const e = await rejection(new TCP4ServerEndpoint(r, portOf(first), { interface: "127.0.0.1" }).listen(Factory.forProtocol(Echo)));
      expect(e).to.be.instanceOf(CannotListenError);
      await first.stopListening();
    }));

  it("connect() to a closed port fails with ConnectionRefusedError", () =>
    withReactor(async (r) => {
      const probe = await new TCP4ServerEndpoint(r, 0, { interface: "127.0.0.1" }).listen(Factory.forProtocol(Echo));
      const number = portOf(probe);
      await probe.stopListening();
      const e = await rejection(new TCP4ClientEndpoint(r, "127.0.0.1", number).connect(Factory.forProtocol(Greeter)));
      expect(e).to.be.instanceOf(ConnectionRefusedError);
    }));

  it("cancelling connect() while connecting: ConnectingCancelledError with the destination", () =>
    withReactor(async (r) => {
      const port = await new TCP4ServerEndpoint(r, 0, { interface: "127.0.0.1" }).listen(Factory.forProtocol(Echo));
      const d = new TCP4ClientEndpoint(r, "127.0.0.1", portOf(port)).connect(Factory.forProtocol(Greeter));
      d.cancel();
      const e = await rejection(d);
      expect(e).to.be.instanceOf(ConnectingCancelledError);
      expect(String((e as ConnectingCancelledError).address)).to.include(String(portOf(port)));
      await port.stopListening();
    }));

  it("HostnameEndpoint connects to localhost", () =>
    withReactor(async (r) => {
      const port = await new TCP4ServerEndpoint(r, 0).listen(Factory.forProtocol(Echo));
      const greeter = await connectProtocol(new HostnameEndpoint(r, "localhost", portOf(port)), new Greeter("hi"));
      expect(await greeter.reply).to.equal("hi");
      await port.stopListening();
    }));

  it("UNIX endpoints: listen on a temporary path, connect, echo", () =>
    withReactor(async (r) => {
      const sock = path.join(dir, "echo.sock");
      const port = await new UNIXServerEndpoint(r, sock).listen(Factory.forProtocol(Echo));
      const greeter = await connectProtocol(new UNIXClientEndpoint(r, sock), new Greeter("unix"));
      expect(await greeter.reply).to.equal("unix");
      await port.stopListening();
    }));

  it("from strings: ssl: server with PEM files, tls: client trusting the certificate, host name verified", () =>
    withReactor(async (r) => {
      const pems = await generate([{ name: "commonName", value: "localhost" }], {
        keySize: 2048,
        algorithm: "sha256",
        extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
      });
      const pem = path.join(dir, "server.pem");
      fs.writeFileSync(pem, pems.private + pems.cert);
      const cert = path.join(dir, "cert.pem");
      fs.writeFileSync(cert, pems.cert);
      const q = quoteStringArgument;
      const port = await serverFromString(r, `ssl:0:privateKey=${q(pem)}:interface=127.0.0.1`).listen(Factory.forProtocol(Echo));
      const client: IStreamClientEndpoint = clientFromString(r, `tls:127.0.0.1:${portOf(port)}:trustRoots=${q(cert)}`);
      // The certificate is for "localhost", not 127.0.0.1: the host name check refuses it.
      const refused = await rejection(connectProtocol(client, new Greeter()));
      expect(refused).to.be.instanceOf(Error);
      const good = clientFromString(r, `tls:localhost:${portOf(port)}:trustRoots=${q(cert)}`);
      const greeter = await connectProtocol(good, new Greeter("secret"));
      expect(await greeter.reply).to.equal("secret");
      await port.stopListening();
    }));

  it("a server endpoint string with a real port: tcp:0 listens, the client string connects", () =>
    withReactor(async (r) => {
      const port = await serverFromString(r, "tcp:0:interface=127.0.0.1").listen(Factory.forProtocol(Echo));
      const number = portOf(port);
      const greeter = await connectProtocol(clientFromString(r, `tcp:127.0.0.1:${number}:timeout=5`), new Greeter("str"));
      expect(await greeter.reply).to.equal("str");
      await port.stopListening();
      // Nothing of the test's own is left listening on the port.
      await new Promise<void>((resolve, reject) => {
        const s = net.connect(number, "127.0.0.1");
        s.on("connect", () => reject(new Error("still listening")));
        s.on("error", () => resolve());
      });
    }));
});
