/**
 * The command line of `npm run bench -- [NAME…] [options]`, parsed without side effects so that
 * it can be tested.
 */

/** What the command line asks for. */
export interface BenchOptions {
  /** Benchmarks named (they run in the registry's order); empty: all of them. */
  names: string[];
  /** Small sizes and fewer rounds (CI). */
  quick: boolean;
  /** true: --write, false: --no-write, undefined: the default (see {@link shouldWrite}). */
  write: boolean | undefined;
  /** The Python interpreter for the Twisted side. */
  python: string;
  /** false with --no-twisted. */
  twisted: boolean;
  /** --sources: run the TypeScript sources through ts-node instead of a compiled copy. */
  sources: boolean;
  help: boolean;
}

/** The interpreter used unless --python says otherwise: Debian's, with python3-twisted. */
export const DEFAULT_PYTHON = "/usr/bin/python3";

/** The usage text for --help and for errors. */
export function usage(known: readonly { name: string; description: string }[]): string {
  const width = Math.max(...known.map((b) => b.name.length));
  return [
    "usage: npm run bench -- [NAME...] [--quick] [--write | --no-write] [--python PATH] [--no-twisted] [--sources]",
    "",
    "  NAME          run only these benchmarks (default: all):",
    ...known.map((b) => `                  ${b.name.padEnd(width)}  ${b.description}`),
    "  --quick       small N and fewer rounds (as CI runs it); does not write docs/",
    "  --write       write docs/benchmarks.md and docs/benchmarks.svg even for a quick or partial run",
    "  --no-write    do not write them even for a full run",
    `  --python PATH the interpreter for the Twisted side (default ${DEFAULT_PYTHON})`,
    "  --no-twisted  skip the Twisted side",
    "  --sources     run the sources through ts-node (default: a compiled copy in .bench-build/)",
    "  --help        this text",
  ].join("\n");
}

/**
 * Parses the arguments after `npm run bench --`.
 * @param known the benchmarks' names; any other name is an error.
 * @returns the options, or an error message (unknown option or benchmark, missing value).
 */
export function parseArgs(argv: readonly string[], known: readonly string[]): { options: BenchOptions } | { error: string } {
  const options: BenchOptions = { names: [], quick: false, write: undefined, python: DEFAULT_PYTHON, twisted: true, sources: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") options.quick = true;
    else if (a === "--write") options.write = true;
    else if (a === "--no-write") options.write = false;
    else if (a === "--no-twisted") options.twisted = false;
    else if (a === "--sources") options.sources = true;
    else if (a === "--help" || a === "-h") options.help = true;
    else if (a === "--python" || a.startsWith("--python=")) {
      const value = a === "--python" ? argv[++i] : a.slice("--python=".length);
      if (value === undefined || value === "") return { error: "--python needs a path" };
      options.python = value;
    } else if (a.startsWith("-")) return { error: `unknown option ${a}` };
    else if (!known.includes(a)) return { error: `unknown benchmark ${a}; known: ${known.join(", ")}` };
    else if (!options.names.includes(a)) options.names.push(a);
  }
  return { options };
}

/**
 * Whether the run writes docs/benchmarks.md and .svg: when --write or --no-write says so;
 * otherwise only for a full run (every benchmark, not --quick), so that the docs always hold
 * a complete set of full-size figures.
 */
export function shouldWrite(options: BenchOptions, known: readonly string[]): boolean {
  if (options.write !== undefined) return options.write;
  const all = options.names.length === 0 || known.every((k) => options.names.includes(k));
  return all && !options.quick;
}

/** The benchmarks to run, in the registry's order (all when none is named). */
export function selected<T extends { name: string }>(options: BenchOptions, benchmarks: readonly T[]): T[] {
  return options.names.length === 0 ? [...benchmarks] : benchmarks.filter((b) => options.names.includes(b.name));
}
