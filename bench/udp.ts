/**
 * UDP: datagrams echoed over loopback through `reactor.listenUDP` ports (an echo server and a
 * client keeping WINDOW datagrams in flight, sending one more for each echo), against the same
 * over raw node:dgram sockets and over Twisted's listenUDP (bench/twisted/udp.py). Figures are
 * per echoed datagram (a round trip through both ports).
 */
import * as dgram from "node:dgram";
import { Reactor } from "../reactor";
import { DatagramProtocol, type IPv4Address, type UDPPort } from "../net";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, formatCount } from "./harness";
import { comparisonTable, type BenchResult } from "./report";

const WINDOW = 16;
const OURS = "listenUDP: echoed datagrams";
const RAW = "node:dgram: echoed datagrams";
const PAYLOAD = Buffer.alloc(64, 0x61);

class Echo extends DatagramProtocol {
  override noisy = false;
  override datagramReceived(data: Buffer, addr: IPv4Address): void {
    this.transport!.write(data, [addr.host, addr.port]);
  }
}

class Client extends DatagramProtocol {
  override noisy = false;
  remaining = 0;
  inFlight = 0;
  done: (() => void) | null = null;
  target: [string, number] = ["127.0.0.1", 0];
  start(n: number): Promise<void> {
    this.remaining = n;
    return new Promise((resolve) => {
      this.done = resolve;
      while (this.inFlight < WINDOW && this.remaining - this.inFlight > 0) this.#send();
    });
  }
  #send(): void {
    this.inFlight++;
    this.transport!.write(PAYLOAD, this.target);
  }
  override datagramReceived(): void {
    this.inFlight--;
    this.remaining--;
    if (this.remaining === 0) this.done?.();
    else if (this.remaining - this.inFlight > 0) this.#send();
  }
}

function rawEcho(server: dgram.Socket, client: dgram.Socket, n: number): Promise<void> {
  const port = server.address().port;
  let remaining = n;
  let inFlight = 0;
  return new Promise((resolve) => {
    const send = (): void => {
      inFlight++;
      client.send(PAYLOAD, port, "127.0.0.1");
    };
    client.removeAllListeners("message");
    client.on("message", () => {
      inFlight--;
      remaining--;
      if (remaining === 0) resolve();
      else if (remaining - inFlight > 0) send();
    });
    while (inFlight < WINDOW && remaining - inFlight > 0) send();
  });
}

function bound(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const n = ctx.quick ? 10_000 : 100_000;
  const reactor = new Reactor({ installSignalHandlers: false });
  const serverPort: UDPPort = await reactor.listenUDP(0, new Echo(), { interface: "127.0.0.1" }).whenListening();
  const client = new Client();
  const clientPort = await reactor.listenUDP(0, client, { interface: "127.0.0.1" }).whenListening();
  client.target = ["127.0.0.1", serverPort.getHost().port];
  const rawServer = dgram.createSocket("udp4");
  const rawClient = dgram.createSocket("udp4");
  await Promise.all([bound(rawServer), bound(rawClient)]);
  rawServer.on("message", (data, rinfo) => rawServer.send(data, rinfo.port, rinfo.address));
  try {
    const ms = await compare(
      [
        { name: OURS, ops: n, run: () => client.start(n) },
        { name: RAW, ops: n, run: () => rawEcho(rawServer, rawClient, n) },
      ],
      { rounds: ctx.quick ? 3 : 5, progress: ctx.progress, label: `${formatCount(n)} datagrams` },
    );
    const twisted = await ctx.twisted.run("udp.py", { n, window: WINDOW, rounds: ctx.quick ? 3 : 5 });
    return {
      name: "UDP",
      headlines: [
        {
          workload: `UDP: a 64-byte datagram echoed over loopback (${WINDOW} in flight)`,
          kind: "time",
          ours: ms[0].nsPerOp,
          anchor: { name: "node:dgram", value: ms[1].nsPerOp },
          twisted: twistedHeadline(twisted, "echo", n),
          goal: "within 10% of node:dgram",
          met: ms[0].nsPerOp <= ms[1].nsPerOp * 1.1,
        },
      ],
      sections: [
        {
          title: `${formatCount(n)} datagrams echoed over loopback, ${WINDOW} in flight`,
          table: comparisonTable(ms, RAW, [twistedRow(twisted, "listenUDP: echoed datagrams", "echo", n)]),
          notes: [`${(1e9 / ms[0].nsPerOp).toFixed(0)} datagrams a second echoed through listenUDP ports, ${(1e9 / ms[1].nsPerOp).toFixed(0)} through raw sockets.`],
        },
      ],
    };
  } finally {
    await serverPort.stopListening();
    await clientPort.stopListening();
    rawServer.close();
    rawClient.close();
  }
}

/** `npm run bench -- udp`. */
export const udp: Benchmark = {
  name: "udp",
  description: "UDP datagrams echoed over loopback through listenUDP vs raw node:dgram (and Twisted)",
  run,
};
