/**
 * `twisted-ts/task`: scheduling utilities on the reactor and the Deferred.
 * @module
 */
import { fastExports } from "../core/fast-exports";
export { Clock } from "./clock";
export { LoopingCall } from "./looping-call";
export { deferLater, timeoutDeferred, TimedOutError } from "./defer-later";
export { react, SystemExit } from "./react";
export type { ReactOptions } from "./react";
export { Scheduler, createTask } from "./named-tasks";
export type { Work } from "./named-tasks";
export { Cooperator, CooperativeTask, coiterate, cooperate } from "./cooperator";
export type { CooperatorOptions, CooperativeIterable } from "./cooperator";
export {
  SchedulerError,
  SchedulerStopped,
  TaskFinished,
  TaskDone,
  TaskStopped,
  TaskFailed,
  NotPaused,
} from "./cooperator-errors";

// Undoes the slow object layout that CommonJS re-exports leave (see internal/fast-exports.ts).
fastExports(module.exports as object); // @types/node types `module.exports` as any
