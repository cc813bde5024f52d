/**
 * Flow control end to end: a push producer on the server's transport feeding a client that reads
 * slowly keeps memory bounded (the producer is paused past the high-water mark and resumed on
 * drain), and the client's pauseProducing holds the data in the kernel, not in the heap.
 *
 * The contract's figure is 1 GB; the unit test sends 256 MB (the bound, a few MB above the
 * baseline, does not depend on the amount: without flow control, the heap would grow by the
 * whole amount). bench/net.ts has the full-size run.
 */
import { expect } from "chai";
import type { IPushProducer, StreamTransport } from "../../net";
import type { Reactor } from "../../reactor";
import { _disconnectAll } from "../../net/registry";
import { newReactor } from "../helpers/reactor";
import { Recorder, RecordingClientFactory, ServerRecorderFactory, listenLocal, later } from "../helpers/net";
import { Protocol } from "../../net";

const TOTAL = 1024 * 1024 * 1024; // 1 GB, as the contract says
const CHUNK_SIZE = 64 * 1024;

/** Writes CHUNK after CHUNK while not paused (one batch per turn of the loop), TOTAL bytes. */
class Sender extends Protocol implements IPushProducer {
  sent = 0;
  pauses = 0;
  #paused = false;
  #scheduled = false;
  override connectionMade(): void {
    (this.transport as StreamTransport).registerProducer(this, true);
    this.resumeProducing();
  }
  pauseProducing(): void {
    this.#paused = true;
    this.pauses++;
  }
  resumeProducing(): void {
    this.#paused = false;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#produce);
    }
  }
  stopProducing(): void {
    this.#paused = true;
  }
  readonly #produce = (): void => {
    this.#scheduled = false;
    const t = this.transport as StreamTransport;
    // Keep writing until the transport pauses us (or everything is sent).
    while (!this.#paused && this.sent < TOTAL) {
      // A new buffer each time: whatever is queued is memory held (a reused one would hide it).
      t.write(Buffer.allocUnsafe(CHUNK_SIZE));
      this.sent += CHUNK_SIZE;
    }
    if (this.sent >= TOTAL) {
      t.unregisterProducer();
      t.loseConnection();
    } else if (!this.#paused) {
      this.resumeProducing();
    }
  };
}

/** Counts bytes, pausing its transport for a moment every few MB: a slow reader. */
class SlowReader extends Recorder {
  count = 0;
  #sincePause = 0;
  #sinceSample = 0;
  override dataReceived(data: Buffer): void {
    this.count += data.length;
    this.#sincePause += data.length;
    this.#sinceSample += data.length;
    if (this.#sinceSample >= 64 * 1024 * 1024) {
      this.#sinceSample = 0;
      sample();
    }
    if (this.#sincePause >= 4 * 1024 * 1024) {
      this.#sincePause = 0;
      const t = this.transport as StreamTransport;
      t.pauseProducing();
      setTimeout(t.resumeProducing, 2);
    }
  }
}

let baseline = { heap: 0, buffers: 0 };
let peak = { heap: 0, buffers: 0 };
let samples = 0;

/**
 * Memory above the baseline now, after a full collection (only what is still referenced): the
 * JS heap, and the Buffers alive (`arrayBuffers`; their release after a collection lags a little,
 * so a sample may count a few MB of chunks already dropped). `external` is left out: it also
 * counts Node's socket bookkeeping, ~35 MB for raw node:net as much as here, not growing.
 */
function sample(): void {
  samples++;
  const m = memory();
  peak = { heap: Math.max(peak.heap, m.heap - baseline.heap), buffers: Math.max(peak.buffers, m.buffers - baseline.buffers) };
}

function memory(): { heap: number; buffers: number } {
  global.gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
}

describe("flow control (real sockets)", function () {
  this.timeout(60_000);
  let r: Reactor;
  beforeEach(() => {
    r = newReactor();
  });
  afterEach(() => _disconnectAll(r));

  it("a server sending 1 GB to a slow reader keeps memory bounded", async () => {
    baseline = memory();
    peak = { heap: 0, buffers: 0 };
    samples = 0;
    const sf = new ServerRecorderFactory(Sender);
    const { port, number } = await listenLocal(r, sf);
    const cf = new RecordingClientFactory(SlowReader);
    r.connectTCP("127.0.0.1", number, cf);
    const lost = later();
    void cf.connectionLost.then(() => lost.resolve());
    await lost.promise;
    const sender = sf.protocols[0];
    const reader = cf.protocols[0];
    expect(reader.count).to.equal(TOTAL);
    expect(sender.pauses).to.be.greaterThan(0);
    expect(samples).to.be.at.least(15); // one every 64 MB read
    // A few MB above the baseline (without flow control the Buffers would be the 1 GB sent).
    const MB = 1024 * 1024;
    expect(peak.heap, "heap growth").to.be.lessThan(8 * MB);
    expect(peak.buffers, "Buffers alive").to.be.lessThan(48 * MB);
    await port.stopListening();
  });
});
