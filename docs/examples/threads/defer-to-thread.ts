import * as path from "node:path";
import type { Reactor } from "twisted-ts/reactor";
import { gatherResults, type Failure } from "twisted-ts/defer";
import { deferToThread } from "twisted-ts/net";
import type { sha256OfFilled } from "./hash-work";

// A closure cannot cross threads: the work is named by module (a path) and export name.
const WORK = path.join(__dirname, "hash-work.ts");

export async function main(reactor: Reactor): Promise<void> {
  reactor.suggestThreadPoolSize(4);
  // Four hashes at once, each in its own worker thread; the reactor's thread stays free.
  const digests = await gatherResults([1, 2, 3, 4].map((fill) => deferToThread<ReturnType<typeof sha256OfFilled>>(WORK, "sha256OfFilled", fill, 8 << 20)));
  for (const d of digests) console.log(d);

  // A throw in the thread comes back as a Failure, keeping the error's name and message.
  await deferToThread(WORK, "fails").addErrback((f: Failure) => {
    console.log(`${(f.value as Error).name}: ${(f.value as Error).message}`);
  });
}
