/**
 * Ported from Twisted 22.4's twisted/internet/test/test_unix.py (UNIXTestsBuilder: the socket
 * file's mode, Linux's abstract namespace, a failed listen, the addresses of both ends) and the
 * connectionmixins it runs over UNIX sockets (ConnectionTestsMixin.test_writeAfterDisconnect).
 * File descriptor passing (sendmsg) does not exist in Node and is not ported.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Failure } from "../../../core/failure";
import { Deferred } from "../../../defer";
import { CannotListenError, ClientFactory, ServerFactory, UNIXAddress, type Address } from "../../../net";
import { newReactor } from "../../helpers/reactor";
import { ConnectableProtocol, runProtocolsWithReactor, unixCreator } from "./connectable";

/** Twisted's _abstractPath: a new, unique abstract namespace name. */
const abstractPath = (): string => randomBytes(16).toString("hex");

describe("twisted ports: test_unix", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tts-ports-unix-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe("UNIXTestsBuilder", () => {
    it("test_mode", async () => {
      const path = join(dir, "sock");
      const reactor = newReactor();
      const unixPort = reactor.listenUNIX(path, new ServerFactory(), { mode: 0o600 });
      await unixPort.whenListening();
      expect(statSync(path).mode & 0o7777).to.equal(0o600);
      await unixPort.stopListening();
    });

    if (process.platform === "linux") {
      it("test_listenOnLinuxAbstractNamespace", async () => {
        const path = abstractPath();
        const reactor = newReactor();
        const port = reactor.listenUNIX("\0" + path, new ServerFactory());
        await port.whenListening();
        try {
          expect(port.getHost().equals(new UNIXAddress("\0" + path))).to.equal(true);
        } finally {
          await port.stopListening();
        }
      });

      it("test_connectToLinuxAbstractNamespace", () => {
        const path = abstractPath();
        const reactor = newReactor();
        let failed: Failure | null = null;
        class F extends ClientFactory {
          override clientConnectionFailed(_c: unknown, reason: Failure): void {
            failed = reason;
          }
        }
        const connector = reactor.connectUNIX("\0" + path, new F());
        expect(connector.getDestination().equals(new UNIXAddress("\0" + path))).to.equal(true);
        connector.stopConnecting();
        expect(failed).to.not.equal(null);
      });
    }

    it("test_listenFailure: the OS refusing the socket is a CannotListenError", async () => {
      // Twisted patches createInternetSocket to raise; here the OS refuses a path in a missing directory.
      const reactor = newReactor();
      const port = reactor.listenUNIX(join(dir, "missing", "sock"), new ServerFactory());
      let reason: unknown = null;
      await port.whenListening().then(
        () => undefined,
        (e: unknown) => {
          reason = e;
        },
      );
      expect(reason).to.be.instanceOf(CannotListenError);
    });

    it("test_addresses", async () => {
      class SaveAddress extends ConnectableProtocol {
        addresses: { host: Address; peer: Address } | null = null;
        override makeConnection(transport: NonNullable<ConnectableProtocol["transport"]>): void {
          this.addresses = { host: transport.getHost(), peer: transport.getPeer() };
          transport.loseConnection();
        }
      }
      const server = new SaveAddress();
      const client = new SaveAddress();
      await runProtocolsWithReactor(server, client, unixCreator());
      expect(server.addresses!.host.equals(client.addresses!.peer)).to.equal(true);
      expect(server.addresses!.peer.equals(client.addresses!.host)).to.equal(true);
      expect(server.addresses!.host).to.be.instanceOf(UNIXAddress);
    });
  });

  describe("ConnectionTestsMixin (UNIX)", () => {
    it("test_writeAfterDisconnect", async () => {
      const finished: boolean[] = [];
      /** Twisted's ClosingLaterProtocol: closes once data arrives; fires its Deferred when lost. */
      class ClosingLaterProtocol extends ConnectableProtocol {
        lostDeferred!: Deferred<ClosingLaterProtocol>;
        override dataReceived(): void {
          this.transport!.loseConnection();
        }
        override connectionLost(): void {
          this.lostDeferred.callback(this);
        }
      }
      /** Twisted's `lambda: ClosingLaterProtocol(d)`. */
      const closingLater = (d: Deferred<ClosingLaterProtocol>): typeof ClosingLaterProtocol =>
        class extends ClosingLaterProtocol {
          override lostDeferred = d;
        };
      const reactor = newReactor();
      const creator = unixCreator();
      try {
        const serverLost = new Deferred<ClosingLaterProtocol>();
        const clientLost = new Deferred<ClosingLaterProtocol>();
        const disconnected = (proto: ClosingLaterProtocol): void => {
          proto.transport!.write("some bytes to get lost");
          proto.transport!.writeSequence(["some", "more"]);
          finished.push(true);
        };
        serverLost.addCallback(disconnected);
        clientLost.addCallback(disconnected);
        const port = await creator.server(reactor).listen(ServerFactory.forProtocol(closingLater(serverLost)));
        const proto = await creator.client(reactor, port.getHost()).connect(ClientFactory.forProtocol(closingLater(clientLost)));
        proto.transport!.write("x");
        await Promise.all([serverLost, clientLost]);
        await port.stopListening();
      } finally {
        creator.cleanup();
      }
      expect(finished).to.deep.equal([true, true]);
    });
  });
});
