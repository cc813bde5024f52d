/**
 * The errors of connections, ports and processes, named as in `twisted.internet.error`.
 * @module
 */
import { NamedError } from "../core/named-error";

/** A connection was closed (the base of {@link ConnectionDone} and {@link ConnectionLost}). */
export class ConnectionClosed extends NamedError {}

/** The connection was closed cleanly, by either side. */
export class ConnectionDone extends ConnectionClosed {
  constructor(message = "Connection was closed cleanly.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The connection was closed uncleanly (reset, error); `cause` holds the system error if any. */
export class ConnectionLost extends ConnectionClosed {
  constructor(message = "Connection to the other side was lost in a non-clean fashion.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `abortConnection()` was called: the connection was closed at once, its buffer dropped. */
export class ConnectionAborted extends ConnectionLost {
  constructor(message = "Connection was aborted locally using ITCPTransport.abortConnection.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** A connection attempt failed; `osError` is Node's error code (e.g. `"ECONNREFUSED"`) when known. */
export class ConnectError extends NamedError {
  /** Node's error code (`"ECONNREFUSED"`, `"ENOENT"`, …), when the OS reported one. */
  osError?: string;
  constructor(message = "An error occurred while connecting", options?: ErrorOptions & { osError?: string }) {
    super(message, options);
    if (options?.osError !== undefined) this.osError = options.osError;
  }
}

/** The peer refused the connection (`ECONNREFUSED`). */
export class ConnectionRefusedError extends ConnectError {
  constructor(message = "Connection was refused by other side", options?: ErrorOptions & { osError?: string }) {
    super(message, options);
  }
}

/** The host name could not be resolved. */
export class DNSLookupError extends ConnectError {
  constructor(message = "DNS lookup failed", options?: ErrorOptions & { osError?: string }) {
    super(message, options);
  }
}

/** No route to the host (`EHOSTUNREACH`, `ENETUNREACH`). */
export class NoRouteError extends ConnectError {
  constructor(message = "No route to host", options?: ErrorOptions & { osError?: string }) {
    super(message, options);
  }
}

/** `stopConnecting()` gave the attempt up (Twisted's `error.UserError`, "User aborted connection"). */
export class UserError extends ConnectError {
  constructor(message = "User aborted connection.", options?: ErrorOptions & { osError?: string }) {
    super(message, options);
  }
}

/** A connection attempt was cancelled before it completed; `address` is where it was going. */
export class ConnectingCancelledError extends ConnectError {
  /** The address the cancelled attempt was connecting to. */
  readonly address: unknown;
  constructor(address: unknown, message = "Connecting was cancelled") {
    super(`${message}: ${String(address)}`);
    this.address = address;
  }
}

/** The connection attempt timed out (Twisted's `error.TimeoutError`). */
export class ConnectTimeoutError extends ConnectError {
  constructor(message = "User timeout caused connection failure.", options?: ErrorOptions & { osError?: string }) {
    super(message, options);
  }
}

/** A port could not be bound: `interface` and `port` say which, `socketError` why. */
export class CannotListenError extends NamedError {
  /** The interface the bind was asked for (`""`: all interfaces). */
  readonly interface: string;
  /** The port (or, for UNIX sockets, the path) the bind was asked for. */
  readonly port: number | string;
  /** The error Node reported (`EADDRINUSE`, `EACCES`, …). */
  readonly socketError: Error;
  constructor(iface: string, port: number | string, socketError: Error) {
    super(`Couldn't listen on ${iface || "any"}:${port}: ${socketError.message}.`, { cause: socketError });
    this.interface = iface;
    this.port = port;
    this.socketError = socketError;
  }
}

/** `stopConnecting()` of a connector that is not connecting. */
export class NotConnectingError extends NamedError {
  constructor(message = "The Connector was not connecting when it was asked to stop connecting") {
    super(message);
  }
}

/** `startListening()` of a port that is already listening. */
export class AlreadyListened extends NamedError {}

/**
 * A process ended with exit code 0: `processEnded`'s reason for a success. A `ConnectionDone`, as
 * Twisted's. `new ProcessDone(status)` as Twisted (a string is taken as the message).
 */
export class ProcessDone extends ConnectionDone {
  /** Always 0. */
  readonly exitCode = 0;
  /** Always null. */
  readonly signal: string | null = null;
  /** The wait status (`os.WEXITSTATUS`-style: 0 here), or null when not known. */
  readonly status: number | null;
  constructor(status: number | string | null = null) {
    super(
      typeof status === "string" ? status : "A process has ended without apparent errors: process finished with exit code 0.",
    );
    this.status = typeof status === "number" ? status : null;
  }
}

/**
 * A process ended with a non-zero exit code (`exitCode`) or by a signal (`signal`, e.g. "SIGTERM").
 * A `ConnectionLost`, as Twisted's. The third argument is the wait status (`status`, as Twisted's:
 * `exitCode << 8`, or the signal's number) or an options object.
 */
export class ProcessTerminated extends ConnectionLost {
  /** The exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal's name (`"SIGTERM"`), or null when it exited. */
  readonly signal: string | null;
  /** The wait status as `waitpid` gives it (`exitCode << 8`, or the signal's number), or null. */
  readonly status: number | null;
  constructor(
    exitCode: number | null = null,
    signal: string | null = null,
    options?: number | null | (ErrorOptions & { message?: string; status?: number | null }),
  ) {
    const opts = typeof options === "object" && options !== null ? options : undefined;
    const text =
      opts?.message ??
      `A process has ended with a probable error condition: process ended${exitCode !== null ? ` with exit code ${exitCode}` : ""}${signal !== null ? ` by signal ${signal}` : ""}.`;
    super(text, opts?.cause !== undefined ? { cause: opts.cause } : undefined);
    this.exitCode = exitCode;
    this.signal = signal;
    this.status = typeof options === "number" ? options : (opts?.status ?? null);
  }
}

/** `signalProcess()` of a process that has already ended. */
export class ProcessExitedAlready extends NamedError {
  constructor(message = "The process has already exited") {
    super(message);
  }
}
