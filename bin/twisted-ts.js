#!/usr/bin/env node
/*
 * The `twisted-ts` command. This launcher only finds the implementation (cli/run.ts) and starts it:
 *
 * - In a source checkout (cli/run.ts is next to this folder: the repository, `npm start`, the
 *   tests), it registers ts-node (transpile-only) and loads the TypeScript sources, so the command
 *   and the programs it runs share one copy of the runtime: the sources you are editing.
 * - In the published package (only bin/ and dist/ are shipped), it loads dist/cli/run.js, plain
 *   JavaScript; ts-node is then loaded only when the program to run is a .ts file.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const source = path.join(root, "cli", "run.ts");

let implementation;
if (fs.existsSync(source)) {
  let tsNode;
  try {
    tsNode = require("ts-node");
  } catch {
    process.stderr.write("twisted-ts: running from the sources needs ts-node: run `npm install` first\n");
    process.exit(2);
  }
  tsNode.register({ transpileOnly: true, projectSearchDir: root });
  implementation = require(source);
} else {
  implementation = require(path.join(root, "dist", "cli", "run.js"));
}
implementation.cli(process.argv.slice(2));
