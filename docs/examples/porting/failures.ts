import { Failure, fail } from "twisted-ts/defer";

class QuotaExceeded extends Error {}

export async function main(): Promise<void> {
  const d = fail(new QuotaExceeded("3 of 3 used"));

  d.addErrback((failure: Failure) => {
    // An errback gets a Failure: the exception is failure.value.
    console.log(`errback: ${failure.type?.name}: ${failure.getErrorMessage()}`);
    failure.trap(QuotaExceeded);
    return "handled";
  });
  d.addCallback(console.log);

  // Awaited, a failed Deferred throws the exception itself.
  try {
    await fail(new QuotaExceeded("4 of 3 used"));
  } catch (e) {
    if (!(e instanceof QuotaExceeded)) throw e;
    console.log(`await raised: ${e.message}`);
  }
}
