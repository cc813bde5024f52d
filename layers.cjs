// The layers of the package, bottom first. A product file may import from its own folder and
// from folders below its own, never from above: the dependency graph between folders is then
// one-way. eslint (no-restricted-imports) and tests/contract/layers.test.ts both read this list.
module.exports = ["core", "log", "defer", "reactor", "task", "net", "protocols", "testing", "cli"];
