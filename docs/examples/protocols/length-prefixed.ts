import { Int32StringReceiver } from "twisted-ts/protocols";
import { connectedServerAndClient } from "twisted-ts/testing";

/** A key-value store speaking 4-byte length-prefixed JSON messages. */
class Store extends Int32StringReceiver {
  readonly data = new Map<string, unknown>();

  override stringReceived(s: Buffer): void {
    const request = JSON.parse(s.toString()) as { op: "get" | "set"; key: string; value?: unknown };
    if (request.op === "set") this.data.set(request.key, request.value);
    this.sendString(JSON.stringify({ key: request.key, value: this.data.get(request.key) ?? null }));
  }
}

class Client extends Int32StringReceiver {
  override stringReceived(s: Buffer): void {
    console.log("reply:", s.toString());
  }

  request(op: "get" | "set", key: string, value?: unknown): void {
    this.sendString(JSON.stringify({ op, key, value }));
  }
}

export function main(): void {
  const { client, pump } = connectedServerAndClient(Store, Client);
  client.request("set", "answer", 42);
  client.request("get", "answer");
  client.request("get", "question");
  pump.flush();
  // A prefix announcing more than MAX_LENGTH (99,999) bytes drops the connection:
  client.transport!.write(Buffer.from([0x00, 0x10, 0x00, 0x00]));
  pump.flush();
  console.log("connected after an oversized prefix:", client.connected);
}
