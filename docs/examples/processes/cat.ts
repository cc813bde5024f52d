import type { Reactor } from "twisted-ts/reactor";
import { Deferred, type Failure } from "twisted-ts/defer";
import { ProcessProtocol, type ProcessDone } from "twisted-ts/net";

/** Feeds /bin/cat some lines, collects what comes back, and reports how the process ended. */
class CatProtocol extends ProcessProtocol {
  readonly ended = new Deferred<void>();
  readonly #lost: string[] = [];
  #out = "";
  #exited = false;
  override connectionMade(): void {
    console.log("connectionMade!");
    for (let i = 0; i < 3; i++) this.transport!.write(`line ${i}\n`);
    this.transport!.closeStdin(); // tell cat we are done: it ends when its input does
  }
  override outReceived(data: Buffer): void {
    this.#out += data.toString();
  }
  // The three pipes close in whatever order the system reports it.
  override inConnectionLost(): void {
    this.#lost.push("stdin");
  }
  override outConnectionLost(): void {
    this.#lost.push("stdout");
  }
  override errConnectionLost(): void {
    this.#lost.push("stderr");
  }
  override processExited(reason: Failure): void {
    this.#exited = true;
    console.log(`processExited, status ${(reason.value as ProcessDone).exitCode}`);
  }
  override processEnded(reason: Failure): void {
    console.log(`cat wrote back: ${JSON.stringify(this.#out)}`);
    console.log(`pipes closed: ${this.#lost.sort().join(", ")}; exited first: ${this.#exited}`);
    console.log(`processEnded, status ${(reason.value as ProcessDone).exitCode}`);
    this.ended.callback(undefined);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  const cat = new CatProtocol();
  // args are the whole argv, argv[0] included, as in Twisted; env null: inherit ours.
  reactor.spawnProcess(cat, "/bin/cat", ["cat"], { env: null });
  await cat.ended;
}
