// Run: npx twisted-ts run react.ts Alice
import type { Reactor } from "twisted-ts/reactor";
import { SystemExit, deferLater, react } from "twisted-ts/task";

export async function main(reactor: Reactor, ...argv: string[]): Promise<void> {
  const [name = "world"] = argv;
  const greeting = await deferLater(reactor, 0.1, () => `hello, ${name}`);
  console.log(greeting);
  if (name === "nobody") throw new SystemExit(3); // ends the program with exit code 3
}

// `twisted-ts run` calls main itself; run directly (`npx ts-node react.ts Alice`), the file does.
if (require.main === module) void react(main, process.argv.slice(2));
