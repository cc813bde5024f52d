// Mocha's spec reporter, plus the plain closing line "N passed, N failed" (", N skipped")
// that CI reads to count the tests.
"use strict";
const { reporters } = require("mocha");

class SpecWithSummary extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on("pass", () => passed++);
    runner.on("fail", () => failed++);
    runner.on("pending", () => skipped++);
    runner.once("end", () => {
      process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
    });
  }
}

module.exports = SpecWithSummary;
