// After the listings of Twisted's logging howto (ad_hoc.py, logfile.py, loader-math.py): events
// saved as JSON keep their fields, which a later program reads back with extractField.
import { Logger, eventsFromJSONLogFile, extractField, formatEvent, globalLogPublisher, jsonFileLogObserver } from "twisted-ts/log";

class AdHoc {
  // Python's class attribute `log = Logger(...)` is named "module.Class" when read from an instance.
  log = Logger.forClass(this, "__main__.AdHoc");

  constructor(
    readonly a: number,
    readonly b: number,
  ) {}

  toString(): string {
    return `AdHoc(${this.a}, ${this.b})`;
  }

  logMessage(): void {
    this.log.info("message from {log_source} where a is {log_source.a} and b is {log_source.b}");
  }
}

export function main() {
  // logfile.py: every event of the program goes to a JSON log.
  const chunks: string[] = [];
  const observer = jsonFileLogObserver({ write: (text: string) => chunks.push(text) });
  globalLogPublisher.addObserver(observer);
  new AdHoc(3, 4).logMessage();
  new AdHoc(10, 20).logMessage();
  globalLogPublisher.removeObserver(observer);

  // loader-math.py: the saved events still know a and b, though AdHoc itself could not be saved.
  for (const event of eventsFromJSONLogFile(chunks.join(""))) {
    console.log(event.log_namespace, "|", formatEvent(event));
    console.log("a + b =", (extractField("log_source.a", event) as number) + (extractField("log_source.b", event) as number));
    console.log("log_source saved as:", Object.keys(event.log_source as object).join(", "));
  }
}
