/**
 * Ported from Twisted 22.4's twisted/test/test_error.py (StringificationTests, for the errors
 * net/ has): Python's `str(e)` is `e.message`.
 */
import { expect } from "chai";
import {
  CannotListenError,
  ConnectError,
  ConnectingCancelledError,
  ConnectionAborted,
  ConnectionClosed,
  ConnectionDone,
  ConnectionLost,
  ConnectionRefusedError,
  ConnectTimeoutError,
  DNSLookupError,
  IPv4Address,
  MessageLengthError,
  NoRouteError,
  NotConnectingError,
  ProcessDone,
  ProcessTerminated,
  UserError,
} from "../../../net";

describe("twisted ports: test_error", () => {
  describe("StringificationTests", () => {
    const listOfTests: Array<[string, () => Error]> = [
      ["Couldn't listen on eth0:4242: Foo.", () => new CannotListenError("eth0", 4242, new Error("Foo"))],
      ["Message is too long to send.", () => new MessageLengthError()],
      ["Message is too long to send: foo bar.", () => new MessageLengthError("foo bar")],
      ["DNS lookup failed.", () => new DNSLookupError()],
      ["DNS lookup failed: foo bar.", () => new DNSLookupError("foo bar")],
      ["An error occurred while connecting.", () => new ConnectError()],
      ["An error occurred while connecting: someOsError.", () => new ConnectError("someOsError")],
      ["An error occurred while connecting: foo.", () => new ConnectError("foo")],
      ["An error occurred while connecting: someOsError: foo.", () => new ConnectError("someOsError", "foo")],
      ["An error occurred while connecting: someOsError: foo.", () => new ConnectError("foo", { osError: "someOsError" })],
      ["No route to host.", () => new NoRouteError()],
      ["Connection was refused by other side.", () => new ConnectionRefusedError()],
      ["User aborted connection.", () => new UserError()],
      ["User timeout caused connection failure.", () => new ConnectTimeoutError()],
      ["Connection to the other side was lost in a non-clean fashion.", () => new ConnectionLost()],
      ["Connection to the other side was lost in a non-clean fashion: foo bar.", () => new ConnectionLost("foo bar")],
      ["Connection was aborted locally using ITCPTransport.abortConnection.", () => new ConnectionAborted()],
      ["Connection was closed cleanly.", () => new ConnectionDone()],
      ["Connection was closed cleanly: foo bar.", () => new ConnectionDone("foo bar")],
      ["A process has ended without apparent errors: process finished with exit code 0.", () => new ProcessDone(null)],
      ["A process has ended with a probable error condition: process ended.", () => new ProcessTerminated()],
      ["A process has ended with a probable error condition: process ended with exit code 42.", () => new ProcessTerminated(42)],
      ["A process has ended with a probable error condition: process ended by signal SIGBUS.", () => new ProcessTerminated(null, "SIGBUS")],
      ["The Connector was not connecting when it was asked to stop connecting.", () => new NotConnectingError()],
      ["The Connector was not connecting when it was asked to stop connecting: x 13.", () => new NotConnectingError("x 13")],
    ];

    for (const [output, make] of listOfTests) {
      it(`test_instance: ${output}`, () => {
        const e = make();
        expect(e.message).to.equal(output);
        expect(String(e)).to.equal(`${e.name}: ${output}`);
      });
    }

    it("names are the class names", () => {
      expect(new ConnectionRefusedError().name).to.equal("ConnectionRefusedError");
      expect(new ConnectTimeoutError().name).to.equal("ConnectTimeoutError");
    });
  });

  describe("hierarchy, as twisted.internet.error", () => {
    it("ProcessDone is a ConnectionDone and ProcessTerminated a ConnectionLost", () => {
      expect(new ProcessDone(null)).to.be.instanceOf(ConnectionDone);
      expect(new ProcessTerminated(1)).to.be.instanceOf(ConnectionLost);
      expect(new ProcessTerminated(1)).to.be.instanceOf(ConnectionClosed);
      expect(new ProcessDone(null).exitCode).to.equal(0);
      expect(new ProcessTerminated(null, "SIGTERM").signal).to.equal("SIGTERM");
    });

    it("ConnectionAborted is a ConnectionLost", () => {
      expect(new ConnectionAborted()).to.be.instanceOf(ConnectionLost);
    });

    it("ConnectError keeps osError", () => {
      expect(new ConnectError("someOsError", "foo").osError).to.equal("someOsError");
      expect(new ConnectionRefusedError("x", { osError: "ECONNREFUSED" }).osError).to.equal("ECONNREFUSED");
      expect(new ConnectError("foo").osError).to.equal(undefined);
    });

    it("ConnectingCancelledError: str() is the address, address kept", () => {
      const address = new IPv4Address("TCP", "1.2.3.4", 5);
      const e = new ConnectingCancelledError(address);
      expect(e.address).to.equal(address);
      expect(e.message).to.equal(String(address));
    });
  });
});
