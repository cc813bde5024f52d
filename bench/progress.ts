/**
 * Progress of a long benchmark run, on stderr only (stdout carries the report): on a terminal
 * one line with a bar, redrawn in place with `\r`; otherwise (CI logs, pipes) plain lines, one
 * per task.
 */

/** Where progress goes: a stream such as `process.stderr`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the bar line shows. */
export interface BarState {
  /** The benchmark running and its place among those selected: "[2/7] timers". */
  benchmark: string;
  index: number;
  count: number;
  /** The task (one comparison or one Twisted script) and how far it is. */
  task: string;
  done: number;
  total: number;
  /** Seconds since the run began. */
  elapsed: number;
}

/** "m:ss" for a number of seconds. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * The bar line for a terminal `width` columns wide (never longer than width - 1, so the
 * cursor never wraps): "[2/7] timers ██████░░░░ 3/6 setTimeout fired, N=1e5 0:42".
 */
export function renderBar(state: BarState, width: number, barWidth = 20): string {
  const fraction = state.total > 0 ? Math.min(1, state.done / state.total) : 0;
  const filled = Math.round(fraction * barWidth);
  const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
  const count = state.total > 0 ? ` ${state.done}/${state.total}` : "";
  const line = `[${state.index}/${state.count}] ${state.benchmark} ${bar}${count} ${formatElapsed(state.elapsed)} ${state.task}`;
  const max = Math.max(10, width - 1);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Reports the benchmarks' progress to a stream; see the module's description. */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #start: number;
  readonly #tty: boolean;
  #state: BarState;
  #drawn = false;

  /**
   * @param stream where to write (default `process.stderr`); a bar when `stream.isTTY`.
   * @param now a clock in milliseconds (default `performance.now`), replaceable in tests.
   */
  constructor(stream: ProgressStream = process.stderr, now: () => number = () => performance.now()) {
    this.#stream = stream;
    this.#now = now;
    this.#start = now();
    this.#tty = stream.isTTY === true;
    this.#state = { benchmark: "", index: 0, count: 0, task: "", done: 0, total: 0, elapsed: 0 };
  }

  /** A benchmark begins: the `index`-th (from 1) of `count`. */
  benchmark(name: string, index: number, count: number): void {
    this.#state = { ...this.#state, benchmark: name, index, count, task: "", done: 0, total: 0 };
    if (this.#tty) this.#draw();
    else this.#line(`bench [${index}/${count}] ${name}`);
  }

  /** A task of the current benchmark begins, made of `total` steps (0: unknown). */
  task(label: string, total = 0): void {
    this.#state = { ...this.#state, task: label, done: 0, total };
    if (this.#tty) this.#draw();
    else this.#line(`bench [${this.#state.index}/${this.#state.count}] ${this.#state.benchmark}: ${label}`);
  }

  /** `steps` more steps of the current task are done (only the terminal bar shows them). */
  tick(steps = 1): void {
    this.#state = { ...this.#state, done: this.#state.done + steps };
    if (this.#tty) this.#draw();
  }

  /** A message from inside a task (the Twisted scripts' own progress): redraws the bar or prints a line. */
  note(text: string): void {
    if (this.#tty) {
      this.#state = { ...this.#state, task: text };
      this.#draw();
    } else {
      this.#line(`bench [${this.#state.index}/${this.#state.count}] ${this.#state.benchmark}:   ${text}`);
    }
  }

  /** Clears the bar line (a terminal only), leaving the line for another process's bar. */
  clear(): void {
    if (this.#tty && this.#drawn) this.#stream.write("\r\x1b[K");
    this.#drawn = false;
  }

  /** The run is over: clears the bar line and prints how long it took. */
  done(summary = "done"): void {
    this.clear();
    this.#line(`bench: ${summary} in ${formatElapsed(this.#elapsed())}`);
  }

  #elapsed(): number {
    return (this.#now() - this.#start) / 1000;
  }

  #draw(): void {
    this.#state = { ...this.#state, elapsed: this.#elapsed() };
    this.#stream.write(`\r${renderBar(this.#state, this.#stream.columns || 80)}\x1b[K`);
    this.#drawn = true;
  }

  #line(text: string): void {
    this.#stream.write(`${text}\n`);
  }
}
