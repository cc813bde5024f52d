/**
 * net/: TCP transports against raw node:net and Twisted (bench/twisted/net.py), all over
 * 127.0.0.1 with both ends in one process (as each side's own code would run them):
 *
 * 1. Echo throughput: one connection, MB through an echo server (full: 256 MB; quick: 16 MB),
 *    the client writing 64 KiB chunks under flow control. Per op = one MB.
 * 2. Ping-pong: 1-byte request/response round trips over one connection, and over 100
 *    connections at once. Per op = one round trip; the connections are opened before and
 *    closed after the timed part (row 3 times connections).
 * 3. Connections: 1,000 short connections (50 at a time): accept, connectionMade, the client
 *    closes, connectionLost on both sides. Per op = one connection. Every client closes as
 *    Twisted's loseConnection() does: FIN, then the socket is closed without waiting for the
 *    server's FIN (the raw client too, so that both do the same work).
 *
 * Figures are CPU time per op (process user + system; both ends are in the process), wall
 * clock in the notes: on a shared machine the wall clock mostly measures the other load.
 * No forced full GC before each sample (`gc: false`): it makes Node's own stream code start
 * every sample deoptimized, raw node:net's included (docs/design/benchmarks.md).
 * Every server uses backlog 511 (Node's default): 100 clients connecting at once overflow
 * Twisted's default of 50, and a dropped SYN is resent after a second.
 *
 * Goals (issue 14): within 10% of raw node:net, ahead of Twisted.
 */
import * as net from "node:net";
import { ClientFactory, Factory, Protocol, type IPushProducer, type StreamTransport } from "../net";
import { Reactor } from "../reactor";
import type { BenchContext, Benchmark } from "./benchmark";
import { twistedHeadline, twistedRow } from "./benchmark";
import { compare, formatCount, type Measurement, type Workload } from "./harness";
import { comparisonTable, type BenchResult, type Headline } from "./report";

const CHUNK = 64 * 1024;
const MB = 1024 * 1024;

/** A reactor for the I/O (Node delivers the events; it need not run). */
const reactor = new Reactor({ installSignalHandlers: false });

// --- twisted-ts side ---------------------------------------------------------------------------

/** Connections open on one side's echo server: a sample's cleanup waits until it is back to 0. */
const openOn = { ours: 0, raw: 0 };

class Echo extends Protocol {
  override connectionMade(): void {
    openOn.ours++;
  }
  override dataReceived(data: Buffer): void {
    this.transport!.write(data);
  }
  override connectionLost(): void {
    openOn.ours--;
  }
}

/**
 * Waits until `side`'s echo server has no connection open (a sample's connections are closed in
 * its own time, not the next sample's). Bounded: a close that never comes fails the run.
 */
async function allClosed(side: keyof typeof openOn): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (openOn[side] > 0) {
    if (Date.now() > deadline) throw new Error(`bench/net: ${openOn[side]} ${side} connections still open after 10 s`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A twisted-ts echo server on 127.0.0.1: its port number, and how to stop it. */
async function oursEchoServer(): Promise<{ number: number; stop: () => Promise<void> }> {
  const f = Factory.forProtocol(Echo);
  f.noisy = false;
  // Backlog 511 (Node's default) on every server here: 100 clients connecting at once overflow
  // Twisted's default of 50, and a dropped SYN is resent only after a second.
  const port = reactor.listenTCP(0, f, { interface: "127.0.0.1", backlog: 511 });
  await port.whenListening();
  return { number: (port.getHost() as { port: number }).port, stop: async () => void (await port.stopListening()) };
}

/** One client connection made with connectTCP; resolves with its protocol once connected. */
function oursConnect<P extends Protocol>(portNumber: number, protocol: P): Promise<P> {
  return new Promise((resolve, reject) => {
    const f = new (class extends ClientFactory {
      override noisy = false;
      override buildProtocol(): P {
        return protocol;
      }
      override clientConnectionFailed(_c: unknown, reason: { value: unknown }): void {
        reject(reason.value);
      }
    })();
    const made = protocol.connectionMade.bind(protocol);
    protocol.connectionMade = () => {
      made();
      resolve(protocol);
    };
    reactor.connectTCP("127.0.0.1", portNumber, f);
  });
}

/** Sends `total` bytes in CHUNK writes as a push producer; resolves once all came back. */
class ThroughputClient extends Protocol implements IPushProducer {
  #sent = 0;
  #received = 0;
  #paused = false;
  #scheduled = false;
  #done: () => void = () => {};
  constructor(
    readonly total: number,
    readonly chunk: Buffer,
  ) {
    super();
  }
  start(): Promise<void> {
    return new Promise((resolve) => {
      this.#done = resolve;
      (this.transport as StreamTransport).registerProducer(this, true);
      this.resumeProducing();
    });
  }
  override dataReceived(data: Buffer): void {
    this.#received += data.length;
    if (this.#received >= this.total) {
      (this.transport as StreamTransport).unregisterProducer();
      this.transport!.loseConnection();
      this.#done();
    }
  }
  pauseProducing(): void {
    this.#paused = true;
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
    const t = this.transport!;
    while (!this.#paused && this.#sent < this.total) {
      t.write(this.chunk);
      this.#sent += this.chunk.length;
    }
  };
}

class PingClient extends Protocol {
  #left = 0;
  #done: () => void = () => {};
  run(n: number): Promise<void> {
    return new Promise((resolve) => {
      this.#left = n;
      this.#done = resolve;
      this.transport!.write("x");
    });
  }
  override dataReceived(): void {
    if (--this.#left > 0) this.transport!.write("x");
    else this.#done();
  }
}

async function oursEcho(portNumber: number, total: number, chunk: Buffer): Promise<void> {
  const c = await oursConnect(portNumber, new ThroughputClient(total, chunk));
  await c.start();
}

/** Ping-pong round trips over `connections` connections, opened and closed outside the timing. */
function oursPingPong(name: string, portNumber: number, connections: number, perConnection: number): Workload {
  let clients: PingClient[] = [];
  return {
    name,
    ops: connections * perConnection,
    prepare: async () => {
      clients = await Promise.all(Array.from({ length: connections }, () => oursConnect(portNumber, new PingClient())));
    },
    run: async () => void (await Promise.all(clients.map((c) => c.run(perConnection)))),
    cleanup: async () => {
      for (const c of clients) c.transport!.loseConnection();
      clients = [];
      await allClosed("ours");
    },
  };
}

/** n connections, `parallel` at a time: the client closes on connectionMade; done when the server saw each lost. */
async function oursConnections(n: number, parallel: number): Promise<void> {
  let lost = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  class Server extends Protocol {
    override connectionLost(): void {
      if (++lost === n) resolveAll();
    }
  }
  const f = Factory.forProtocol(Server);
  f.noisy = false;
  // Node's default backlog (511), as the raw server's: with Twisted's 50, clients that connect
  // and close faster than the accepts fill the queue, and the dropped SYNs wait 1 s to be resent.
  const port = reactor.listenTCP(0, f, { interface: "127.0.0.1", backlog: 511 });
  await port.whenListening();
  const number = (port.getHost() as { port: number }).port;
  class Closer extends Protocol {
    override connectionMade(): void {
      this.transport!.loseConnection();
    }
  }
  let started = 0;
  const cf = new (class extends ClientFactory {
    override noisy = false;
    override clientConnectionLost(): void {
      if (started < n) {
        started++;
        reactor.connectTCP("127.0.0.1", number, cf);
      }
    }
  })();
  cf.protocol = Closer;
  for (; started < Math.min(parallel, n); started++) reactor.connectTCP("127.0.0.1", number, cf);
  await all;
  await port.stopListening();
}

// --- raw node:net side -------------------------------------------------------------------------

async function rawEchoServer(): Promise<number> {
  const server = net.createServer((s) => {
    openOn.raw++;
    s.on("data", (d) => s.write(d));
    s.on("error", () => {});
    s.on("close", () => openOn.raw--);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  server.unref();
  return (server.address() as net.AddressInfo).port;
}

function rawConnect(portNumber: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(portNumber, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

async function rawEcho(portNumber: number, total: number, chunk: Buffer): Promise<void> {
  const s = await rawConnect(portNumber);
  await new Promise<void>((resolve) => {
    let sent = 0;
    let received = 0;
    s.on("data", (d: Buffer) => {
      received += d.length;
      if (received >= total) {
        s.end();
        resolve();
      }
    });
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!s.write(chunk)) {
          s.once("drain", () => setImmediate(pump));
          return;
        }
      }
    };
    pump();
  });
}

/** As {@link oursPingPong}, on raw sockets. */
function rawPingPong(name: string, portNumber: number, connections: number, perConnection: number): Workload {
  let sockets: net.Socket[] = [];
  return {
    name,
    ops: connections * perConnection,
    prepare: async () => {
      sockets = await Promise.all(Array.from({ length: connections }, () => rawConnect(portNumber)));
    },
    run: async () =>
      void (await Promise.all(
        sockets.map(
          (s) =>
            new Promise<void>((resolve) => {
              let left = perConnection;
              s.removeAllListeners("data");
              s.on("data", () => {
                if (--left > 0) s.write("x");
                else resolve();
              });
              s.write("x");
            }),
        ),
      )),
    cleanup: async () => {
      for (const s of sockets) s.end();
      sockets = [];
      await allClosed("raw");
    },
  };
}

/**
 * Raw node:net connections. `shaped`: also what Twisted's model needs from Node for each one,
 * and nothing of twisted-ts: half-open sockets (the transport decides what a FIN means), the
 * peer's address read at accept (for `buildProtocol`), this side's at connect (`getHost()`), a
 * 30 s connect timeout set and cleared, and the listeners a transport keeps. The floor under any
 * Twisted-shaped layer on node:net.
 */
async function rawConnections(n: number, parallel: number, shaped = false): Promise<void> {
  let lost = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const server = net.createServer({ allowHalfOpen: shaped }, (s) => {
    s.on("error", () => {});
    s.on("close", () => {
      if (++lost === n) resolveAll();
    });
    if (shaped) {
      void s.remoteAddress;
      s.on("data", () => {});
      s.on("end", () => s.end());
      s.on("finish", () => {});
    } else {
      s.resume();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const number = (server.address() as net.AddressInfo).port;
  let started = 0;
  const one = (): void => {
    started++;
    const c = net.connect({ port: number, host: "127.0.0.1", allowHalfOpen: shaped });
    const timeout = shaped ? setTimeout(() => c.destroy(), 30_000) : undefined;
    c.on("connect", () => {
      if (shaped) {
        clearTimeout(timeout);
        void c.localPort;
        c.on("data", () => {});
        c.on("end", () => {});
      }
      // Closed as a Twisted transport's loseConnection() closes: FIN, then the socket is
      // closed once that is sent, without waiting for the server's FIN.
      c.end();
    });
    c.on("finish", () => c.destroy());
    c.on("error", () => {});
    if (!shaped) c.resume();
    c.on("close", () => {
      if (started < n) one();
    });
  };
  while (started < Math.min(parallel, n)) one();
  await all;
  await new Promise<void>((r) => server.close(() => r()));
}

// --- the benchmark -----------------------------------------------------------------------------

function perSecond(m: Measurement): string {
  return formatCount(Math.round(1e9 / m.nsPerOp));
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const q = ctx.quick;
  const echoMB = q ? 4 : 256;
  const pings = q ? 500 : 20_000;
  const pings100 = q ? 5 : 200; // per connection, 100 connections
  const conns = q ? 100 : 1_000;
  const rounds = q ? 2 : 5;
  const chunk = Buffer.alloc(CHUNK, 0x61);
  const oursServer = await oursEchoServer();
  const ours = oursServer.number;
  const raw = await rawEchoServer();

  const echo = await compare(
    [
      { name: "twisted-ts echo (per MB)", ops: echoMB, run: () => oursEcho(ours, echoMB * MB, chunk), cleanup: () => allClosed("ours") },
      { name: "node:net echo (per MB)", ops: echoMB, run: () => rawEcho(raw, echoMB * MB, chunk), cleanup: () => allClosed("raw") },
    ],
    { rounds, gc: false, progress: ctx.progress, label: `echo ${echoMB} MB` },
  );
  const ping1 = await compare(
    [
      oursPingPong("twisted-ts ping-pong, 1 connection", ours, 1, pings),
      rawPingPong("node:net ping-pong, 1 connection", raw, 1, pings),
    ],
    { rounds, gc: false, progress: ctx.progress, label: "ping-pong, 1 connection" },
  );
  const ping100 = await compare(
    [
      oursPingPong("twisted-ts ping-pong, 100 connections", ours, 100, pings100),
      rawPingPong("node:net ping-pong, 100 connections", raw, 100, pings100),
    ],
    { rounds, gc: false, progress: ctx.progress, label: "ping-pong, 100 connections" },
  );
  const connections = await compare(
    [
      { name: "twisted-ts connections", ops: conns, run: () => oursConnections(conns, 50) },
      { name: "node:net connections", ops: conns, run: () => rawConnections(conns, 50) },
      { name: "node:net connections, Twisted-shaped", ops: conns, run: () => rawConnections(conns, 50, true) },
    ],
    { rounds, gc: false, progress: ctx.progress, label: `${conns} connections` },
  );
  await oursServer.stop();

  const twisted = await ctx.twisted.run("net.py", { echo_mb: echoMB, pings, pings100, conns, rounds });
  // CPU time (both ends run in the measuring process, as in Twisted's script): on a shared
  // machine, wall time mostly measures the other processes' load.
  const headline = (workload: string, m: Measurement[], key: string, n: number): Headline => {
    const tw = twistedHeadline(twisted, key, n, "cpu");
    return {
      workload: `${workload}, CPU`,
      kind: "time",
      ours: m[0].cpuNsPerOp,
      anchor: { name: "raw node:net", value: m[1].cpuNsPerOp },
      twisted: tw,
      goal: "≤ 1.1× node:net, < Twisted",
      met: m[0].cpuNsPerOp <= m[1].cpuNsPerOp * 1.1 && (typeof tw !== "number" || m[0].cpuNsPerOp < tw),
    };
  };
  return {
    name: "net",
    headlines: [
      headline("TCP echo throughput (per MB)", echo, "echo", echoMB),
      headline("TCP ping-pong round trip, 1 connection", ping1, "pingpong1", pings),
      headline("TCP ping-pong round trip, 100 connections", ping100, "pingpong100", 100 * pings100),
      headline("TCP connection (accept, made, lost)", connections, "connections", conns),
    ],
    sections: [
      {
        title: `Echo: ${echoMB} MB through one connection in 64 KiB writes (median of ${rounds} rounds)`,
        table: comparisonTable(echo, echo[1].name, [twistedRow(twisted, "Twisted echo (per MB)", "echo", echoMB, "cpu")], "cpu"),
        notes: [
          `Wall clock: twisted-ts ${(1e9 / echo[0].nsPerOp).toFixed(0)} MB/s; node:net ${(1e9 / echo[1].nsPerOp).toFixed(0)} MB/s ` +
            `(per CPU second: ${(1e9 / echo[0].cpuNsPerOp).toFixed(0)} and ${(1e9 / echo[1].cpuNsPerOp).toFixed(0)} MB).`,
        ],
      },
      {
        title: `Ping-pong: 1-byte round trips (median of ${rounds} rounds)`,
        table: comparisonTable(
          [...ping1, ...ping100],
          ping1[1].name,
          [
            twistedRow(twisted, "Twisted ping-pong, 1 connection", "pingpong1", pings, "cpu"),
            twistedRow(twisted, "Twisted ping-pong, 100 connections", "pingpong100", 100 * pings100, "cpu"),
          ],
          "cpu",
        ),
        notes: [
          `Wall-clock round trips per second, 1 connection: twisted-ts ${perSecond(ping1[0])}, node:net ${perSecond(ping1[1])}; ` +
            `100 connections: twisted-ts ${perSecond(ping100[0])}, node:net ${perSecond(ping100[1])}.`,
        ],
      },
      {
        title: `Connections: ${conns} short connections, 50 at a time (median of ${rounds} rounds)`,
        table: comparisonTable(connections, connections[1].name, [twistedRow(twisted, "Twisted connections", "connections", conns, "cpu")], "cpu"),
        notes: [
          `Wall-clock connections per second: twisted-ts ${perSecond(connections[0])}, node:net ${perSecond(connections[1])} ` +
            "(both can wait a second for SYNs dropped while Node accepts one connection per turn of its loop: docs/design/benchmarks.md).",
          "Twisted-shaped: raw node:net plus what Twisted's model needs from Node per connection (half-open sockets, the peer's " +
            "address at accept, this side's at connect, a connect timeout, a transport's listeners), none of twisted-ts: " +
            "the floor under any Twisted-shaped layer on node:net.",
        ],
      },
    ],
  };
}

/** `npm run bench -- net`. */
export const netBench: Benchmark = {
  name: "net",
  description: "TCP echo throughput, ping-pong and connections/s vs raw node:net and Twisted",
  run,
};
