/**
 * Argument checks of the reactor's I/O methods: a TypeError or RangeError at the call, naming
 * the argument (e.g. `listenTCP: port must be an integer from 0 to 65535, got 70000`).
 * @module
 */
import { describeValue } from "../core/validate";

/** @internal */
export function checkPort(caller: string, port: unknown, what = "port"): asserts port is number {
  if (typeof port !== "number") {
    throw new TypeError(`${caller}: ${what} must be a number, got ${describeValue(port)}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${caller}: ${what} must be an integer from 0 to 65535, got ${describeValue(port)}`);
  }
}

/** @internal */
export function checkString(caller: string, value: unknown, what: string): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`${caller}: ${what} must be a string, got ${describeValue(value)}`);
}

/** @internal A protocol factory: an object with buildProtocol, doStart and doStop (and, for clients, the ClientFactory methods). */
export function checkFactory(caller: string, factory: unknown, client: boolean): void {
  const f = factory as Record<string, unknown> | null;
  const methods = client
    ? ["buildProtocol", "doStart", "doStop", "startedConnecting", "clientConnectionFailed", "clientConnectionLost"]
    : ["buildProtocol", "doStart", "doStop"];
  if (f === null || typeof f !== "object" || methods.some((m) => typeof f[m] !== "function")) {
    throw new TypeError(
      `${caller}: factory must be a ${client ? "ClientFactory" : "protocol factory (Factory)"}, got ${describeValue(factory)}`,
    );
  }
}

/** @internal An options object, or undefined. */
export function checkOptions(caller: string, options: unknown, what = "options"): void {
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new TypeError(`${caller}: ${what} must be an object, got ${describeValue(options)}`);
  }
}

/** @internal backlog: a positive integer. */
export function checkBacklog(caller: string, backlog: unknown): number {
  if (backlog === undefined) return 50;
  if (typeof backlog !== "number") throw new TypeError(`${caller}: backlog must be a number, got ${describeValue(backlog)}`);
  if (!Number.isInteger(backlog) || backlog < 0) {
    throw new RangeError(`${caller}: backlog must be an integer >= 0, got ${describeValue(backlog)}`);
  }
  return backlog;
}

/** @internal timeout: seconds > 0 (default 30); null or Infinity for none. */
export function checkTimeout(caller: string, timeout: unknown): number | null {
  if (timeout === undefined) return 30;
  if (timeout === null) return null;
  if (typeof timeout !== "number") throw new TypeError(`${caller}: timeout must be a number of seconds, got ${describeValue(timeout)}`);
  if (!(timeout > 0)) throw new RangeError(`${caller}: timeout must be > 0 seconds, got ${describeValue(timeout)}`);
  return timeout;
}

/** @internal bindAddress: `[host, port]` or null. */
export function checkBindAddress(caller: string, bind: unknown): [string, number] | null {
  if (bind === undefined || bind === null) return null;
  if (!Array.isArray(bind) || bind.length !== 2) {
    throw new TypeError(`${caller}: bindAddress must be [host, port], got ${describeValue(bind)}`);
  }
  checkString(caller, bind[0], "bindAddress[0] (host)");
  checkPort(caller, bind[1], "bindAddress[1] (port)");
  return [bind[0], bind[1]];
}
