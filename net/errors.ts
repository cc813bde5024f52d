/**
 * The errors of connections, ports and processes, named as in `twisted.internet.error`.
 * @module
 */
import { NamedError } from "../core/named-error";

/**
 * Twisted's `str()` of its errors: `MESSAGE`, then `: detail` for each detail given, then a full
 * stop (`"Connection was refused by other side: ECONNREFUSED."`).
 */
function compose(base: string, ...details: Array<string | undefined | null>): string {
  let s = base;
  for (const d of details) if (d !== undefined && d !== null && d !== "") s += `: ${d}`;
  return `${s}.`;
}

/** A connection was closed (the base of {@link ConnectionDone} and {@link ConnectionLost}). */
export class ConnectionClosed extends NamedError {}

/**
 * The connection was closed uncleanly (reset, error); `cause` holds the system error if any.
 * The message is Twisted's: `MESSAGE`, then `: message` when one is given, then a full stop.
 */
export class ConnectionLost extends ConnectionClosed {
  /** The start of the message (Twisted's `MESSAGE`). */
  static MESSAGE = "Connection to the other side was lost in a non-clean fashion";
  /** @param message - what happened (appended to `MESSAGE`, as Twisted's `ConnectionLost(*args)`). */
  constructor(message?: string, options?: ErrorOptions) {
    super(compose((new.target).MESSAGE, message), options);
  }
}

/** `abortConnection()` was called: the connection was closed at once, its buffer dropped. */
export class ConnectionAborted extends ConnectionLost {
  static override MESSAGE = "Connection was aborted locally using ITCPTransport.abortConnection";
}

/** The connection was closed cleanly, by either side (message: Twisted's, as ConnectionLost's). */
export class ConnectionDone extends ConnectionClosed {
  /** The start of the message (Twisted's `MESSAGE`). */
  static MESSAGE = "Connection was closed cleanly";
  /** @param message - appended to `MESSAGE`, as Twisted's `ConnectionDone(*args)`. */
  constructor(message?: string, options?: ErrorOptions) {
    super(compose((new.target).MESSAGE, message), options);
  }
}

/** Options of the {@link ConnectError} family: `osError` (Node's error code) and `cause`. */
export interface ConnectErrorOptions extends ErrorOptions {
  /** Node's error code (`"ECONNREFUSED"`), kept as `osError` and put in the message. */
  osError?: string;
}

/**
 * A connection attempt failed; `osError` is Node's error code (e.g. `"ECONNREFUSED"`) when known.
 * The message is Twisted's: `MESSAGE`, then `: osError`, then `: message`, then a full stop
 * (`new ConnectError("foo")` → "An error occurred while connecting: foo."). As Twisted's
 * `ConnectError(osError, string)`, two strings are read as the OS error and the message.
 */
export class ConnectError extends NamedError {
  /** The start of the message (Twisted's `MESSAGE`). */
  static MESSAGE = "An error occurred while connecting";
  /** Node's error code (`"ECONNREFUSED"`, `"ENOENT"`, …), when the OS reported one. */
  osError?: string;
  /**
   * @param message - what happened (Twisted's `string`); or, with a string after it, the OS error.
   * @param options - `osError` and `cause`; or Twisted's `string` when `message` was the OS error.
   */
  constructor(message?: string, options?: ConnectErrorOptions | string, extra?: ErrorOptions) {
    let osError: string | undefined;
    let text: string | undefined = message;
    let errorOptions: ErrorOptions | undefined;
    if (typeof options === "string") {
      osError = message;
      text = options;
      errorOptions = extra;
    } else {
      osError = options?.osError;
      errorOptions = options;
    }
    super(compose((new.target).MESSAGE, osError, text), errorOptions);
    if (osError !== undefined && osError !== null) this.osError = osError;
  }
}

/** The peer refused the connection (`ECONNREFUSED`). */
export class ConnectionRefusedError extends ConnectError {
  static override MESSAGE = "Connection was refused by other side";
}

/** The host name could not be resolved. */
export class DNSLookupError extends ConnectError {
  static override MESSAGE = "DNS lookup failed";
}

/** The `bindAddress` of a client connection could not be bound, e.g. in use (Twisted's `error.ConnectBindError`, "Couldn't bind"). */
export class ConnectBindError extends ConnectError {
  static override MESSAGE = "Couldn't bind";
}

/** No route to the host (`EHOSTUNREACH`, `ENETUNREACH`). */
export class NoRouteError extends ConnectError {
  static override MESSAGE = "No route to host";
}

/** `stopConnecting()` gave the attempt up (Twisted's `error.UserError`, "User aborted connection."). */
export class UserError extends ConnectError {
  static override MESSAGE = "User aborted connection";
}

/**
 * A connection attempt was cancelled before it completed; `address` is where it was going. The
 * message is the address as text, as Twisted's `str()` of it.
 */
export class ConnectingCancelledError extends ConnectError {
  /** The address the cancelled attempt was connecting to. */
  readonly address: unknown;
  constructor(address: unknown) {
    super();
    this.message = String(address);
    this.address = address;
  }
}

/** The connection attempt timed out (Twisted's `error.TimeoutError`, "User timeout caused connection failure."). */
export class ConnectTimeoutError extends ConnectError {
  static override MESSAGE = "User timeout caused connection failure";
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
  /** The start of the message (Twisted's `MESSAGE`). */
  static MESSAGE = "The Connector was not connecting when it was asked to stop connecting";
  /** @param message - appended to `MESSAGE`, as Twisted's `NotConnectingError(*args)`. */
  constructor(message?: string) {
    super(compose(NotConnectingError.MESSAGE, message));
  }
}

/** `startListening()` of a port that is already listening. */
export class AlreadyListened extends NamedError {}

/**
 * A process ended with exit code 0: `processEnded`'s reason for a success. A
 * {@link ConnectionDone}, as Twisted's: `new ProcessDone(status)`.
 */
export class ProcessDone extends ConnectionDone {
  static override MESSAGE = "A process has ended without apparent errors";
  /** Always 0. */
  readonly exitCode = 0;
  /** Always null. */
  readonly signal: string | null = null;
  /** The wait status (0 here), or null when not known. */
  readonly status: number | null;
  /** @param status - the wait status, when known; a string is a message of its own (after `MESSAGE`). */
  constructor(status: number | string | null = null) {
    super(typeof status === "string" ? status : "process finished with exit code 0");
    this.status = typeof status === "number" ? status : null;
  }
}

/**
 * A process ended with a non-zero exit code (`exitCode`) or by a signal (`signal`, e.g. "SIGTERM").
 * A {@link ConnectionLost}, as Twisted's; the message is Twisted's ("A process has ended with a
 * probable error condition: process ended with exit code 42."). The third argument is the wait
 * status (`status`, as Twisted's: `exitCode << 8`, or the signal's number) or an options object.
 */
export class ProcessTerminated extends ConnectionLost {
  static override MESSAGE = "A process has ended with a probable error condition";
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
    let text = "process ended";
    if (exitCode !== null) text += ` with exit code ${exitCode}`;
    if (signal !== null) text += ` by signal ${signal}`;
    super(text, opts?.cause !== undefined ? { cause: opts.cause } : undefined);
    if (opts?.message !== undefined) this.message = opts.message;
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

/**
 * `make()` without a stack trace. For reasons made in an I/O event (a socket's close, a child's
 * exit), whose stack would show only Node's frames: capturing it was 6% of the CPU of a short
 * connection, and 1.5% of a spawn (docs/design/net-transport.md). @internal
 */
export function withoutStack<E>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
