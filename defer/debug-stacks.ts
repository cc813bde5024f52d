/**
 * Debugging stacks of Deferreds (`setDebugging(true)`): where a Deferred was made and where it
 * was first fired, as text, and how they are printed in `AlreadyCalledError` and in the
 * unhandled-error report.
 * @module
 */

/** Where a Deferred was made and first fired, recorded while debugging is on. */
export interface DebugStacks {
  creator: string | undefined;
  invoker: string | undefined;
}

/** The `C:`/`I:` lines Twisted prints for a Deferred's creator and first invoker. */
export function formatDebugStacks(stacks: DebugStacks): string {
  let info = "";
  if (stacks.creator !== undefined) info += ` C: Deferred was created:\n C:${indent(stacks.creator, " C:")}\n`;
  if (stacks.invoker !== undefined) info += ` I: First Invoker was:\n I:${indent(stacks.invoker, " I:")}\n`;
  return info;
}

function indent(stack: string, prefix: string): string {
  // Drop the "Error" header line of a captured stack; keep the frames.
  const lines = stack.split("\n").slice(1);
  return lines.join(`\n${prefix}`);
}

/** The current stack, as text. */
export function captureStack(): string {
  return new Error("stack").stack ?? "";
}
