/**
 * twisted-ts: a Twisted-style event-loop runtime for TypeScript.
 *
 * The package root re-exports every module; each is also importable on its own
 * (`twisted-ts/defer`, `twisted-ts/reactor`, `twisted-ts/task`, `twisted-ts/log`,
 * `twisted-ts/net`, `twisted-ts/protocols`, `twisted-ts/testing`).
 * @module
 */
export * from "./defer";
export * from "./log";
export * from "./reactor";
export * from "./task";
export * from "./net";
export * from "./protocols";
export * from "./testing";
// Both twisted-ts/log (the type of LogBeginner's `stdio`) and twisted-ts/net (Twisted's
// stdio.StandardIO transport) export a StandardIO: the package root gives the transport.
export { StandardIO } from "./net";
