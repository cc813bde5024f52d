/**
 * TEMPORARY, type-only (delete when the transports are merged): declares that `Reactor` has the
 * I/O methods of IReactorTCP / IReactorUNIX / IReactorSSL, which the transport branch installs
 * on it. The endpoints take reactors of those interfaces; this lets the docs' examples, which
 * pass the real reactor, type-check on the endpoints branch before the methods exist.
 * @internal
 * @module
 */
import type { IReactorSSL, IReactorTCP, IReactorUNIX } from "./interfaces";

declare module "../reactor/reactor" {
  interface Reactor extends IReactorTCP, IReactorUNIX, IReactorSSL {}
}
