/**
 * Ported from Twisted 22.4's twisted/internet/test/test_tcp.py: AbortConnectionMixin (as
 * AbortConnectionTests runs it over TCP), abortConnection called
 * from dataReceived, twice, then loseConnection, from a producer's resumeProducing, and once the
 * write buffer is full. Twisted's stopReading/startReading are pauseProducing/resumeProducing.
 */
import { expect } from "chai";
import type { Failure } from "../../../core/failure";
import { err } from "../../../log";
import { ConnectionAborted, ConnectionDone, ConnectionLost, type IPushProducer, type StreamTransport } from "../../../net";
import { flushLoggedErrors } from "../../setup";
import { ConnectableProtocol, runProtocolsWithReactor, tcpCreator } from "./connectable";

type T = StreamTransport;
const t = (p: ConnectableProtocol): T => p.transport as T;

class ServerAbortsTwice extends ConnectableProtocol {
  override dataReceived(): void {
    t(this).abortConnection();
    t(this).abortConnection();
  }
}

class ServerAbortsThenLoses extends ConnectableProtocol {
  override dataReceived(): void {
    t(this).abortConnection();
    t(this).loseConnection();
  }
}

class AbortServerWritingProtocol extends ConnectableProtocol {
  override connectionMade(): void {
    t(this).write("ready");
  }
}

/** Never receives anything but the X's written before abortConnection. */
class ReadAbortServerProtocol extends AbortServerWritingProtocol {
  override dataReceived(data: Buffer): void {
    if (data.toString().replace(/X/g, "") !== "") throw new Error("Unexpectedly received data.");
  }
}

class NoReadServer extends ConnectableProtocol {
  override connectionMade(): void {
    t(this).pauseProducing();
  }
}

class EventualNoReadServer extends ConnectableProtocol {
  gotData = false;
  stoppedReading = false;
  override dataReceived(): void {
    if (!this.gotData) {
      this.gotData = true;
      t(this).registerProducer(this.producer, false);
      t(this).write("hello");
    }
  }
  readonly producer = {
    resumeProducing: (): void => {
      if (this.stoppedReading) return;
      this.stoppedReading = true;
      t(this).pauseProducing();
    },
    pauseProducing: (): void => undefined,
    stopProducing: (): void => undefined,
  };
}

class BaseAbortingClient extends ConnectableProtocol {
  inReactorMethod = false;
  override connectionLost(reason: Failure): void {
    if (this.inReactorMethod) throw new Error("BUG: connectionLost was called re-entrantly!");
    super.connectionLost(reason);
  }
}

class WritingButNotAbortingClient extends BaseAbortingClient {
  override connectionMade(): void {
    t(this).write("hello");
  }
}

class AbortingClient extends BaseAbortingClient {
  override dataReceived(): void {
    this.inReactorMethod = true;
    this.writeAndAbort();
    this.inReactorMethod = false;
  }
  writeAndAbort(): void {
    // X's are written before abortConnection and may arrive; Y's after it must not.
    t(this).write(Buffer.alloc(10000, "X"));
    t(this).abortConnection();
    t(this).write(Buffer.alloc(10000, "Y"));
  }
}

class AbortingTwiceClient extends AbortingClient {
  override writeAndAbort(): void {
    super.writeAndAbort();
    t(this).abortConnection();
  }
}

class AbortingThenLosingClient extends AbortingClient {
  override writeAndAbort(): void {
    super.writeAndAbort();
    t(this).loseConnection();
  }
}

/** Calls abortConnection from resumeProducing (a pull producer asked for more). */
class ProducerAbortingClient extends ConnectableProtocol {
  inReactorMethod = true;
  producerStopped = false;
  inRegisterProducer = false;
  write(): void {
    t(this).write(Buffer.alloc(6 * 127000, "lalala"));
    this.inRegisterProducer = true;
    t(this).registerProducer(this, false);
    this.inRegisterProducer = false;
  }
  override connectionMade(): void {
    this.write();
  }
  resumeProducing(): void {
    this.inReactorMethod = true;
    if (!this.inRegisterProducer) t(this).abortConnection();
    this.inReactorMethod = false;
  }
  stopProducing(): void {
    this.producerStopped = true;
  }
  override connectionLost(reason: Failure): void {
    if (!this.producerStopped) throw new Error("BUG: stopProducing() was never called.");
    if (this.inReactorMethod) throw new Error("BUG: connectionLost called re-entrantly!");
    super.connectionLost(reason);
  }
}

/** Calls abortConnection once its streaming producer was paused (the write buffer is full). */
class StreamingProducerClient extends ConnectableProtocol implements IPushProducer {
  paused = false;
  inReactorMethod = false;
  override connectionMade(): void {
    this.write();
  }
  write(): void {
    t(this).registerProducer(this, true);
    for (let i = 0; i < 100; i++) t(this).write(Buffer.alloc(320000, "1234567890"));
  }
  resumeProducing(): void {
    this.paused = false;
  }
  stopProducing(): void {}
  pauseProducing(): void {
    if (this.paused) return;
    this.paused = true;
    this.reactor.callLater(0.01, this.doAbort);
  }
  readonly doAbort = (): void => {
    if (!this.paused) err(new Error("BUG: We should be paused a this point."));
    this.inReactorMethod = true;
    t(this).abortConnection();
    this.inReactorMethod = false;
  };
  override connectionLost(reason: Failure): void {
    // Tell the server to read again so it notices the connection is gone.
    t(this.otherProtocol!).resumeProducing();
    super.connectionLost(reason);
  }
}

class StreamingProducerClientLater extends StreamingProducerClient {
  gotData = false;
  override connectionMade(): void {
    t(this).write("hello");
    this.gotData = false;
  }
  override dataReceived(): void {
    if (!this.gotData) {
      this.gotData = true;
      this.write();
    }
  }
}

class ProducerAbortingClientLater extends ProducerAbortingClient {
  override connectionMade(): void {}
  override dataReceived(): void {
    this.write();
  }
}

class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
}

class DataReceivedRaisingClient extends AbortingClient {
  override dataReceived(): void {
    t(this).abortConnection();
    throw new ZeroDivisionError("ONO");
  }
}

class ResumeThrowsClient extends ProducerAbortingClient {
  override resumeProducing(): void {
    if (!this.inRegisterProducer) {
      t(this).abortConnection();
      throw new ZeroDivisionError("ono!");
    }
  }
  override connectionLost(reason: Failure): void {
    // A producer that threw need not be told stopProducing.
    ConnectableProtocol.prototype.connectionLost.call(this, reason);
  }
}

type Maker = new () => ConnectableProtocol;

describe("twisted ports: test_tcp AbortConnectionTests", () => {
  /** Twisted's runAbortTest: both sides lost with the expected reasons, nothing left scheduled. */
  async function runAbortTest(
    clientClass: Maker,
    serverClass: Maker,
    clientConnectionLostReason: Array<new (...a: never[]) => Error> = [],
  ): Promise<void> {
    const client = new clientClass();
    const server = new serverClass();
    client.otherProtocol = server;
    server.otherProtocol = client;
    const reactor = await runProtocolsWithReactor(server, client, tcpCreator());
    expect(reactor.getDelayedCalls()).to.deep.equal([]);
    const clientExpected = [...clientConnectionLostReason, ConnectionAborted, ConnectionLost];
    const serverExpected = [ConnectionLost, ConnectionDone];
    const clientReason = client.disconnectReason!.value;
    const serverReason = server.disconnectReason!.value;
    expect(clientExpected.some((c) => clientReason instanceof c), `client lost with ${String(clientReason)}`).to.equal(true);
    expect(serverExpected.some((c) => serverReason instanceof c), `server lost with ${String(serverReason)}`).to.equal(true);
  }

  it("test_dataReceivedAbort", () => runAbortTest(AbortingClient, ReadAbortServerProtocol));

  it("test_clientAbortsConnectionTwice", () => runAbortTest(AbortingTwiceClient, ReadAbortServerProtocol));

  it("test_clientAbortsConnectionThenLosesConnection", () => runAbortTest(AbortingThenLosingClient, ReadAbortServerProtocol));

  it("test_serverAbortsConnectionTwice", () => runAbortTest(WritingButNotAbortingClient, ServerAbortsTwice, [ConnectionLost]));

  it("test_serverAbortsConnectionThenLosesConnection", () =>
    runAbortTest(WritingButNotAbortingClient, ServerAbortsThenLoses, [ConnectionLost]));

  it("test_resumeProducingAbort", () => runAbortTest(ProducerAbortingClient, ConnectableProtocol));

  it("test_resumeProducingAbortLater", () => runAbortTest(ProducerAbortingClientLater, AbortServerWritingProtocol));

  it("test_fullWriteBuffer", () => runAbortTest(StreamingProducerClient, NoReadServer));

  it("test_fullWriteBufferAfterByteExchange", () => runAbortTest(StreamingProducerClientLater, EventualNoReadServer));

  it("test_dataReceivedThrows", async () => {
    await runAbortTest(DataReceivedRaisingClient, AbortServerWritingProtocol, [ZeroDivisionError]);
    expect(flushLoggedErrors(ZeroDivisionError)).to.have.length(1);
  });

  it("test_resumeProducingThrows", async () => {
    await runAbortTest(ResumeThrowsClient, ConnectableProtocol, [ZeroDivisionError]);
    expect(flushLoggedErrors(ZeroDivisionError)).to.have.length(1);
  });
});
