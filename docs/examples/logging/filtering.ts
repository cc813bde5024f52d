import {
  FilteringLogObserver,
  Logger,
  LogLevel,
  LogLevelFilterPredicate,
  globalLogBeginner,
  textFileLogObserver,
} from "twisted-ts/log";

export function main() {
  // Warnings and worse by default; everything from "app.db" and below.
  const predicate = new LogLevelFilterPredicate(LogLevel.warn);
  predicate.setLogLevelForNamespace("app.db", LogLevel.debug);
  const observer = new FilteringLogObserver(textFileLogObserver(process.stdout, null), [predicate]);
  globalLogBeginner.beginLoggingTo([observer], false, false);

  const app = new Logger("app");
  const db = new Logger("app.db");
  const pool = new Logger("app.db.pool");

  app.info("not shown: app logs warn and up");
  app.warn("disk {percent}% full", { percent: 91 });
  db.debug("query {sql!r} took {ms:.1f} ms", { sql: "SELECT 1", ms: 0.25 });
  pool.debug("app.db.pool inherits app.db's level: {size} connections", { size: 4 });
  // A level is its name; Python's comparison operators are LogLevel.compare.
  console.log("level for app.db.pool:", predicate.logLevelForNamespace("app.db.pool"));
  console.log("warn is above info:", LogLevel.compare(LogLevel.warn, LogLevel.info) > 0 ? "True" : "False");
}
