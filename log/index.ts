/**
 * Logging: a global publisher of {@link LogEvent}s to {@link Observer}s, the Twisted-style
 * `msg`/`err` functions and the leveled {@link Logger}. Loading this module registers
 * {@link defaultObserver}, which prints warnings and errors to stderr.
 * @module
 */
import { fastExports } from "../core/fast-exports";

import { defaultObserver } from "./default-observer";
import { addObserver } from "./publisher";

export type { LogEvent, LogLevel, Observer } from "./event";
export { addObserver, removeObserver, isObserving } from "./publisher";
export { defaultObserver } from "./default-observer";
export { msg, err } from "./functions";
export { Logger } from "./logger";

// Registered at load so failures are visible before anyone configures logging.
addObserver(defaultObserver);

// Undoes the slow object layout that CommonJS re-exports leave (see internal/fast-exports.ts).
fastExports(module.exports);
