import type { Reactor } from "twisted-ts/reactor";
import { getProcessOutput, getProcessOutputAndValue, getProcessValue, IOError } from "twisted-ts/net";
import { Failure } from "twisted-ts/defer";

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
    if (!(e instanceof IOError)) throw e;
    console.log(`${e.name}: ${e.message}`);
    // As in Twisted, e.processEnded fails with the end reason once the child has ended;
    // left unhandled, it is logged as an unhandled error when garbage-collected.
    const reason = await e.processEnded.then(
      () => "fired",
      (f: unknown) => (f instanceof Failure ? f.value : f) as Error,
    );
    console.log(`then: ${typeof reason === "string" ? reason : reason.name}`);
  }
}
