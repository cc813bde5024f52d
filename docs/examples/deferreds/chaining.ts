import { Deferred } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";
import { deferLater } from "twisted-ts/task";

/** Something that answers later, the way a network call does. */
function fetchUser(reactor: Reactor, id: number): Deferred<{ id: number; name: string }> {
  return deferLater(reactor, 0.1, () => ({ id, name: id === 1 ? "alice" : "bob" }));
}

export function main(reactor: Reactor) {
  return fetchUser(reactor, 1)
    .addCallback((user) => {
      console.log(`got ${user.name}; fetching the next user`);
      // Returning a Deferred (or a Promise) pauses this chain until it fires...
      return fetchUser(reactor, user.id + 1);
    })
    .addCallback((user) => {
      // ...and the next callback gets its result.
      console.log(`then got ${user.name}`);
      return Promise.resolve(user.name.toUpperCase());
    })
    .addCallback((name) => console.log(`a Promise's result too: ${name}`));
}
