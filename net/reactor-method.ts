/**
 * Installs an I/O method on `Reactor.prototype` (net/ adds them; reactor/ never imports net/).
 * @module
 */
import { Reactor } from "../reactor/reactor";

/**
 * Defines `Reactor.prototype[name]` as `impl`, such that it also works when read off a reactor
 * and passed as a value (`d.addCallback(reactor.stop)`, `const { listenTCP } = reactor`), as
 * the Reactor's own methods do: the first read on a reactor binds `impl` to it and keeps the
 * bound function as that reactor's own property, so later reads and calls cost a plain load.
 * @internal
 */
export function installReactorMethod(name: string, impl: (this: Reactor, ...args: never[]) => unknown): void {
  Object.defineProperty(Reactor.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: Reactor) {
      const bound = impl.bind(this);
      Object.defineProperty(this, name, { configurable: true, enumerable: false, writable: true, value: bound });
      return bound;
    },
    // An assignment (a test double, a subclass's field) replaces the method on that object.
    set(this: Reactor, value: unknown) {
      Object.defineProperty(this, name, { configurable: true, enumerable: true, writable: true, value });
    },
  });
}
