import type { Reactor } from "twisted-ts/reactor";
import { getProcessOutput, getProcessOutputAndValue, getProcessValue } from "twisted-ts/net";

export async function main(reactor: Reactor): Promise<void> {
  // These take the arguments without argv[0], as twisted.internet.utils does.
  const out = await getProcessOutput("/bin/echo", ["hello", "world"], { reactor });
  console.log(`output: ${JSON.stringify(out.toString())}`);

  const code = await getProcessValue("/bin/sh", ["-c", "exit 3"], { reactor });
  console.log(`exit code: ${code}`);

  const [stdout, stderr, status] = await getProcessOutputAndValue("/bin/sh", ["-c", "echo out; echo err >&2; exit 1"], { reactor });
  console.log(`out ${JSON.stringify(stdout.toString())}, err ${JSON.stringify(stderr.toString())}, code ${status}`);

  // Output on stderr is an error for getProcessOutput, unless errortoo is set.
  try {
    await getProcessOutput("/bin/sh", ["-c", "echo oops >&2"], { reactor });
  } catch (e) {
    console.log(`${(e as Error).name}: ${(e as Error).message}`);
  }
}
