/**
 * The errors of `twisted.protocols.basic`, as TypeScript classes, in Twisted's hierarchy:
 * `StringTooLongError` is an `AssertionError` (node:assert's) and `NetstringParseError` a
 * `ValueError`, so a test catching the Python base class catches them too.
 * @module
 */
import { AssertionError } from "node:assert";
import { NamedError } from "../core/named-error";
import { ValueError } from "../net/factory";

/**
 * An Error named `NotImplementedError`, as Python's: thrown by the methods a subclass must
 * override (`LineReceiver.lineReceived`, `NetstringReceiver.stringReceived`, …).
 */
export class NotImplementedError extends NamedError {}

/**
 * `IntNStringReceiver.sendString` was given more bytes than its length prefix can say
 * (Twisted's `StringTooLongError`). As there, it is an `AssertionError` (node:assert's,
 * with `code` "ERR_ASSERTION"), named `StringTooLongError`.
 */
export class StringTooLongError extends AssertionError {
  /** @param message what was sent and the maximum. */
  constructor(message = "") {
    super({ message });
    this.name = "StringTooLongError";
  }
}

/** Received data is not a valid netstring (Twisted's `NetstringParseError`, a `ValueError`). */
export class NetstringParseError extends ValueError {}

/** The netstring received so far is incomplete: more data is needed (used inside the parser). */
export class IncompleteNetstring extends NamedError {}
