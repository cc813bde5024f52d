/**
 * `LoggingFile`: a writable file-like object whose lines become log events, as `twisted.logger`'s.
 * @module
 */

import { bindMethods } from "../core/bind";
import { LogLevel } from "./levels";
import type { Logger } from "./logger";

/**
 * A file-like object (`write`, `writelines`, `flush`, `close`) that logs each complete line written
 * to it as an event `{log_io}` at `level` through `logger`, as Twisted's `LoggingFile` (what
 * `LogBeginner.beginLoggingTo` puts in place of `stdout` and `stderr`). Bytes are decoded with
 * `encoding`; text after the last newline waits for the rest of its line.
 *
 * @example
 * ```ts
 * const out = new LoggingFile(new Logger("stdout"));
 * out.write("hello\nwor");   // logs "hello"
 * out.write("ld\n");         // logs "world"
 * ```
 */
export class LoggingFile {
  /** The level of the events. */
  readonly level: LogLevel;
  /** The Logger the events go through. */
  readonly log: Logger;
  readonly #encoding: string;
  #buffer = "";
  #closed = false;

  /**
   * @param logger logs the lines.
   * @param level their level (default `info`); or Python's keywords, `{ level, encoding }`.
   * @param encoding how bytes written are decoded (default `"utf-8"`).
   */
  constructor(logger: Logger, level: LogLevel | { level?: LogLevel; encoding?: string | null } = LogLevel.info, encoding: string | null = null) {
    if (typeof level === "object" && level !== null) {
      encoding = level.encoding ?? encoding;
      level = level.level ?? LogLevel.info;
    }
    this.log = logger;
    this.level = level;
    this.#encoding = encoding ?? "utf-8";
    bindMethods(this, ["write", "writelines", "flush", "close"]);
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The encoding bytes are decoded with. */
  get encoding(): string {
    return this.#encoding;
  }

  /** `"w"`. */
  get mode(): string {
    return "w";
  }

  /** `<LoggingFile namespace#level>`. */
  get name(): string {
    return `<LoggingFile ${String(this.log.namespace)}#${this.level}>`;
  }

  /** Closes the file: later writes throw. */
  close(): void {
    this.#closed = true;
  }

  /** Does nothing: the file keeps no buffer but the unfinished line. */
  flush(): void {}

  /** `-1`: no file descriptor is behind it. */
  fileno(): number {
    return -1;
  }

  /** `false`. */
  isatty(): boolean {
    return false;
  }

  /**
   * Logs each complete line of `message` (text or bytes).
   * @throws {Error} `I/O operation on closed file` after {@link close}.
   */
  write(message: string | Uint8Array): void {
    if (this.#closed) throw new Error("I/O operation on closed file");
    const text = typeof message === "string" ? message : new TextDecoder(this.#encoding).decode(message);
    const lines = (this.#buffer + text).split("\n");
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) this.log.emit(this.level, "{log_io}", { log_io: line });
  }

  /** Writes each of `lines` (no newline is added). */
  writelines(lines: Iterable<string | Uint8Array>): void {
    for (const line of lines) this.write(line);
  }
}
