import { expect } from "chai";
import { addObserver, msg, removeObserver, type LogEvent } from "../../log";
import { ClientFactory, IPv4Address, Protocol, ServerFactory } from "../../net";
import { reactor } from "../../reactor";
import { later } from "../helpers/net";
import { newReactor, runReactor } from "../helpers/reactor";

// What twisted.python.log gives a line logged in each protocol callback (Twisted 22.4, measured
// with the same two protocols): connectionMade under the port's prefix (the factory) on the
// server, "Uninitialized" on the client; dataReceived and connectionLost under the connection's
// logstr; the port's close under the port's prefix; anything else "-".

describe("log context of protocol callbacks (as Twisted's callWithLogger)", () => {
  it("msg() in connectionMade, dataReceived and connectionLost carries the system Twisted gives it", async () => {
    const events: LogEvent[] = [];
    const observer = (e: LogEvent): void => {
      if (typeof e.log_text === "string" && / (made|data|lost)$|^\(TCP Port \d+ Closed\)$/.test(e.log_text)) events.push(e);
    };
    addObserver(observer);
    const done = later();
    class S extends Protocol {
      override connectionMade(): void {
        msg("server made");
      }
      override dataReceived(data: Buffer): void {
        msg("server data");
        this.transport!.write(data);
      }
      override connectionLost(): void {
        msg("server lost");
        done.resolve();
      }
    }
    class C extends Protocol {
      override connectionMade(): void {
        msg("client made");
        this.transport!.write("x");
      }
      override dataReceived(): void {
        msg("client data");
        this.transport!.loseConnection();
      }
      override connectionLost(): void {
        msg("client lost");
      }
    }
    class SF extends ServerFactory {
      override protocol = S;
      override noisy = false;
    }
    class CF extends ClientFactory {
      override protocol = C;
      override noisy = false;
    }
    const port = reactor.listenTCP(0, new SF(), { interface: "127.0.0.1" });
    try {
      await port.whenListening();
      reactor.connectTCP("127.0.0.1", (port.getHost() as IPv4Address).port, new CF());
      await done.promise;
      msg("outside made"); // no callback running: "-"
      const systems = Object.fromEntries(events.filter((e) => !String(e.log_text).startsWith("(")).map((e) => [e.log_text, e.log_system]));
      expect(systems).to.deep.equal({
        "server made": "SF",
        "client made": "Uninitialized",
        "server data": "S,0,127.0.0.1",
        "client data": "C,client",
        "client lost": "C,client",
        "server lost": "S,0,127.0.0.1",
        "outside made": "-",
      });
      // The port's close after stopListening() is logged with no context, as Twisted 22.4's
      // (its connectionLost runs from a deferLater); the reactor's shutdown: see below.
      await port.stopListening();
      const closed = events.find((e) => /^\(TCP Port \d+ Closed\)$/.test(String(e.log_text)));
      expect(closed?.log_system).to.equal("-");
    } finally {
      removeObserver(observer);
      await port.stopListening();
    }
  });

  it("an anonymous protocol or factory class logs under the nearest named class (Python classes always have a name)", async () => {
    const events: LogEvent[] = [];
    const observer = (e: LogEvent): void => {
      if (e.log_text === "server data" || e.log_text === "server made") events.push(e);
    };
    addObserver(observer);
    const done = later();
    const f = new (class extends ServerFactory {
      override noisy = false;
    })();
    f.protocol = class extends Protocol {
      override connectionMade(): void {
        msg("server made");
      }
      override dataReceived(): void {
        msg("server data");
        this.transport!.loseConnection();
        done.resolve();
      }
    };
    const client = new (class extends ClientFactory {
      override noisy = false;
    })();
    client.protocol = class extends Protocol {
      override connectionMade(): void {
        this.transport!.write("x");
      }
    };
    const port = reactor.listenTCP(0, f, { interface: "127.0.0.1" });
    try {
      await port.whenListening();
      reactor.connectTCP("127.0.0.1", (port.getHost() as IPv4Address).port, client);
      await done.promise;
      expect(events.map((e) => e.log_system)).to.deep.equal(["ServerFactory", "Protocol,0,127.0.0.1"]);
      expect(String(f)).to.equal("<ServerFactory>");
    } finally {
      removeObserver(observer);
      await port.stopListening();
    }
  });

  it("a port closed by the reactor's shutdown logs its close under its own prefix, as Twisted's disconnectAll", async () => {
    const events: LogEvent[] = [];
    const observer = (e: LogEvent): void => {
      if (/^\(TCP Port \d+ Closed\)$/.test(String(e.log_text))) events.push(e);
    };
    addObserver(observer);
    const r = newReactor();
    class ShutdownFactory extends ServerFactory {
      override protocol = Protocol;
      override noisy = false;
    }
    try {
      const port = r.listenTCP(0, new ShutdownFactory(), { interface: "127.0.0.1" });
      await port.whenListening();
      r.callWhenRunning(() => r.stop());
      await runReactor(r);
      expect(events.map((e) => e.log_system)).to.deep.equal(["ShutdownFactory"]);
    } finally {
      removeObserver(observer);
    }
  });
});
