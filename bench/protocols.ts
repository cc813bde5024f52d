/**
 * LineReceiver's parser: N lines of about 20 bytes ("line 0000012345 ab\r\n") delivered in
 * 64 KB reads, lines per second (ns per line), against a plain split of the same Buffers (carry
 * the partial line over, `indexOf` the delimiter, a `subarray` and a call per line: what a
 * hand-written parser does) and against Twisted's LineReceiver (bench/twisted/protocols.py).
 * N = 1,000,000 (quick: 200,000). Then a single long line of 1 MB and of 10 MB (quick: 256 KB
 * and 2.5 MB) arriving in 1 KB reads with MAX_LENGTH raised: ns per byte at both sizes (a linear
 * parser costs the same per byte at both; Twisted's, which re-scans its whole buffer on each
 * read, is measured at 1 MB only).
 *
 * Figures are CPU time (process.cpuUsage / time.process_time), not wall time: the parser never
 * waits, and CPU time is what stays comparable when the machine is shared.
 */
import { LineOnlyReceiver, LineReceiver } from "../protocols";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, consume, formatCount, type Measurement } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

const CRLF = Buffer.from("\r\n");
const READ = 64 * 1024;
let lines = 0;

/** N lines of 20 bytes each (with CRLF), cut into reads of `read` bytes. */
function makeReads(n: number, read: number): Buffer[] {
  const all = Buffer.allocUnsafe(n * 20);
  for (let i = 0; i < n; i++) all.write(`line ${String(i).padStart(10, "0")} ab\r\n`, i * 20, "latin1");
  const reads: Buffer[] = [];
  for (let off = 0; off < all.length; off += read) reads.push(all.subarray(off, Math.min(all.length, off + read)));
  return reads;
}

class Counting extends LineReceiver {
  override lineReceived(_line: Buffer): void {
    lines++;
  }
}

class CountingOnly extends LineOnlyReceiver {
  override lineReceived(_line: Buffer): void {
    lines++;
  }
}

function onLine(_line: Buffer): void {
  lines++;
}

/** The anchor: a plain split of the same reads, with the partial line carried over. */
function plainSplit(reads: readonly Buffer[]): void {
  let rest: Buffer | null = null;
  for (const read of reads) {
    const data: Buffer = rest === null ? read : Buffer.concat([rest, read]);
    let off = 0;
    for (let i = data.indexOf(CRLF, off); i >= 0; i = data.indexOf(CRLF, off)) {
      onLine(data.subarray(off, i));
      off = i + 2;
    }
    rest = off < data.length ? data.subarray(off) : null;
  }
}

function feed(p: { dataReceived(d: Buffer): unknown }, reads: readonly Buffer[]): void {
  for (const read of reads) p.dataReceived(read);
}

/** ns per byte of one line of `size` bytes arriving in 1 KB reads. */
async function longLine(ctx: BenchContext, size: number): Promise<Measurement> {
  const piece = Buffer.alloc(1024, 0x61);
  const count = size / 1024;
  const [m] = await compare(
    [
      {
        name: `LineReceiver: one ${formatCount(size)}-byte line in 1 KB reads`,
        ops: size,
        run: () => {
          const p = new Counting();
          p.MAX_LENGTH = size + 1;
          for (let i = 0; i < count; i++) p.dataReceived(piece);
          p.dataReceived(CRLF);
        },
      },
    ],
    { rounds: ctx.quick ? 3 : 5, progress: ctx.progress, label: `long line, ${formatCount(size)} bytes` },
  );
  return m;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 200_000 : 1_000_000;
  const reads = makeReads(n, READ);
  const [ours, only, split] = await compare(
    [
      { name: "LineReceiver.dataReceived, 64 KB reads", ops: n, run: () => feed(new Counting(), reads) },
      { name: "LineOnlyReceiver.dataReceived, 64 KB reads", ops: n, run: () => feed(new CountingOnly(), reads) },
      { name: "plain split (indexOf + subarray)", ops: n, run: () => plainSplit(reads) },
    ],
    { rounds: ctx.quick ? 3 : 7, progress: ctx.progress, label: `${formatCount(n)} lines` },
  );
  const small = ctx.quick ? 256 * 1024 : 1024 * 1024;
  const big = small * 10;
  const longSmall = await longLine(ctx, small);
  const longBig = await longLine(ctx, big);
  consume(lines);
  const twisted = await ctx.twisted.run("protocols.py", {
    n,
    read: READ,
    long: small,
    rounds: ctx.quick ? 2 : 3,
  });
  const growth = longBig.cpuNsPerOp / longSmall.cpuNsPerOp;
  const tw = twistedHeadline(twisted, "lines", n, "cpu");
  const vsTwisted = typeof tw === "number" ? tw / ours.cpuNsPerOp : undefined;
  return {
    name: "LineReceiver",
    headlines: [
      {
        workload: `LineReceiver: ${formatCount(n)} 20-byte lines in 64 KB reads (per line)`,
        kind: "time",
        ours: ours.cpuNsPerOp,
        anchor: { name: "plain split", value: split.cpuNsPerOp },
        twisted: tw,
        goal: "≥ 5x Twisted, ≤ 2x plain split",
        met: ours.cpuNsPerOp <= 2 * split.cpuNsPerOp && (vsTwisted === undefined || vsTwisted >= 5),
      },
      {
        workload: `LineReceiver: one ${formatCount(big)}-byte line in 1 KB reads (per byte; anchor: the same at ${formatCount(small)} bytes)`,
        kind: "time",
        ours: longBig.cpuNsPerOp,
        anchor: { name: `per byte at ${formatCount(small)} bytes`, value: longSmall.cpuNsPerOp },
        goal: "linear: about the same per byte at both sizes",
        met: growth < 1.5,
      },
    ],
    sections: [
      {
        title: `${formatCount(n)} lines of 20 bytes in 64 KB reads (CPU time per line)`,
        table: comparisonTable(
          [ours, only, split],
          "plain split (indexOf + subarray)",
          [twistedRow(twisted, "LineReceiver.dataReceived, 64 KB reads", "lines", n, "cpu")],
          "cpu",
        ),
        notes: [
          "Twisted's LineReceiver splits its buffer once per line (`buffer.split(delimiter, 1)`), copying the rest of the read each time: " +
            "its cost per line grows with the read size. twisted-ts's moves an offset and hands out views of the read.",
        ],
      },
      {
        title: "One long line arriving in 1 KB reads (MAX_LENGTH raised), per byte",
        table: comparisonTable(
          [longSmall, longBig],
          longSmall.name,
          [twistedRow(twisted, `LineReceiver: one ${formatCount(small)}-byte line in 1 KB reads`, "long", small, "cpu")],
          "cpu",
        ),
        notes: [
          `ns per byte at ${formatCount(big)} bytes ÷ at ${formatCount(small)}: ${growth.toFixed(2)} (1 is linear; a parser re-scanning its buffer on each read would give about 10).`,
        ],
      },
    ],
  };
}

/** `npm run bench -- protocols`. */
export const protocols: Benchmark = {
  name: "protocols",
  description: "LineReceiver on 1,000,000 short lines in 64 KB reads vs a plain split and Twisted's; a 10 MB line in 1 KB reads (linear)",
  run,
};
