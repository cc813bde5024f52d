import { Factory } from "twisted-ts/net";
import { LineReceiver } from "twisted-ts/protocols";

/** A chat room: each line a client sends goes to every other client, prefixed with its name. */
export class ChatFactory extends Factory<Chat> {
  override protocol = Chat;
  readonly users = new Map<string, Chat>();
}

export class Chat extends LineReceiver {
  name: string | null = null;

  override connectionMade(): void {
    this.sendLine("What's your name?");
  }

  override connectionLost(): void {
    if (this.name !== null) this.room().users.delete(this.name);
  }

  override lineReceived(line: Buffer): void {
    const text = line.toString();
    if (this.name === null) this.#register(text);
    else this.#broadcast(text);
  }

  #register(name: string): void {
    if (this.room().users.has(name)) {
      this.sendLine("Name taken, please choose another.");
      return;
    }
    this.sendLine(`Welcome, ${name}!`);
    this.name = name;
    this.room().users.set(name, this);
  }

  #broadcast(text: string): void {
    for (const [name, user] of this.room().users) {
      if (name !== this.name) user.sendLine(`<${this.name}> ${text}`);
    }
  }

  room(): ChatFactory {
    return this.factory as ChatFactory;
  }
}
