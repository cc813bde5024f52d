import { expect } from "chai";
import type * as net from "node:net";
import { CONCAT_LIMIT, WriteBuffer } from "../../net/write-buffer";

/** A socket that records what it is given: each write as text, cork/uncork as markers. */
function recordingSocket(accept = true): { socket: net.Socket; calls: string[] } {
  const calls: string[] = [];
  const fake = {
    writableNeedDrain: !accept,
    write(chunk: string | Uint8Array): boolean {
      calls.push(typeof chunk === "string" ? `str:${chunk}` : `buf:${Buffer.from(chunk).toString()}`);
      return accept;
    },
    cork(): void {
      calls.push("cork");
    },
    uncork(): void {
      calls.push("uncork");
    },
  };
  return { socket: fake as unknown as net.Socket, calls };
}

describe("WriteBuffer", () => {
  it("sends one pending write as it is, and counts what is pending", () => {
    const b = new WriteBuffer();
    const { socket, calls } = recordingSocket();
    b.push("hello", 5);
    expect([b.count, b.bytes]).to.deep.equal([1, 5]);
    expect(b.sendTo(socket, false)).to.equal(true);
    expect(calls).to.deep.equal(["str:hello"]);
    expect([b.count, b.bytes]).to.deep.equal([0, 0]);
    expect(b.sendTo(socket, false)).to.equal(true); // nothing pending: nothing written
    expect(calls).to.have.length(1);
  });

  it("concatenates several small writes (strings as UTF-8) into one Buffer", () => {
    const b = new WriteBuffer();
    const { socket, calls } = recordingSocket();
    b.push("a", 1);
    b.push(Buffer.from("é"), 2);
    b.push(new Uint8Array([99]), 1);
    b.sendTo(socket, false);
    expect(calls).to.deep.equal(["buf:aéc"]);
  });

  it("corks larger batches into one writev, in order, and reports a full socket", () => {
    const b = new WriteBuffer();
    const { socket, calls } = recordingSocket(false);
    const big = "x".repeat(CONCAT_LIMIT);
    b.push(big, big.length);
    b.push("tail", 4);
    expect(b.sendTo(socket, false)).to.equal(false);
    expect(calls).to.deep.equal(["cork", `str:${big}`, "str:tail", "uncork"]);
  });

  it("drops what is pending when told the connection is gone", () => {
    const b = new WriteBuffer();
    const { socket, calls } = recordingSocket();
    b.push("lost", 4);
    expect(b.sendTo(socket, true)).to.equal(true);
    expect(calls).to.deep.equal([]);
    expect(b.count).to.equal(0);
  });

  it("batch after batch (the arrays are reused), and after a burst of 2,000, every write goes once and in order", () => {
    const b = new WriteBuffer();
    const { socket, calls } = recordingSocket();
    const sent: string[] = [];
    for (let round = 0; round < 5; round++) {
      const n = round === 2 ? 2000 : round + 1;
      const expected: string[] = [];
      for (let i = 0; i < n; i++) {
        const piece = `${round}.${i};`;
        b.push(piece, piece.length);
        expected.push(piece);
      }
      calls.length = 0;
      b.sendTo(socket, false);
      sent.push(calls.map((c) => c.replace(/^(str|buf):/, "")).filter((c) => c !== "cork" && c !== "uncork").join(""));
      expect(sent[round]).to.equal(expected.join(""));
    }
  });

  it("a write made while a batch goes out (a synchronous 'drain') waits for the next batch", () => {
    const b = new WriteBuffer();
    const calls: string[] = [];
    const socket = {
      writableNeedDrain: false,
      write(chunk: string): boolean {
        calls.push(chunk);
        if (chunk === "first") b.push("during", 6);
        return true;
      },
    } as unknown as net.Socket;
    b.push("first", 5);
    b.sendTo(socket, false);
    expect(calls).to.deep.equal(["first"]);
    expect(b.count).to.equal(1);
    b.sendTo(socket, false);
    expect(calls).to.deep.equal(["first", "during"]);
  });
});
