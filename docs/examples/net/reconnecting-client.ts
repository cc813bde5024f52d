import { Deferred } from "twisted-ts/defer";
import {
  Factory,
  Protocol,
  ReconnectingClientFactory,
  TCP4ServerEndpoint,
  type Address,
  type IConnector,
  type IPv4Address,
} from "twisted-ts/net";
import type { Failure } from "twisted-ts/defer";
import type { Reactor } from "twisted-ts/reactor";

/** The server: greets each client with its number, then hangs up. */
class Greeter extends Protocol {
  override connectionMade(): void {
    const factory = this.factory as GreeterFactory;
    factory.count += 1;
    this.transport!.write(`hello, client #${factory.count}\n`);
    this.transport!.loseConnection();
  }
}

class GreeterFactory extends Factory<Greeter> {
  override protocol = Greeter;
  count = 0;
}

/** The client's protocol: prints what the server says. */
class Echo extends Protocol {
  override dataReceived(data: Buffer): void {
    process.stdout.write(data);
  }
}

/** Connects again whenever the connection fails or is lost, as Twisted's howto's. */
export class EchoClientFactory extends ReconnectingClientFactory<Echo> {
  /** Fires after the second connection is lost. */
  readonly done = new Deferred<void>();
  /** Fires when the first attempt fails. */
  readonly firstFailure = new Deferred<void>();
  connections = 0;

  override startedConnecting(_connector: IConnector): void {
    console.log("Started to connect.");
  }

  override buildProtocol(_addr: Address): Echo {
    console.log("Connected.");
    console.log("Resetting reconnection delay");
    this.resetDelay();
    this.connections += 1;
    return new Echo();
  }

  override clientConnectionLost(connector: IConnector, reason: Failure): void {
    console.log(`Lost connection.  Reason: ${(reason.value as Error).name}`);
    if (this.connections === 2) {
      this.stopTrying();
      this.done.callback(undefined);
      return;
    }
    super.clientConnectionLost(connector, reason);
  }

  override clientConnectionFailed(connector: IConnector, reason: Failure): void {
    console.log(`Connection failed.  Reason: ${(reason.value as Error).name}`);
    if (!this.firstFailure.called) this.firstFailure.callback(undefined);
    super.clientConnectionFailed(connector, reason);
  }
}

export async function main(reactor: Reactor): Promise<void> {
  // Find a free port, and leave it free for now: the first attempt is refused.
  const probe = await new TCP4ServerEndpoint(reactor, 0, { interface: "127.0.0.1" }).listen(new Factory());
  const { port: number } = probe.getHost() as IPv4Address;
  await probe.stopListening();

  const factory = new EchoClientFactory();
  factory.noisy = false;
  factory.initialDelay = factory.delay = 0.1; // seconds; retries wait 0.1 s
  factory.maxDelay = 0.1;
  factory.jitter = 0;
  reactor.connectTCP("127.0.0.1", number, factory);

  // Once the first attempt has failed, start the server: the retry finds it.
  await factory.firstFailure;
  const port = await new TCP4ServerEndpoint(reactor, number, { interface: "127.0.0.1" }).listen(new GreeterFactory());
  await factory.done;
  await port.stopListening();
}
