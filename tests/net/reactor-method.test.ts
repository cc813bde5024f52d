import { expect } from "chai";
import { Factory, Protocol } from "../../net";
import { Reactor } from "../../reactor";
import { newReactor } from "../helpers/reactor";

describe("net: the Reactor's I/O methods", () => {
  it("work when read off a reactor and passed as values, each bound to its own reactor", async () => {
    const a = newReactor();
    const b = newReactor();
    const { listenTCP } = a;
    expect(a.listenTCP).to.equal(listenTCP); // bound once, then kept
    expect(b.listenTCP).to.not.equal(listenTCP);
    const port = listenTCP(0, Factory.forProtocol(Protocol), { interface: "127.0.0.1" });
    await port.whenListening();
    expect(port.getHost()).to.have.property("host", "127.0.0.1");
    await port.stopListening();
    for (const name of ["connectTCP", "listenUNIX", "connectUNIX", "listenSSL", "connectSSL", "listenUDP", "listenMulticast", "spawnProcess", "getThreadPool", "suggestThreadPoolSize"]) {
      expect(typeof (b as unknown as Record<string, unknown>)[name], name).to.equal("function");
    }
  });

  it("can be replaced on one reactor (a test double) without touching the others", () => {
    const r = newReactor();
    const calls: unknown[] = [];
    (r as unknown as { listenTCP: unknown }).listenTCP = (...args: unknown[]) => calls.push(args);
    r.listenTCP(1234, Factory.forProtocol(Protocol));
    expect(calls).to.have.length(1);
    expect(new Reactor({ installSignalHandlers: false }).listenTCP).to.not.equal(r.listenTCP);
  });
});
