/**
 * `twisted-ts/task`: scheduling utilities on the reactor and the Deferred.
 * @module
 */
export { Clock } from "./clock";
