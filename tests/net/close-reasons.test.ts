import { expect } from "chai";
import * as net from "node:net";
import * as tls from "node:tls";
import { ConnectionAborted, ConnectionDone, ConnectionLost } from "../../net";
import { abortedReason, cleanCloseReason, peerClosedReason, socketErrorReason } from "../../net/close-reasons";

/** The stack's frame lines ("    at …"): none for a reason made without a stack. */
function frames(e: Error): string[] {
  return (e.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at "));
}

describe("close reasons", () => {
  it("a clean close and a peer's close are one shared instance each, of the right class", () => {
    expect(cleanCloseReason()).to.be.instanceOf(ConnectionDone);
    expect(cleanCloseReason()).to.equal(cleanCloseReason());
    expect(peerClosedReason()).to.be.instanceOf(ConnectionLost);
    expect(peerClosedReason()).to.equal(peerClosedReason());
    expect(abortedReason()).to.be.instanceOf(ConnectionAborted);
  });

  it("are made without stack frames (only Node's would show)", () => {
    for (const reason of [cleanCloseReason(), peerClosedReason(), abortedReason()]) expect(frames(reason)).to.deep.equal([]);
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(frames(socketErrorReason(reset, new net.Socket(), false) as Error)).to.deep.equal([]);
    // ... and leave the limit as it was.
    expect(frames(new Error("here")).length).to.be.greaterThan(0);
  });

  it("a socket error becomes ConnectionLost named by its code, with the error as its cause", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const reason = socketErrorReason(reset, new net.Socket(), false) as ConnectionLost;
    expect(reason).to.be.instanceOf(ConnectionLost);
    expect(reason.message).to.contain("ECONNRESET");
    expect(reason.cause).to.equal(reset);
    const noCode = socketErrorReason(new Error("odd"), new net.Socket(), false) as ConnectionLost;
    expect(noCode.message).to.contain("odd");
    const already = new ConnectionLost("x");
    expect(socketErrorReason(already, new net.Socket(), false)).to.equal(already);
  });

  it("a TLS socket's error before the handshake is done is the reason itself", () => {
    const socket = new tls.TLSSocket(new net.Socket());
    const handshake = new Error("wrong version number");
    expect(socketErrorReason(handshake, socket, false)).to.equal(handshake);
    expect(socketErrorReason(handshake, socket, true)).to.be.instanceOf(ConnectionLost);
    socket.destroy();
  });
});
