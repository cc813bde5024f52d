/**
 * `twisted-ts/reactor`: the event loop, its delayed calls and its errors.
 * @module
 */
import { fastExports } from "../core/fast-exports";
import { Reactor } from "./reactor";

export { Reactor } from "./reactor";
export type { ReactorOptions, ExitSignal } from "./reactor";
export { DelayedCall } from "./delayed-call";
export type { IDelayedCall, IReactorTime, IReactorCore, TriggerId } from "../core/interfaces";
export type { Phase } from "./system-event";
export { AlreadyCalled, AlreadyCancelled, ReactorNotRunning, ReactorAlreadyRunning, ReactorNotRestartable } from "./errors";

/**
 * The process-wide default reactor, created when this module is first loaded. Creating it
 * installs nothing: signal handlers and the host timer exist only while it runs.
 */
export const reactor: Reactor = new Reactor();

// Undoes the slow object layout that CommonJS re-exports leave (see internal/fast-exports.ts).
fastExports(module.exports as object); // @types/node types `module.exports` as any
