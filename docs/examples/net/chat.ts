import { DeferredQueue } from "twisted-ts/defer";
import {
  Factory,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  connectProtocol,
  type Address,
  type IPv4Address,
} from "twisted-ts/net";
import type { Reactor } from "twisted-ts/reactor";
import { LineProtocol } from "./line-protocol";

/** One user of the chat: first asks for a name, then relays what they say to the others. */
export class Chat extends LineProtocol {
  name: string | null = null;
  state: "GETNAME" | "CHAT" = "GETNAME";

  constructor(readonly users: Map<string, Chat>) {
    super();
  }

  override connectionMade(): void {
    this.sendLine("What's your name?");
  }

  override connectionLost(): void {
    if (this.name !== null && this.users.get(this.name) === this) this.users.delete(this.name);
  }

  override lineReceived(line: string): void {
    if (this.state === "GETNAME") this.handleGETNAME(line);
    else this.handleCHAT(line);
  }

  handleGETNAME(name: string): void {
    if (this.users.has(name)) {
      this.sendLine("Name taken, please choose another.");
      return;
    }
    this.sendLine(`Welcome, ${name}!`);
    this.name = name;
    this.users.set(name, this);
    this.state = "CHAT";
  }

  handleCHAT(message: string): void {
    const line = `<${this.name}> ${message}`;
    for (const protocol of this.users.values()) {
      if (protocol !== this) protocol.sendLine(line);
    }
  }
}

/** The users every connection shares live in the factory. */
export class ChatFactory extends Factory<Chat> {
  readonly users = new Map<string, Chat>();

  override buildProtocol(_addr: Address): Chat {
    return new Chat(this.users);
  }
}

/** A chat user driven by the program: prints each line it gets, and hands it on. */
class ChatClient extends LineProtocol {
  readonly lines = new DeferredQueue<string>();

  constructor(readonly who: string) {
    super();
  }

  override lineReceived(line: string): void {
    console.log(`[${this.who}] ${line}`);
    this.lines.put(line);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new ChatFactory());
  const { port: number } = port.getHost() as IPv4Address;
  const endpoint = new TCP4ClientEndpoint(reactor, "127.0.0.1", number);

  const alice = await connectProtocol(endpoint, new ChatClient("alice"));
  await alice.lines.get(); // What's your name?
  alice.sendLine("alice");
  await alice.lines.get(); // Welcome, alice!

  const bob = await connectProtocol(endpoint, new ChatClient("bob"));
  await bob.lines.get();
  bob.sendLine("alice");
  await bob.lines.get(); // Name taken
  bob.sendLine("bob");
  await bob.lines.get();

  alice.sendLine("hi bob");
  await bob.lines.get();
  bob.sendLine("hello alice");
  await alice.lines.get();

  alice.transport!.loseConnection();
  bob.transport!.loseConnection();
  await port.stopListening();
}
