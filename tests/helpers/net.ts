/** Helpers for the real-socket tests of net/: recording protocols, listening and connecting. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Failure } from "../../core/failure";
import { ClientFactory, Factory, Protocol, type IConnector, type IPushProducer, type ListeningPort } from "../../net";
import type { Reactor } from "../../reactor";

/** A promise with its resolve function outside. */
export function later<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A protocol that records what happens to it; `made`, `lost` and `received(n)` wait for it. */
export class Recorder extends Protocol {
  readonly events: string[] = [];
  readonly chunks: Buffer[] = [];
  lostReasons: Failure[] = [];
  connectedAtLost: boolean | null = null;
  readonly #made = later();
  readonly #lost = later<Failure>();
  #waiters: Array<{ n: number; resolve: () => void }> = [];
  get made(): Promise<void> {
    return this.#made.promise;
  }
  get lost(): Promise<Failure> {
    return this.#lost.promise;
  }
  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
  /** Resolves once at least `n` bytes were received. */
  received(n: number): Promise<void> {
    if (this.bytes >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }
  override connectionMade(): void {
    this.events.push("made");
    this.#made.resolve();
  }
  override dataReceived(data: Buffer): void {
    this.chunks.push(data);
    const total = this.bytes;
    this.#waiters = this.#waiters.filter((w) => {
      if (total >= w.n) w.resolve();
      return total < w.n;
    });
  }
  override connectionLost(reason: Failure): void {
    this.events.push("lost");
    this.connectedAtLost = this.connected;
    this.lostReasons.push(reason);
    this.#lost.resolve(reason);
  }
}

/** A client factory recording its callbacks; `failed` resolves with the first failure. */
export class RecordingClientFactory<P extends Protocol = Protocol> extends ClientFactory<P> {
  readonly calls: string[] = [];
  readonly protocols: P[] = [];
  readonly #failed = later<Failure>();
  readonly #lostConn = later<Failure>();
  constructor(protocol: new () => P) {
    super();
    this.protocol = protocol;
    this.noisy = false;
  }
  get failed(): Promise<Failure> {
    return this.#failed.promise;
  }
  get connectionLost(): Promise<Failure> {
    return this.#lostConn.promise;
  }
  override startFactory(): void {
    this.calls.push("startFactory");
  }
  override stopFactory(): void {
    this.calls.push("stopFactory");
  }
  override startedConnecting(_c: IConnector): void {
    this.calls.push("startedConnecting");
  }
  override buildProtocol(addr: Parameters<ClientFactory["buildProtocol"]>[0]): P | null {
    const p = super.buildProtocol(addr);
    if (p !== null) this.protocols.push(p);
    return p;
  }
  override clientConnectionFailed(_c: IConnector, reason: Failure): void {
    this.calls.push("clientConnectionFailed");
    this.#failed.resolve(reason);
  }
  override clientConnectionLost(_c: IConnector, reason: Failure): void {
    this.calls.push("clientConnectionLost");
    this.#lostConn.resolve(reason);
  }
}

/** A server factory (not noisy) keeping the protocols it built. */
export class ServerRecorderFactory<P extends Protocol = Protocol> extends Factory<P> {
  readonly protocols: P[] = [];
  readonly #built: Array<(p: P) => void> = [];
  constructor(protocol: new () => P) {
    super();
    this.protocol = protocol;
    this.noisy = false;
  }
  /** Resolves with the `i`th protocol built. */
  nth(i: number): Promise<P> {
    if (this.protocols.length > i) return Promise.resolve(this.protocols[i]);
    return new Promise((resolve) => this.#built.push(() => this.protocols.length > i && resolve(this.protocols[i])));
  }
  override buildProtocol(addr: Parameters<Factory["buildProtocol"]>[0]): P | null {
    const p = super.buildProtocol(addr);
    if (p !== null) {
      this.protocols.push(p);
      for (const f of this.#built) f(p);
    }
    return p;
  }
}

/** The port number of a bound TCP port, once bound. */
export async function boundPort(port: ListeningPort): Promise<number> {
  await port.whenListening();
  return (port.getHost() as { port: number }).port;
}

/** Listens on 127.0.0.1 port 0 and waits for the bind; returns the port and its number. */
export async function listenLocal(r: Reactor, factory: Factory): Promise<{ port: ListeningPort; number: number }> {
  const port = r.listenTCP(0, factory, { interface: "127.0.0.1" });
  return { port, number: await boundPort(port) };
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tts-net-"));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Waits `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

let certificate: Promise<{ key: string; cert: string }> | undefined;

/** A self-signed certificate for "localhost" and 127.0.0.1, made once per test run. */
export function localhostCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= (async () => {
    const selfsigned = await import("selfsigned");
    const pems = await selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
          ],
        },
      ],
    });
    return { key: pems.private, cert: pems.cert };
  })();
  return certificate;
}

/** Resolves once `cond()` holds (polled every 2 ms); fails after `ms` milliseconds. */
export async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await sleep(2);
  }
}

/** A Recorder that records the half-closes (Twisted's test_tcp MyHCProtocol; it calls nothing itself). */
export class HalfCloseRecorder extends Recorder {
  readHalfClosed = false;
  writeHalfClosed = false;
  readConnectionLost(): void {
    this.events.push("readConnectionLost");
    this.readHalfClosed = true;
  }
  writeConnectionLost(): void {
    this.events.push("writeConnectionLost");
    this.writeHalfClosed = true;
  }
}

/** A push producer that records each call ("pause", "resume", "stop") in `actions`. */
export function recordingPushProducer(): IPushProducer & { actions: string[] } {
  const actions: string[] = [];
  return {
    actions,
    pauseProducing: () => void actions.push("pause"),
    resumeProducing: () => void actions.push("resume"),
    stopProducing: () => void actions.push("stop"),
  };
}
