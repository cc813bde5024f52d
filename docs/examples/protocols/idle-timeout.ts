import { LineReceiver, TimeoutMixin } from "twisted-ts/protocols";
import { Clock } from "twisted-ts/task";
import { StringTransportWithDisconnection } from "twisted-ts/testing";

/** Drops a client that stays silent for 30 seconds; each line received restarts the countdown. */
class IdleLines extends TimeoutMixin(LineReceiver) {
  override connectionMade(): void {
    this.setTimeout(30);
  }

  override lineReceived(line: Buffer): void {
    this.resetTimeout();
    this.sendLine(`echo: ${line.toString()}`);
  }

  override timeoutConnection(): void {
    this.sendLine("idle for too long, bye");
    super.timeoutConnection(); // transport.loseConnection()
  }

  override connectionLost(): void {
    this.setTimeout(null);
    console.log("connection lost");
  }
}

export function main(): void {
  const clock = new Clock();
  const proto = new IdleLines();
  proto.callLater = clock.callLater; // the global reactor's by default; a test clock here
  const transport = new StringTransportWithDisconnection();
  transport.protocol = proto;
  proto.makeConnection(transport);
  clock.advance(20);
  proto.dataReceived(Buffer.from("still here\r\n"));
  clock.advance(20); // 40 s in, but only 20 s since the last line
  console.log("after 40 s:", transport.connected ? "connected" : "dropped");
  clock.advance(10);
  console.log("after 50 s:", transport.connected ? "connected" : "dropped");
  console.log(JSON.stringify(transport.value().toString()));
}
