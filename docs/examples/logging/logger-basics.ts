import { Logger, globalLogBeginner, textFileLogObserver } from "twisted-ts/log";

const log = new Logger("shapes");

class Circle {
  // Python's class-attribute Logger, named after its class. JavaScript has no module name to
  // put in front, so give the whole namespace when it matters.
  static log = Logger.forClass(this, "__main__.Circle");
  log = Logger.forClass(this, "__main__.Circle");

  constructor(readonly radius: number) {}

  area(): number {
    const area = 3.14159 * this.radius ** 2;
    this.log.info("area of a {kind} of radius {r}: {area:.2f}", { kind: "circle", r: this.radius, area });
    return area;
  }
}

export function main() {
  // Log to stdout in Twisted's classic format (timeFormat null: no timestamps in this example).
  const observer = textFileLogObserver(process.stdout, null);
  globalLogBeginner.beginLoggingTo([observer], false, false);

  log.info("value {value!r} doing {something}.", { value: 7, something: "a task" });
  log.warn("{count} shapes, {{literal braces}}, first one {names[0]!r}", { count: 2, names: ["a", "b"] });
  new Circle(2).area();
  Circle.log.debug("class-level logger of {log_source.name}");
}
