import { Failure, succeed } from "twisted-ts/defer";

class NotFound extends Error {}

function lookUp(key: string): string {
  if (key !== "spam") throw new NotFound(`no such key: ${key}`);
  return "eggs";
}

export function main(): void {
  for (const key of ["spam", "ham", 42]) {
    succeed(key)
      .addCallback((k) => {
        if (typeof k !== "string") throw new TypeError(`not a key: ${k}`);
        return lookUp(k); // a throw here skips to the next errback
      })
      .addCallback((value) => `found ${value}`) // skipped after a failure
      .addErrback((failure: Failure) => {
        failure.trap(NotFound); // handles NotFound; anything else goes on down the chain
        return `missing (${failure.getErrorMessage()})`;
      })
      .addCallbacks(
        (outcome) => console.log(`${key}: ${outcome}`),
        (failure: Failure) => console.log(`${key}: unexpected ${failure.type?.name}: ${failure.getErrorMessage()}`),
      );
  }
}
