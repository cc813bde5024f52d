import { expect } from "chai";
import { Protocol } from "../../net";
import { Clock } from "../../task";
import { FakeDatagramTransport, StringTransport, assertNoResult, successResultOf, waitUntilAllDisconnected } from "../../testing";

describe("FakeDatagramTransport (twisted.internet.testing)", () => {
  it("records each packet with its address, or noAddr", () => {
    const t = new FakeDatagramTransport();
    const { write } = t;
    write(Buffer.from("a"), ["10.0.0.1", 53]);
    t.write("b");
    expect(t.written).to.deep.equal([
      [Buffer.from("a"), ["10.0.0.1", 53]],
      ["b", FakeDatagramTransport.noAddr],
    ]);
  });
});

describe("waitUntilAllDisconnected (twisted.internet.testing)", () => {
  const connectedProtocol = (): { p: Protocol; t: StringTransport } => {
    const p = new Protocol();
    const t = new StringTransport();
    p.makeConnection(t);
    return { p, t };
  };

  it("fires at once when no transport is connected", () => {
    const clock = new Clock();
    const a = connectedProtocol();
    a.t.connected = false;
    successResultOf(waitUntilAllDisconnected(clock, [a.p]));
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("checks every 10 ms until every transport is disconnected", () => {
    const clock = new Clock();
    const a = connectedProtocol();
    const b = connectedProtocol();
    const d = waitUntilAllDisconnected(clock, [a.p, b.p]);
    assertNoResult(d);
    a.t.connected = false;
    clock.advance(0.01);
    assertNoResult(d);
    b.t.connected = false;
    clock.advance(0.005);
    assertNoResult(d);
    clock.advance(0.005);
    successResultOf(d);
    expect(clock.getDelayedCalls()).to.have.length(0);
  });

  it("rejects a bad reactor or protocols at the call", () => {
    expect(() => waitUntilAllDisconnected({} as Clock, [])).to.throw(TypeError, /reactor/);
    expect(() => waitUntilAllDisconnected(new Clock(), null as never)).to.throw(TypeError, /protocols/);
  });
});
