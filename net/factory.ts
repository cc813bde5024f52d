/**
 * Factories of protocols, as `twisted.internet.protocol`: `Factory`, `ServerFactory`,
 * `ClientFactory` and `ReconnectingClientFactory`.
 * @module
 */
import type { Failure } from "../core/failure";
import type { IDelayedCall, IReactorTime } from "../core/interfaces";
import { bindMethods } from "../core/bind";
import { NamedError } from "../core/named-error";
import { className, textOf } from "../core/validate";
import { inspect } from "node:util";
import { Logger, msg } from "../log";
import { reactor } from "../reactor";
import type { Address } from "./address";
import { NotConnectingError } from "./errors";
import type { IConnector, IProtocolFactory } from "./interfaces";
import type { Protocol, ProtocolClass } from "./protocol";

/** The namespace of the "Starting factory" / "Stopping factory" events (Twisted's `Factory._log`). */
const FACTORY_NAMESPACE = "twisted.internet.protocol.Factory";

/**
 * Makes a protocol for each connection: `buildProtocol(addr)` constructs `this.protocol` and
 * sets its `factory`. Ports and connectors call `doStart()` when they start using the factory
 * and `doStop()` when they stop: `startFactory()` runs before the first, `stopFactory()` after
 * the last (`numPorts` counts them).
 *
 * @example
 * ```ts
 * class Counter extends Factory {
 *   connections = 0;
 *   protocol = CountingProtocol;
 * }
 * reactor.listenTCP(8000, new Counter());
 * // or, with no state of its own:
 * reactor.listenTCP(8001, Factory.forProtocol(Echo));
 * ```
 */
export class Factory<P extends Protocol = Protocol> implements IProtocolFactory {
  /** The protocol class `buildProtocol` constructs. */
  protocol?: ProtocolClass<P>;
  /** Log "Starting factory …" / "Stopping factory …" (default true, as Twisted). */
  noisy = true;
  /** How many ports and connectors are using this factory. */
  numPorts = 0;

  /** Binds the public methods, so that each works passed as a value (`d.addBoth(f.doStop)`). */
  constructor() {
    bindMethods(this, ["logPrefix", "doStart", "doStop", "startFactory", "stopFactory", "buildProtocol"]);
  }

  /**
   * A factory of this class (constructed with `args`) whose `protocol` is `protocol`.
   * @example `reactor.listenTCP(8000, Factory.forProtocol(Echo))`
   */
  static forProtocol<P extends Protocol, F extends Factory<any>, A extends unknown[] = []>( // eslint-disable-line @typescript-eslint/no-explicit-any -- any Factory subclass, whatever its protocol type
    this: new (...args: A) => F,
    protocol: ProtocolClass<P>,
    ...args: A
  ): Factory<P> & F {
    if (typeof protocol !== "function") {
      throw new TypeError(`forProtocol: protocol must be a protocol class, got ${String(protocol)}`);
    }
    const factory = new this(...args);
    factory.protocol = protocol;
    return factory;
  }

  /** A prefix for log messages about this factory: its class name. */
  logPrefix(): string {
    return className(this);
  }

  /** Called by each port or connector starting to use this factory; do not call it yourself. */
  doStart(): void {
    if (this.numPorts === 0) {
      if (this.noisy) new Logger(FACTORY_NAMESPACE, this).info("Starting factory {factory!r}", { factory: this });
      this.startFactory();
    }
    this.numPorts += 1;
  }

  /** Called by each port or connector done with this factory; do not call it yourself. */
  doStop(): void {
    if (this.numPorts === 0) return; // unbalanced: ignored, as Twisted
    this.numPorts -= 1;
    if (this.numPorts === 0) {
      if (this.noisy) new Logger(FACTORY_NAMESPACE, this).info("Stopping factory {factory!r}", { factory: this });
      this.stopFactory();
    }
  }

  /** Called before the first port or connector uses this factory (open resources here). */
  startFactory(): void {}

  /** Called after the last port or connector stopped using this factory. */
  stopFactory(): void {}

  /**
   * A new protocol for a connection with `addr`: `new this.protocol()` with `factory` set. Return
   * null (in an override) to refuse the connection.
   * @throws Error when `protocol` is not set.
   */
  buildProtocol(_addr: Address): P | null {
    const protocol = this.protocol;
    if (protocol === undefined || protocol === null) {
      throw new Error(`${className(this)}.buildProtocol: no protocol class set (factory.protocol)`);
    }
    const p = new protocol();
    p.factory = this;
    return p;
  }

  /** `<Factory at …>`-style description used in log messages. */
  toString(): string {
    return `<${className(this)}>`;
  }

  /** What `{factory!r}` shows in a log format: the same as `toString()`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** A factory for servers (listening ports). */
export class ServerFactory<P extends Protocol = Protocol> extends Factory<P> {}

/**
 * A factory for clients: told when a connection attempt starts, fails, or a made connection is
 * lost. Each method does nothing by default.
 */
export class ClientFactory<P extends Protocol = Protocol> extends Factory<P> {
  constructor() {
    super();
    bindMethods(this, ["startedConnecting", "clientConnectionFailed", "clientConnectionLost"]);
  }

  /** Called when a connection attempt starts (inside `connectTCP` and `connector.connect()`). */
  startedConnecting(_connector: IConnector): void {}

  /** Called when a connection attempt fails: `reason` is a Failure of a `ConnectError`. */
  clientConnectionFailed(_connector: IConnector, _reason: Failure): void {}

  /** Called after a made connection ends, with the reason its protocol was given. */
  clientConnectionLost(_connector: IConnector, _reason: Failure): void {}
}

/** An Error named `ValueError`, as Python's, for a value that cannot be used. */
export class ValueError extends NamedError {}

/** A normal variate (Box-Muller), as Python's `random.normalvariate`. */
function normalVariate(mu: number, sigma: number): number {
  let u = 0;
  while (u === 0) u = Math.random();
  const v = Math.random();
  return mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A client factory that reconnects after a failed attempt or a lost connection, waiting longer
 * each time: `delay = min(delay * factor, maxDelay)`, then, with `jitter`, a normal variate of
 * standard deviation `delay * jitter` around it. Its protocol should call `resetDelay()` once
 * connected. `stopTrying()` ends it; `maxRetries` bounds consecutive failures.
 *
 * @example
 * ```ts
 * class EchoClientFactory extends ReconnectingClientFactory {
 *   override buildProtocol(addr: Address) {
 *     this.resetDelay();
 *     return super.buildProtocol(addr);
 *   }
 * }
 * ```
 */
export class ReconnectingClientFactory<P extends Protocol = Protocol> extends ClientFactory<P> {
  /** The longest wait between attempts, in seconds. */
  maxDelay = 3600;
  /** The first wait, in seconds (before growth). */
  initialDelay = 1.0;
  /** How much the wait grows per attempt (e). */
  factor = 2.7182818284590451;
  /** Randomness of the wait, as a fraction of it (standard deviation); 0 for none. */
  jitter = 0.119626565582;
  /** The current wait, in seconds. */
  delay = this.initialDelay;
  /** Consecutive failed attempts. */
  retries = 0;
  /** At most this many consecutive retries (null: no limit). */
  maxRetries: number | null = null;
  /** False once `stopTrying()` was called. */
  continueTrying = true;
  /** The clock the waits run on (null: the connector's reactor, or the global reactor). */
  clock: IReactorTime | null = null;
  /** The connector last used. */
  connector: IConnector | null = null;
  #callID: IDelayedCall | null = null;

  constructor() {
    super();
    bindMethods(this, ["retry", "stopTrying", "resetDelay"]);
  }

  override clientConnectionFailed(connector: IConnector, _reason: Failure): void {
    if (this.continueTrying) {
      this.connector = connector;
      this.retry();
    }
  }

  override clientConnectionLost(connector: IConnector, _reason: Failure): void {
    if (this.continueTrying) {
      this.connector = connector;
      this.retry();
    }
  }

  /**
   * Connects `connector` (default: the last one) again after the next wait.
   * @throws ValueError when there is no connector to retry.
   */
  retry(connector?: IConnector): void {
    if (!this.continueTrying) {
      if (this.noisy) msg(`Abandoning ${textOf(connector)} on explicit request`);
      return;
    }
    if (connector === undefined || connector === null) {
      if (this.connector === null) throw new ValueError("no connector to retry");
      connector = this.connector;
    }
    this.retries += 1;
    if (this.maxRetries !== null && this.retries > this.maxRetries) {
      if (this.noisy) msg(`Abandoning ${textOf(connector)} after ${this.retries} retries.`);
      return;
    }
    this.delay = Math.min(this.delay * this.factor, this.maxDelay);
    if (this.jitter) this.delay = normalVariate(this.delay, this.delay * this.jitter);
    if (this.noisy) msg(`${textOf(connector)} will retry in ${Math.trunc(this.delay)} seconds`);
    const target = connector;
    const reconnector = (): void => {
      this.#callID = null;
      target.connect();
    };
    this.clock ??= defaultClock(connector);
    this.#callID = this.clock.callLater(Math.max(0, this.delay), reconnector);
  }

  /** Cancels a pending retry and stops any attempt in progress; no more retries. */
  stopTrying(): void {
    if (this.#callID !== null) {
      if (this.#callID.active()) this.#callID.cancel();
      this.#callID = null;
    }
    this.continueTrying = false;
    if (this.connector !== null) {
      try {
        this.connector.stopConnecting();
      } catch (e) {
        if (!(e instanceof NotConnectingError)) throw e;
      }
    }
  }

  /** Call after a successful connection: the delay and the retry count start over. */
  resetDelay(): void {
    this.delay = this.initialDelay;
    this.retries = 0;
    this.#callID = null;
    this.continueTrying = true;
  }
}

/** The reactor a connector belongs to (connectors made by a reactor carry it), else the global one. */
function defaultClock(connector: IConnector): IReactorTime {
  const owner = (connector as { reactor?: IReactorTime }).reactor;
  if (owner !== undefined && owner !== null && typeof owner.callLater === "function") return owner;
  return reactor;
}
