/**
 * Methods made to work as values: Twisted code passes bound methods around
 * (`reactor.callLater(5, self.transport.loseConnection)`), and a JavaScript method read off its
 * object loses `this`.
 * @module
 */

/**
 * Makes each named method of `self` an own property bound to `self` (the most derived override,
 * as it is at the call), so that it can be passed as a value. A name that is not a function is
 * skipped. @internal
 */
export function bindMethods<T extends object>(self: T, names: ReadonlyArray<keyof T & string>): void {
  const record = self as Record<string, unknown>;
  for (const name of names) {
    const f = record[name];
    if (typeof f === "function") record[name] = f.bind(self);
  }
}
