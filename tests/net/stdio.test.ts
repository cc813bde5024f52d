import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { PassThrough, Writable } from "node:stream";
import type { Failure } from "../../core/failure";
import { ConnectionDone, ConnectionLost, PipeAddress, Protocol, StandardIO, type IPullProducer } from "../../net";
import { flushLoggedErrors } from "../setup";
import { newReactor, runReactor } from "../helpers/reactor";
import { later, recordingPushProducer } from "../helpers/net";

/** Records what happens to it. */
class Recorder extends Protocol {
  readonly received: string[] = [];
  readonly events: string[] = [];
  reason: Failure | null = null;
  readonly lost = later<Failure>();
  override connectionMade(): void {
    this.events.push("made");
  }
  override dataReceived(data: Buffer): void {
    this.received.push(data.toString());
  }
  override connectionLost(reason: Failure): void {
    this.events.push("lost");
    this.reason = reason;
    this.lost.resolve(reason);
  }
}

class HalfCloser extends Recorder {
  readConnectionLost(): void {
    this.events.push("readConnectionLost");
  }
  writeConnectionLost(): void {
    this.events.push("writeConnectionLost");
  }
}

function pipes(): { stdin: PassThrough; stdout: PassThrough; output: () => string } {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on("data", (c: Buffer) => chunks.push(c));
  return { stdin, stdout, output: () => Buffer.concat(chunks).toString() };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("net/stdio: StandardIO (twisted.internet.stdio)", () => {
  it("connects at once; stdin goes to dataReceived, write goes to stdout; the addresses are PipeAddress", async () => {
    const { stdin, stdout, output } = pipes();
    const p = new Recorder();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    expect(p.events).to.deep.equal(["made"]);
    expect(p.transport).to.equal(t);
    expect(t.getPeer()).to.be.instanceOf(PipeAddress);
    expect(String(t.getHost())).to.equal("PipeAddress()");
    stdin.write("hello");
    await tick();
    expect(p.received).to.deep.equal(["hello"]);
    t.write("out ");
    t.writeSequence([Buffer.from("a"), "b"]);
    await tick();
    expect(output()).to.equal("out ab");
    expect(() => t.write(42 as unknown as string)).to.throw(TypeError, /Buffer, Uint8Array or string/);
    t.loseConnection();
    await p.lost.promise;
  });

  it("the end of stdin loses the connection (ConnectionDone) for a protocol that is not half-closeable", async () => {
    const { stdin, stdout } = pipes();
    const p = new Recorder();
    new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    stdin.end("last");
    const reason = await p.lost.promise;
    expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
    expect(p.received).to.deep.equal(["last"]);
    expect(p.connected).to.equal(false);
  });

  it("a half-closeable protocol gets readConnectionLost and can still write; loseConnection then ends it", async () => {
    const { stdin, stdout, output } = pipes();
    const p = new HalfCloser();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    stdin.end();
    await tick();
    await tick();
    expect(p.events).to.deep.equal(["made", "readConnectionLost"]);
    t.write("still here");
    t.loseConnection();
    await p.lost.promise;
    expect(output()).to.equal("still here");
    expect(p.events).to.deep.equal(["made", "readConnectionLost", "lost"]);
  });

  it("loseWriteConnection ends stdout and tells writeConnectionLost; reading goes on", async () => {
    const { stdin, stdout } = pipes();
    let ended = false;
    stdout.on("finish", () => (ended = true));
    const p = new HalfCloser();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    t.write("x");
    t.loseWriteConnection();
    await tick();
    await tick();
    expect(ended).to.equal(true);
    expect(p.events).to.deep.equal(["made", "writeConnectionLost"]);
    t.write("ignored"); // after the half-close
    stdin.write("more");
    await tick();
    expect(p.received).to.deep.equal(["more"]);
    t.loseConnection();
    await p.lost.promise;
  });

  it("loseConnection flushes and ends stdout, stops reading, then ConnectionDone once; later writes are ignored", async () => {
    const { stdin, stdout, output } = pipes();
    const p = new Recorder();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    t.write("bye");
    t.loseConnection();
    t.loseConnection();
    t.write("late");
    expect(t.disconnecting).to.equal(true);
    const reason = await p.lost.promise;
    expect(reason.check(ConnectionDone)).to.equal(ConnectionDone);
    stdin.write("unread");
    await tick();
    expect(p.received).to.deep.equal([]);
    expect(output()).to.equal("bye");
    expect(p.events).to.deep.equal(["made", "lost"]);
    expect(t.disconnected).to.equal(true);
  });

  it("is a push producer: pauseProducing stops reading stdin until resumeProducing", async () => {
    const { stdin, stdout } = pipes();
    const p = new Recorder();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    t.pauseProducing();
    stdin.write("held");
    await tick();
    expect(p.received).to.deep.equal([]);
    t.resumeProducing();
    await tick();
    expect(p.received).to.deep.equal(["held"]);
    t.loseConnection();
    await p.lost.promise;
  });

  it("a push producer is paused while stdout is past its high-water mark, resumed on drain, stopped at the end", async () => {
    const { stdin } = pipes();
    let release: (() => void) | null = null;
    const slow = new Writable({
      highWaterMark: 4,
      write(_chunk, _enc, cb): void {
        release = cb;
      },
    });
    const p = new Recorder();
    const t = new StandardIO(p, { stdin, stdout: slow, reactor: newReactor() });
    const producer = recordingPushProducer();
    const actions = producer.actions;
    t.registerProducer(producer, true);
    expect(() => t.registerProducer(producer, true)).to.throw(Error, /already registered/);
    t.write("0123456789");
    expect(actions).to.deep.equal(["pause"]);
    (release as unknown as () => void)();
    await tick();
    expect(actions).to.deep.equal(["pause", "resume"]);
    stdin.end();
    await p.lost.promise;
    expect(actions).to.deep.equal(["pause", "resume", "stop"]);
  });

  it("a pull producer is asked again after each write that the stream took, until it unregisters", async () => {
    const { stdin, stdout, output } = pipes();
    const p = new Recorder();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    let asked = 0;
    const finished = later();
    const pull: IPullProducer = {
        resumeProducing(): void {
          asked++;
          t.write(`chunk${asked};`);
          if (asked === 6) {
            t.unregisterProducer();
            finished.resolve();
          }
        },
        stopProducing(): void {},
      };
    t.registerProducer(pull, false);
    await finished.promise;
    await tick();
    expect(asked).to.equal(6);
    expect(output()).to.equal("chunk1;chunk2;chunk3;chunk4;chunk5;chunk6;");
    t.loseConnection();
    await p.lost.promise;
  });

  it("loseConnection waits for a registered pull producer to unregister, then closes with what it wrote", async () => {
    const { stdin, stdout, output } = pipes();
    const p = new Recorder();
    const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    const actions: string[] = [];
    const pull: IPullProducer = { resumeProducing: () => void actions.push("resume"), stopProducing: () => void actions.push("stop") };
    t.registerProducer(pull, false);
    t.loseConnection();
    await tick();
    expect(p.events).to.deep.equal(["made"]);
    t.write("from producer");
    t.unregisterProducer();
    await p.lost.promise;
    expect(output()).to.equal("from producer");
    expect(actions).to.not.include("stop");
  });

  it("an exception in connectionMade leaves the constructor, with nothing left reading or tracked", () => {
    const { stdin, stdout } = pipes();
    const r = newReactor();
    const p = new (class extends Recorder {
      override connectionMade(): void {
        throw new Error("no");
      }
    })();
    expect(() => new StandardIO(p, { stdin, stdout, reactor: r })).to.throw(Error, "no");
    expect(stdin.listenerCount("data")).to.equal(0);
    expect(stdin.readableFlowing).to.not.equal(true);
    expect(p.events).to.deep.equal(["lost"]);
  });

  it("an exception in readConnectionLost is logged and ends the connection with it (Twisted's _readConnectionLost)", async () => {
    const { stdin, stdout } = pipes();
    const p = new (class extends HalfCloser {
      override readConnectionLost(): void {
        throw new Error("half");
      }
    })();
    new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    stdin.end();
    const reason = await p.lost.promise;
    expect((reason.value as Error).message).to.equal("half");
    expect(flushLoggedErrors(Error)).to.have.length(1);
  });

  it("leaves one shared error listener on the streams once closed, however many were made on them", async () => {
    const { stdin, stdout } = pipes();
    for (let i = 0; i < 3; i++) {
      const p = new Recorder();
      const t = new StandardIO(p, { stdin, stdout, reactor: newReactor() });
      t.loseConnection();
      await p.lost.promise;
    }
    expect(stdin.listenerCount("error")).to.equal(1);
    expect(stdout.listenerCount("error")).to.equal(1);
    expect(stdin.listenerCount("data")).to.equal(0);
  });

  it("an exception in dataReceived is logged and ends the connection with it", async () => {
    const { stdin, stdout } = pipes();
    const p = new (class extends Recorder {
      override dataReceived(): void {
        throw new Error("boom");
      }
    })();
    new StandardIO(p, { stdin, stdout, reactor: newReactor() });
    stdin.write("x");
    const reason = await p.lost.promise;
    expect((reason.value as Error).message).to.equal("boom");
    expect(flushLoggedErrors(Error)).to.have.length(1);
  });

  it("the reactor's stop loses the connection (ConnectionLost), as Twisted's disconnectAll", async () => {
    const { stdin, stdout } = pipes();
    const r = newReactor();
    const p = new Recorder();
    new StandardIO(p, { stdin, stdout, reactor: r });
    r.callWhenRunning(() => r.stop());
    await runReactor(r);
    expect(p.reason?.check(ConnectionLost)).to.equal(ConnectionLost);
  });

  it("bad input throws at the constructor", () => {
    expect(() => new StandardIO(null as unknown as Protocol)).to.throw(TypeError, /protocol/);
  });

  it("a react(main) program on the real stdin and stdout answers lines and exits when its input ends", async function () {
    this.timeout(20_000);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "..", "fixtures", "stdio-child.ts")], {
      cwd: path.join(__dirname, "..", ".."),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let errText = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (errText += d.toString()));
    child.stdin.write("hello\nworld\n");
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    expect(out).to.equal("ready\nHELLO\nWORLD\n");
    expect(errText).to.include("lost ConnectionDone");
    expect(code).to.equal(0);
  });

  it("the protocol closing ends the program too (quit)", async function () {
    this.timeout(20_000);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "..", "fixtures", "stdio-child.ts")], {
      cwd: path.join(__dirname, "..", ".."),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stdin.write("a\nquit\n"); // stdin stays open: the protocol's loseConnection must end it
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    child.stdin.destroy();
    expect(out).to.equal("ready\nA\nbye\n");
    expect(code).to.equal(0);
  });
});
