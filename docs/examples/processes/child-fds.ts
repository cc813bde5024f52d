import type { Reactor } from "twisted-ts/reactor";
import { Deferred, type Failure } from "twisted-ts/defer";
import { ProcessProtocol } from "twisted-ts/net";

/** Prints what the child writes on its fd 4. */
class FourReader extends ProcessProtocol {
  readonly ended = new Deferred<void>();
  override childDataReceived(childFD: number, data: Buffer): void {
    console.log(`fd ${childFD}: ${JSON.stringify(data.toString())}`);
  }
  override processEnded(_reason: Failure): void {
    this.ended.callback(undefined);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  const p = new FourReader();
  // The child reads fd 3 and writes fd 4; its stdout is this process's (fd 1, shared).
  const t = reactor.spawnProcess(p, "/bin/sh", ["sh", "-c", "echo from the child; tr a-z A-Z <&3 >&4"], {
    env: null,
    childFDs: { 0: "w", 1: 1, 2: "r", 3: "w", 4: "r" },
  });
  t.writeToChild(3, "through fd 3");
  t.closeChildFD(3); // tr ends at the end of its input
  await p.ended;
}
