/**
 * The reason a stream connection's protocol gets in `connectionLost`, from how its socket
 * closed. Made without a stack trace: made in a socket event, it would show only Node's frames
 * (and capturing it was 6% of a short connection's CPU: docs/design/net-transport.md).
 * @module
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { ConnectionAborted, ConnectionDone, ConnectionLost, withoutStack } from "./errors";

// One instance each for every connection, as Twisted's CONNECTION_DONE and CONNECTION_LOST (each
// Failure wrapping them is new).
let cleanClose: ConnectionDone | undefined;
let peerClosed: ConnectionLost | undefined;

/** This side closed (`loseConnection`, or a half-close then the peer's): ConnectionDone. @internal */
export function cleanCloseReason(): ConnectionDone {
  return (cleanClose ??= withoutStack(() => new ConnectionDone()));
}

/** The peer closed without this side asking: ConnectionLost. @internal */
export function peerClosedReason(): ConnectionLost {
  return (peerClosed ??= withoutStack(() => new ConnectionLost("closed")));
}

/** `abortConnection()`: ConnectionAborted. @internal */
export function abortedReason(): ConnectionAborted {
  return withoutStack(() => new ConnectionAborted());
}

/**
 * The socket closed with `e`: a TLS handshake error (the socket not yet `secure`) as itself,
 * anything else as ConnectionLost named by its code, with `e` as its cause. @internal
 */
export function socketErrorReason(e: Error, socket: net.Socket, secure: boolean): unknown {
  if (socket instanceof tls.TLSSocket && !secure) return e;
  if (e instanceof ConnectionLost) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return withoutStack(() => new ConnectionLost(code ?? e.message, { cause: e }));
}
