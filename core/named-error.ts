/**
 * `NamedError`: the base of the runtime's exception classes.
 * @module
 */

/**
 * An `Error` whose `name` is its class's name, so stacks and `String(error)` say which one it is
 * (`TaskStopped: …` rather than `Error: …`). Subclasses need no constructor of their own unless
 * they add fields or a default message.
 *
 * @example
 * ```ts
 * class QuotaExceeded extends NamedError {}
 * String(new QuotaExceeded("over 10 GB")); // "QuotaExceeded: over 10 GB"
 * ```
 */
export class NamedError extends Error {
  /**
   * @param message - the error's message.
   * @param options - `cause`: the error this one wraps, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
