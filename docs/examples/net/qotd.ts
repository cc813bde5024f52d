import { Deferred } from "twisted-ts/defer";
import {
  Factory,
  Protocol,
  TCP4ClientEndpoint,
  TCP4ServerEndpoint,
  connectProtocol,
  type IPv4Address,
} from "twisted-ts/net";
import type { Reactor } from "twisted-ts/reactor";

/** Quote of the Day (RFC 865): sends the factory's quote, then hangs up. */
export class QOTD extends Protocol {
  override connectionMade(): void {
    const factory = this.factory as QOTDFactory;
    this.transport!.write(`${factory.quote}\r\n`);
    this.transport!.loseConnection();
  }
}

/** Holds the state every connection shares: here, the quote. */
export class QOTDFactory extends Factory<QOTD> {
  override protocol = QOTD;

  constructor(readonly quote = "An apple a day keeps the doctor away") {
    super();
  }
}

/** Collects what the server sends until it hangs up. */
export class QuoteReader extends Protocol {
  readonly quote = new Deferred<string>();
  #chunks: Buffer[] = [];

  override dataReceived(data: Buffer): void {
    this.#chunks.push(data);
  }

  override connectionLost(): void {
    this.quote.callback(Buffer.concat(this.#chunks).toString().trimEnd());
  }
}

export async function main(reactor: Reactor): Promise<void> {
  const factory = new QOTDFactory("configurable quote");
  const port = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(factory);
  const { port: number } = port.getHost() as IPv4Address;

  for (let i = 1; i <= 2; i++) {
    const reader = await connectProtocol(new TCP4ClientEndpoint(reactor, "127.0.0.1", number), new QuoteReader());
    console.log(`quote ${i}: ${await reader.quote}`);
  }
  await port.stopListening();
}
