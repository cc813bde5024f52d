import { Protocol } from "twisted-ts/net";

/**
 * A protocol that receives lines: it splits what arrives at `delimiter` and calls
 * `lineReceived` once per line (a small stand-in for `LineReceiver`).
 */
export class LineProtocol extends Protocol {
  delimiter = "\r\n";
  #buffer = "";

  override dataReceived(data: Buffer): void {
    this.#buffer += data.toString("utf8");
    let end: number;
    while (this.connected && (end = this.#buffer.indexOf(this.delimiter)) !== -1) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + this.delimiter.length);
      this.lineReceived(line);
    }
  }

  /** Called with each line received, without its delimiter. */
  lineReceived(_line: string): void {}

  /** Sends `line` followed by the delimiter. */
  sendLine(line: string): void {
    this.transport!.write(line + this.delimiter);
  }
}
