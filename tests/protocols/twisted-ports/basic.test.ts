// Ported from Twisted 22.4: twisted/protocols/test/test_basic.py, the tests that
// tests/protocols/*.test.ts does not cover already (the others are ported there, named by test).
import { expect } from "chai";
import { FileSender } from "../../../protocols";
import type { IProducer, IPullProducer } from "../../../net";
import { StringTransport } from "../../../testing";

describe("twisted ports: test_basic.FileSenderTests", () => {
  it("test_interface: FileSender implements IProducer (and IPullProducer)", () => {
    const sender = new FileSender();
    // verifyObject(IProducer, sender): the interface's methods are there and callable.
    const producer: IProducer = sender;
    expect(producer.stopProducing).to.be.a("function");
    const pull: IPullProducer = sender;
    expect(pull.resumeProducing).to.be.a("function");
    expect(sender.pauseProducing).to.be.a("function");
    // Before a transfer, none of them throws (there is nothing to produce or stop).
    expect(() => {
      sender.pauseProducing();
      sender.resumeProducing();
      sender.stopProducing();
    }).not.to.throw();
    // And a consumer accepts it as a (pull) producer.
    const consumer = new StringTransport();
    consumer.registerProducer(sender, false);
    expect(consumer.producer).to.equal(sender);
  });
});
