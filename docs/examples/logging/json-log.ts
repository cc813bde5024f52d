import { Logger, eventsFromJSONLogFile, formatEvent, jsonFileLogObserver } from "twisted-ts/log";

export function main() {
  // Events written as JSON text sequences (RS, JSON, newline), then read back.
  const chunks: string[] = [];
  const out = { write: (text: string) => chunks.push(text) };
  const log = new Logger("orders", null, jsonFileLogObserver(out));
  log.info("order {id} for {customer!r}: {total} EUR", { id: 17, customer: "ada", total: 12.5 });
  log.warn("order {id} is late", { id: 18 });

  const records = chunks.join("").split("\x1e").slice(1);
  const allEnd = records.every((r) => r.endsWith("\n")) ? "True" : "False";
  console.log("records:", records.length, "each ends with a newline:", allEnd);

  for (const event of eventsFromJSONLogFile(chunks.join(""))) {
    // A level is its name (Python's `level.name`).
    console.log(event.log_namespace, event.log_level, "|", formatEvent(event), "| id:", event.id);
  }
}
