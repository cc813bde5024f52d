import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { plainEnv } from "../helpers/child";

describe("internal: fastExports", function () {
  this.timeout(30_000);

  it("leaves every module index's CommonJS exports object in V8's fast mode once used", () => {
    // %HasFastProperties needs --allow-natives-syntax, so this runs in a child process.
    const script = `
      const out = {};
      for (const m of ["defer", "reactor", "task", "log"]) {
        const exports = require("./" + m);
        // One access site per module, as in a program (a site shared by all four would go
        // megamorphic, and V8 converts the object when a site's inline cache is updated).
        const read = new Function("e", "let x; for (let i = 0; i < 1000; i++) x = e." + Object.keys(exports)[0] + "; return x;");
        read(exports);
        out[m] = %HasFastProperties(exports);
      }
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ["--allow-natives-syntax", "-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: path.join(__dirname, "..", ".."),
      env: plainEnv(),
      encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ defer: true, reactor: true, task: true, log: true });
  });
});
