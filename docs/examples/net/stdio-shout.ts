import { Deferred } from "twisted-ts/defer";
import { StandardIO } from "twisted-ts/net";
import { LineReceiver } from "twisted-ts/protocols";

/** Answers each line upper-cased; at the end of input, says how many there were. */
class Shout extends LineReceiver {
  override delimiter = Buffer.from("\n");
  lines = 0;

  constructor(readonly done: Deferred<void>) {
    super();
  }

  override connectionMade(): void {
    this.sendLine("Type lines; end with Ctrl-D.");
  }

  override lineReceived(line: Buffer): void {
    this.lines += 1;
    this.sendLine(line.toString().toUpperCase());
  }

  // Half-closeable (IHalfCloseableProtocol): the end of input does not end the connection.
  readConnectionLost(): void {
    this.sendLine(`${this.lines} lines`);
    this.transport!.loseConnection();
  }

  writeConnectionLost(): void {}

  override connectionLost(): void {
    this.done.callback(undefined);
  }
}

export function main(): Deferred<void> {
  const done = new Deferred<void>();
  new StandardIO(new Shout(done));
  return done;
}
