import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Int16StringReceiver,
  Int8StringReceiver,
  LineOnlyReceiver,
  LineReceiver,
  NetstringReceiver,
} from "../../protocols";
import { StringTransport } from "../../testing";
import type { Protocol } from "../../net";

/**
 * The same random inputs as Twisted's own protocols got (tests/fixtures/protocols/generate.py
 * ran them through Twisted 22.4 and recorded every callback): twisted-ts's must do the same.
 */
interface Case {
  kind: string;
  delimiter: string;
  MAX_LENGTH: number;
  reads: string[];
  events: unknown[][];
}

const cases = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "protocols", "twisted-cases.json"), "utf8"),
) as Case[];
const b64 = (b: Buffer): string => b.toString("base64");

function make(kind: string, ev: unknown[][]): Protocol & { MAX_LENGTH: number; paused?: boolean; delimiter?: Buffer } {
  switch (kind) {
    case "LineReceiver":
      return new (class extends LineReceiver {
        override lineReceived(line: Buffer): void {
          ev.push(["line", b64(line)]);
          if (line.toString() === "x") this.setRawMode();
          else if (line[0] === 0x70) this.pauseProducing();
        }
        override rawDataReceived(data: Buffer): void {
          ev.push(["raw", b64(data)]);
          this.setLineMode(data.subarray(1));
        }
        override lineLengthExceeded(line: Buffer): undefined {
          ev.push(["exceeded", b64(line)]);
          return undefined;
        }
      })();
    case "LineOnlyReceiver":
      return new (class extends LineOnlyReceiver {
        override lineReceived(line: Buffer): void {
          ev.push(["line", b64(line)]);
        }
        override lineLengthExceeded(line: Buffer): undefined {
          ev.push(["exceeded", b64(line)]);
          return undefined;
        }
      })();
    case "NetstringReceiver":
      return new (class extends NetstringReceiver {
        override stringReceived(s: Buffer): void {
          ev.push(["string", b64(s)]);
        }
      })();
    default: {
      const Base = kind === "Int16StringReceiver" ? Int16StringReceiver : Int8StringReceiver;
      return new (class extends Base {
        override stringReceived(s: Buffer): void {
          ev.push(["string", b64(s)]);
        }
      })();
    }
  }
}

describe("protocols: the same callbacks as Twisted's on random inputs", () => {
  it("has the recorded cases", () => {
    expect(cases.length).to.be.at.least(1000);
  });

  for (const kind of ["LineReceiver", "LineOnlyReceiver", "NetstringReceiver", "Int16StringReceiver", "Int8StringReceiver"]) {
    it(kind, () => {
      const mine = cases.filter((c) => c.kind === kind);
      expect(mine.length).to.be.above(0);
      for (const [i, c] of mine.entries()) {
        const ev: unknown[][] = [];
        const p = make(kind, ev);
        if (p.delimiter !== undefined) p.delimiter = Buffer.from(c.delimiter, "base64");
        p.MAX_LENGTH = c.MAX_LENGTH;
        const t = new StringTransport();
        p.makeConnection(t);
        for (const read of c.reads) {
          if (t.disconnecting) break;
          p.dataReceived(Buffer.from(read, "base64"));
          if (kind === "LineReceiver" && p.paused === true) {
            ev.push(["resume"]);
            (p as LineReceiver).resumeProducing();
          }
        }
        ev.push(["disconnecting", t.disconnecting]);
        expect(ev, `${kind} case ${i}: reads ${JSON.stringify(c.reads)}, MAX_LENGTH ${c.MAX_LENGTH}`).to.deep.equal(c.events);
      }
    });
  }
});
