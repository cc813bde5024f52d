/**
 * `LimitTotalConnectionsFactory` and `LimitConnectionsByPeer`, as `twisted.protocols.policies`:
 * a cap on the connections served at once, in all or from one peer host.
 * @module
 */
import { bindMethods } from "../core/bind";
import { hostOf, type Address } from "../net/address";
import { ServerFactory } from "../net/factory";
import type { Protocol, ProtocolClass } from "../net/protocol";
import { ProtocolWrapper, WrappingFactory } from "./protocol-wrapper";

/**
 * Serves at most `connectionLimit` connections at once (null: no limit). Past it, a connection
 * gets `overflowProtocol` (say, one that answers "busy" and closes), or is refused when that is
 * null. Each protocol is wrapped in a {@link ProtocolWrapper} that counts it out when it ends.
 *
 * @example
 * ```ts
 * class Limited extends LimitTotalConnectionsFactory {
 *   override protocol = Echo;
 *   override connectionLimit = 100;
 * }
 * ```
 */
export class LimitTotalConnectionsFactory extends ServerFactory {
  /** Connections served now. */
  connectionCount = 0;
  /** Connections served at once at most (null: no limit). */
  connectionLimit: number | null = null;
  /** The protocol for a connection past the limit (null: refuse it). */
  overflowProtocol: ProtocolClass | null = null;

  constructor() {
    super();
    bindMethods(this as LimitTotalConnectionsFactory, ["registerProtocol", "unregisterProtocol"]);
  }

  /** The protocol (or the overflow one past the limit) in a wrapper; null to refuse. */
  override buildProtocol(_addr: Address): Protocol | null {
    let wrapped: Protocol;
    if (this.connectionLimit === null || this.connectionCount < this.connectionLimit) {
      const P = this.protocol;
      if (P === undefined || P === null) throw new Error("LimitTotalConnectionsFactory.buildProtocol: no protocol class set (factory.protocol)");
      wrapped = new P();
    } else if (this.overflowProtocol === null) {
      return null;
    } else {
      wrapped = new this.overflowProtocol();
    }
    wrapped.factory = this;
    const wrapper = new ProtocolWrapper(this as unknown as WrappingFactory, wrapped);
    this.connectionCount += 1;
    return wrapper;
  }

  /** Called by a wrapper once connected (nothing to do: counted when built). */
  registerProtocol(_p: ProtocolWrapper): void {}

  /** Called by a wrapper once its connection is lost. */
  unregisterProtocol(_p: ProtocolWrapper): void {
    this.connectionCount -= 1;
  }
}

/**
 * Serves at most `maxConnectionsPerPeer` connections (5 by default) from one peer host at once;
 * more are refused.
 */
export class LimitConnectionsByPeer extends WrappingFactory {
  /** Connections from one host at once at most. */
  maxConnectionsPerPeer = 5;
  /** Connections open now, by peer host. */
  peerConnections = new Map<string, number>();

  /** Starts with no connection counted. */
  override startFactory(): void {
    this.peerConnections = new Map();
  }

  /** A wrapper for `addr`, or null when its host has `maxConnectionsPerPeer` open already. */
  override buildProtocol(addr: Address): ProtocolWrapper | null {
    const host = hostOf(addr);
    const count = this.peerConnections.get(host) ?? 0;
    if (count >= this.maxConnectionsPerPeer) return null;
    const wrapper = super.buildProtocol(addr);
    if (wrapper !== null) this.peerConnections.set(host, count + 1);
    return wrapper;
  }

  /** Counts the connection of `p`'s peer out. */
  override unregisterProtocol(p: ProtocolWrapper): void {
    super.unregisterProtocol(p);
    const host = hostOf(p.getPeer());
    const count = (this.peerConnections.get(host) ?? 1) - 1;
    if (count <= 0) this.peerConnections.delete(host);
    else this.peerConnections.set(host, count);
  }
}
