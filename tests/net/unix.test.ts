/** UNIX socket ports and connections (temporary paths): Twisted's internet/test/test_unix.py that applies. */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { CannotListenError, ConnectError, ConnectionDone, ConnectionRefusedError, UNIXAddress, type ITCPTransport } from "../../net";
import { _disconnectAll } from "../../net/registry";
import type { Reactor } from "../../reactor";
import { Recorder, RecordingClientFactory, ServerRecorderFactory, tempDir } from "../helpers/net";
import { newReactor } from "../helpers/reactor";
import { flushLoggedErrors } from "../setup";

describe("net/unix", () => {
  let r: Reactor;
  let tmp: { dir: string; remove: () => void };
  beforeEach(() => {
    r = newReactor();
    tmp = tempDir();
  });
  afterEach(() => {
    _disconnectAll(r);
    tmp.remove();
  });

  it("carries bytes both ways; addresses are UNIXAddress", async () => {
    const sock = path.join(tmp.dir, "echo.sock");
    const sf = new ServerRecorderFactory(Recorder);
    const port = r.listenUNIX(sock, sf);
    await port.whenListening();
    expect(port.getHost().equals(new UNIXAddress(sock))).to.equal(true);
    const cf = new RecordingClientFactory(Recorder);
    const connector = r.connectUNIX(sock, cf);
    expect(connector.getDestination().equals(new UNIXAddress(sock))).to.equal(true);
    const server = await sf.nth(0);
    await server.made;
    while (cf.protocols.length === 0) await new Promise((res) => setImmediate(res));
    const client = cf.protocols[0];
    await client.made;
    client.transport!.write("over unix");
    await server.received(9);
    expect(server.text).to.equal("over unix");
    expect(server.transport!.getHost().equals(new UNIXAddress(sock))).to.equal(true);
    expect(client.transport!.getPeer().equals(new UNIXAddress(sock))).to.equal(true);
    server.transport!.write("back");
    await client.received(4);
    client.transport!.loseConnection();
    const [c, s] = await Promise.all([client.lost, server.lost]);
    expect(c.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(s.check(ConnectionDone)).to.equal(ConnectionDone);
    await port.stopListening();
    expect(fs.existsSync(sock)).to.equal(false);
  });

  it("sets the socket file's mode", async () => {
    const sock = path.join(tmp.dir, "mode.sock");
    const port = r.listenUNIX(sock, new ServerRecorderFactory(Recorder), { mode: 0o600 });
    await port.whenListening();
    expect(fs.statSync(sock).mode & 0o777).to.equal(0o600);
    await port.stopListening();
  });

  it("wantPID: a lock file with the PID while listening, removed after; a live lock refuses", async () => {
    const sock = path.join(tmp.dir, "pid.sock");
    const port = r.listenUNIX(sock, new ServerRecorderFactory(Recorder), { wantPID: true });
    await port.whenListening();
    expect(fs.readFileSync(`${sock}.lock`, "utf8")).to.equal(String(process.pid));
    const second = r.listenUNIX(sock, new ServerRecorderFactory(Recorder), { wantPID: true });
    const e = await second.whenListening().then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).to.be.instanceOf(CannotListenError);
    await port.stopListening();
    expect(fs.existsSync(`${sock}.lock`)).to.equal(false);
  });

  /** A socket file nobody listens on, as a crashed server leaves: a hard link to a closed one. */
  async function staleSocketFile(at: string): Promise<void> {
    const live = `${at}.live`;
    const port = r.listenUNIX(live, new ServerRecorderFactory(Recorder));
    await port.whenListening();
    fs.linkSync(live, at);
    await port.stopListening();
    expect(fs.statSync(at).isSocket()).to.equal(true);
  }

  it("wantPID: a stale lock (dead process) and its socket file are cleaned up", async () => {
    const sock = path.join(tmp.dir, "stale.sock");
    await staleSocketFile(sock);
    fs.writeFileSync(`${sock}.lock`, "999999999");
    const port = r.listenUNIX(sock, new ServerRecorderFactory(Recorder), { wantPID: true });
    await port.whenListening();
    expect(fs.readFileSync(`${sock}.lock`, "utf8")).to.equal(String(process.pid));
    await port.stopListening();
  });

  it("without wantPID, a stale socket file is in use: CannotListenError", async () => {
    const sock = path.join(tmp.dir, "stale2.sock");
    await staleSocketFile(sock);
    const port = r.listenUNIX(sock, new ServerRecorderFactory(Recorder));
    const e = await port.whenListening().then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).to.be.instanceOf(CannotListenError);
  });

  it("a path in use: CannotListenError (logged when nobody asked)", async () => {
    const sock = path.join(tmp.dir, "busy.sock");
    const port = r.listenUNIX(sock, new ServerRecorderFactory(Recorder));
    await port.whenListening();
    const second = r.listenUNIX(sock, new ServerRecorderFactory(Recorder));
    const e = (await second.whenListening().then(
      () => null,
      (x: unknown) => x,
    )) as CannotListenError;
    expect(e).to.be.instanceOf(CannotListenError);
    expect(e.port).to.equal(sock);
    r.listenUNIX(sock, new ServerRecorderFactory(Recorder));
    await new Promise((res) => setTimeout(res, 30));
    expect(flushLoggedErrors(CannotListenError)).to.have.length(1);
    await port.stopListening();
  });

  it("connecting to a missing path fails with a ConnectError naming the OS error", async () => {
    const cf = new RecordingClientFactory(Recorder);
    r.connectUNIX(path.join(tmp.dir, "nobody.sock"), cf);
    const f = await cf.failed;
    expect(f.value).to.be.instanceOf(ConnectError);
    expect((f.value as ConnectError).osError).to.equal("ENOENT");
  });

  it("connecting to a socket file nobody listens on: ConnectionRefusedError", async () => {
    const sock = path.join(tmp.dir, "dead.sock");
    await staleSocketFile(sock);
    const cf = new RecordingClientFactory(Recorder);
    r.connectUNIX(sock, cf);
    const f = await cf.failed;
    expect(f.value).to.be.instanceOf(ConnectionRefusedError);
    expect((f.value as ConnectionRefusedError).osError).to.equal("ECONNREFUSED");
  });

  it("half-close works over UNIX sockets", async () => {
    const sock = path.join(tmp.dir, "half.sock");
    class Half extends Recorder {
      readConnectionLost(): void {
        this.transport!.write(`read ${this.text}`);
        this.transport!.loseConnection();
      }
      writeConnectionLost(): void {}
    }
    const sf = new ServerRecorderFactory(Half);
    const port = r.listenUNIX(sock, sf);
    await port.whenListening();
    const cf = new RecordingClientFactory(Half);
    r.connectUNIX(sock, cf);
    const server = await sf.nth(0);
    await server.made;
    while (cf.protocols.length === 0 || !cf.protocols[0].connected) await new Promise((res) => setImmediate(res));
    const client = cf.protocols[0];
    client.transport!.write("abc");
    (client.transport as ITCPTransport).loseWriteConnection();
    await client.lost;
    expect(client.text).to.equal("read abc");
    await port.stopListening();
  });

  it("bad input: address and factory", () => {
    expect(() => r.listenUNIX(5 as never, new ServerRecorderFactory(Recorder))).to.throw(TypeError, /address/);
    expect(() => r.listenUNIX(path.join(tmp.dir, "x"), null as never)).to.throw(TypeError, /factory/);
    expect(() => r.listenUNIX(path.join(tmp.dir, "x"), new ServerRecorderFactory(Recorder), { mode: -1 })).to.throw(RangeError, /mode/);
    expect(() => r.connectUNIX(path.join(tmp.dir, "x"), {} as never)).to.throw(TypeError, /ClientFactory/);
  });
});
