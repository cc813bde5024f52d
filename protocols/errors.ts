/**
 * The errors of `twisted.protocols.basic`, as TypeScript classes.
 * @module
 */
import { NamedError } from "../core/named-error";

/**
 * An Error named `NotImplementedError`, as Python's: thrown by the methods a subclass must
 * override (`LineReceiver.lineReceived`, `NetstringReceiver.stringReceived`, …).
 */
export class NotImplementedError extends NamedError {}

/**
 * `IntNStringReceiver.sendString` was given more bytes than its length prefix can say
 * (Twisted's `StringTooLongError`, an AssertionError there).
 */
export class StringTooLongError extends NamedError {}

/** Received data is not a valid netstring (Twisted's `NetstringParseError`, a ValueError there). */
export class NetstringParseError extends NamedError {}

/** The netstring received so far is incomplete: more data is needed (used inside the parser). */
export class IncompleteNetstring extends NamedError {}
