import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FileSender } from "../../protocols";
import type { FileLike } from "../../protocols";
import { StringTransport, assertNoResult, failureResultOf, successResultOf } from "../../testing";
import type { Deferred } from "../../defer";

/**
 * Calls resumeProducing (as a consumer would) until the Deferred fires, waiting a millisecond
 * between calls (file reads run on libuv's thread pool: a busy machine may take a while).
 */
async function drive(sender: FileSender, d: Deferred<Buffer | undefined>): Promise<void> {
  let done = false;
  d.addBoth((r) => {
    done = true;
    return r;
  });
  const deadline = Date.now() + 8000;
  while (!done && Date.now() < deadline) {
    sender.resumeProducing();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe("FileSender (twisted.protocols.basic)", () => {
  it("has CHUNK_SIZE 2**14", () => {
    expect(FileSender.CHUNK_SIZE).to.equal(16384);
  });

  it("registers itself as a non-streaming producer (test_producerRegistered)", () => {
    const consumer = new StringTransport();
    const sender = new FileSender();
    const d = sender.beginFileTransfer(Readable.from([Buffer.from("Test content")]), consumer);
    expect(consumer.producer).to.equal(sender);
    expect(consumer.streaming).to.equal(false);
    sender.stopProducing();
    failureResultOf(d);
  });

  it("sends a Readable and fires with the last byte (test_transfer)", async () => {
    const consumer = new StringTransport();
    const sender = new FileSender();
    const d = sender.beginFileTransfer(Readable.from([Buffer.from("Test content")]), consumer);
    assertNoResult(d);
    await drive(sender, d);
    expect(consumer.producer).to.equal(null);
    expect(successResultOf(d)).to.deep.equal(Buffer.from("t"));
    expect(consumer.value().toString()).to.equal("Test content");
  });

  it("writes at most CHUNK_SIZE bytes per resumeProducing (test_transferMultipleChunks)", async () => {
    const consumer = new StringTransport();
    const sender = new FileSender();
    sender.CHUNK_SIZE = 4;
    const d = sender.beginFileTransfer(Readable.from([Buffer.from("Test content")]), consumer);
    const seen: string[] = [];
    const write = consumer.write;
    consumer.write = (data) => {
      seen.push(String(data));
      write(data);
    };
    await drive(sender, d);
    expect(seen).to.deep.equal(["Test", " con", "tent"]);
    expect(successResultOf(d)).to.deep.equal(Buffer.from("t"));
  });

  it("applies the transform, and fires with its last byte (test_transferWithTransform)", async () => {
    const consumer = new StringTransport();
    const sender = new FileSender();
    const swap = (chunk: Buffer): Buffer =>
      Buffer.from([...chunk.toString()].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""));
    const d = sender.beginFileTransfer(Readable.from([Buffer.from("Test content")]), consumer, swap);
    await drive(sender, d);
    expect(successResultOf(d)).to.deep.equal(Buffer.from("T"));
    expect(consumer.value().toString()).to.equal("tEST CONTENT");
  });

  it("fires with an empty Buffer for an empty source", async () => {
    const consumer = new StringTransport();
    const sender = new FileSender();
    const d = sender.beginFileTransfer(Readable.from([]), consumer);
    await drive(sender, d);
    expect(successResultOf(d)).to.deep.equal(Buffer.alloc(0));
  });

  it("fails when the consumer stops it (test_abortedTransfer)", () => {
    const consumer = new StringTransport();
    const sender = new FileSender();
    const d = sender.beginFileTransfer(Readable.from([Buffer.from("Test content")]), consumer);
    sender.stopProducing();
    const f = failureResultOf(d, Error);
    expect((f.value as Error).message).to.equal("Consumer asked us to stop producing");
  });

  describe("synchronously, as Twisted's tests drive it", () => {
    /** A Readable whose whole content and end are already buffered. */
    const complete = (text: string): Readable => {
      const r = new Readable({ read() {} });
      r.push(Buffer.from(text));
      r.push(null);
      return r;
    };
    /** Python's BytesIO, as a FileLike. */
    class BytesIO implements FileLike {
      #pos = 0;
      constructor(readonly content: Buffer) {}
      read(size: number): Buffer {
        const chunk = this.content.subarray(this.#pos, this.#pos + size);
        this.#pos += chunk.length;
        return chunk;
      }
    }

    for (const [kind, source] of [
      ["a Readable already ended", complete],
      ["a FileLike (BytesIO)", (text: string) => new BytesIO(Buffer.from(text))],
    ] as const) {
      it(`${kind}: finishes on the resumeProducing that reads at the end (test_transfer)`, () => {
        const consumer = new StringTransport();
        const sender = new FileSender();
        const d = sender.beginFileTransfer(source("Test content"), consumer);
        sender.resumeProducing();
        assertNoResult(d);
        sender.resumeProducing();
        expect(consumer.producer).to.equal(null);
        expect(successResultOf(d)).to.deep.equal(Buffer.from("t"));
        expect(consumer.value().toString()).to.equal("Test content");
      });

      it(`${kind}: CHUNK_SIZE bytes per resumeProducing (test_transferMultipleChunks)`, () => {
        const consumer = new StringTransport();
        const sender = new FileSender();
        sender.CHUNK_SIZE = 4;
        const d = sender.beginFileTransfer(source("Test content"), consumer);
        sender.resumeProducing();
        expect(consumer.value().toString()).to.equal("Test");
        sender.resumeProducing();
        expect(consumer.value().toString()).to.equal("Test con");
        sender.resumeProducing();
        expect(consumer.value().toString()).to.equal("Test content");
        assertNoResult(d);
        sender.resumeProducing();
        expect(successResultOf(d)).to.deep.equal(Buffer.from("t"));
        expect(consumer.value().toString()).to.equal("Test content");
      });

      it(`${kind}: with a transform (test_transferWithTransform)`, () => {
        const consumer = new StringTransport();
        const sender = new FileSender();
        const d = sender.beginFileTransfer(source("Test content"), consumer, (c) => Buffer.from(c.toString().toUpperCase()));
        sender.resumeProducing();
        sender.resumeProducing();
        expect(consumer.value().toString()).to.equal("TEST CONTENT");
        expect(successResultOf(d)).to.deep.equal(Buffer.from("T"));
      });

      it(`${kind}: an aborted transfer fails (test_abortedTransfer)`, () => {
        const consumer = new StringTransport();
        const sender = new FileSender();
        const d = sender.beginFileTransfer(source("Test content"), consumer);
        sender.stopProducing();
        const f = failureResultOf(d);
        expect((f.value as Error).message).to.equal("Consumer asked us to stop producing");
      });
    }

    it("an empty FileLike fires with an empty Buffer on the first resumeProducing", () => {
      const consumer = new StringTransport();
      const sender = new FileSender();
      const d = sender.beginFileTransfer(new BytesIO(Buffer.alloc(0)), consumer);
      sender.resumeProducing();
      expect(successResultOf(d)).to.deep.equal(Buffer.alloc(0));
      expect(consumer.producer).to.equal(null);
    });
  });

  describe("with a path", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "filesender-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("sends the file, in chunks of CHUNK_SIZE", async () => {
      const path = join(dir, "data.bin");
      const content = Buffer.alloc(40000);
      for (let i = 0; i < content.length; i++) content[i] = i % 251;
      writeFileSync(path, content);
      const consumer = new StringTransport();
      const sender = new FileSender();
      const sizes: number[] = [];
      const write = consumer.write;
      consumer.write = (data) => {
        sizes.push((data as Buffer).length);
        write(data);
      };
      const d = sender.beginFileTransfer(path, consumer);
      await drive(sender, d);
      expect(consumer.value().equals(content)).to.equal(true);
      expect(Math.max(...sizes)).to.be.at.most(FileSender.CHUNK_SIZE);
      expect(successResultOf(d)).to.deep.equal(content.subarray(-1));
    });

    it("fails with the error of a path that cannot be opened", async () => {
      const consumer = new StringTransport();
      const sender = new FileSender();
      const d = sender.beginFileTransfer(join(dir, "missing"), consumer);
      await drive(sender, d);
      const f = failureResultOf(d, Error);
      expect((f.value as NodeJS.ErrnoException).code).to.equal("ENOENT");
      expect(consumer.producer).to.equal(null);
    });
  });

  it("rejects a file that is neither a path nor a Readable", () => {
    expect(() => new FileSender().beginFileTransfer(42 as unknown as string, new StringTransport())).to.throw(TypeError, /file/);
  });
});
