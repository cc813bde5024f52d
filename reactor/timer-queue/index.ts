/**
 * The timer queue of the Reactor and the test Clock (see timer-queue.ts for its structure).
 * @module
 */
export { TimerQueue } from "./timer-queue";
export type { TimerQueueStats } from "./timer-queue";
