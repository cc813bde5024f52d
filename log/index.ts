/**
 * Logging: a global publisher of {@link LogEvent}s to {@link Observer}s, the Twisted-style
 * `msg`/`err` functions and the leveled {@link Logger}, with `twisted.logger`'s formatting
 * (PEP 3101 `log_format`), observers (text, JSON, filtering) and `startLogging`. Loading this
 * module registers {@link defaultObserver}, which prints warnings and errors to stderr.
 * @module
 */
import { fastExports } from "../core/fast-exports";

import { defaultObserver } from "./default-observer";
import { addObserver } from "./publisher";

export type { LogEvent, Observer } from "./event";
export type { ILoggingContext } from "./context";
export { addObserver, removeObserver, isObserving } from "./publisher";
export { defaultObserver } from "./default-observer";
export { msg, err } from "./functions";
export { Logger, type LoggerOptions } from "./logger";
export { LogLevel, InvalidLogLevelError } from "./levels";
export { formatWithCall, parseFormat, repr, str, FormatError, type FormatPiece } from "./format-string";
export {
  formatEvent,
  formatUnformattableEvent,
  formatTime,
  formatTraceback,
  eventAsText,
  type FormatTimeOptions,
  formatEventAsClassicLogText,
  timeFormatRFC3339,
  type EventAsTextOptions,
} from "./format-event";
export { flattenEvent, extractField, flatFormat, KeyFlattener } from "./flatten";
export { FileLogObserver, textFileLogObserver, bitbucketLogObserver, type LogFile } from "./observers";
export {
  FilteringLogObserver,
  LogLevelFilterPredicate,
  PredicateResult,
  shouldLogEvent,
  type LogFilterPredicate,
} from "./filter";
export { LogPublisher, globalLogPublisher } from "./log-publisher";
export {
  LogBeginner,
  globalLogBeginner,
  MORE_THAN_ONCE_WARNING,
  type StandardIO,
  type WarningsModule,
} from "./global";
export { LimitedHistoryLogObserver } from "./buffer";
export { LoggingFile } from "./io";
export {
  eventAsJSON,
  eventFromJSON,
  jsonFileLogObserver,
  eventsFromJSONLogFile,
  type JSONLogInput,
  type ReadableFile,
} from "./json";
export { startLogging, startLoggingWithObserver, formatLegacyEvent } from "./legacy";
export {
  LegacyLogObserverWrapper,
  publishToNewObserver,
  textFromEventDict,
  type LegacyEvent,
  type LegacyObserver,
} from "./legacy-observer";

// Registered at load so failures are visible before anyone configures logging.
addObserver(defaultObserver);

// Undoes the slow object layout that CommonJS re-exports leave (see internal/fast-exports.ts).
fastExports(module.exports as object); // @types/node types `module.exports` as any
