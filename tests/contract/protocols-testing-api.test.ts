/**
 * The contract (API.md Part 2, `protocols/` and `testing/`): every name is exported by its
 * module and by the package root with the kind the contract gives it, and the main classes have
 * the members it names.
 */
import { expect } from "chai";
import * as root from "../../index";
import * as protocols from "../../protocols";
import * as testing from "../../testing";

const CONTRACT: Record<string, { module: Record<string, unknown>; functions: string[]; classes: string[] }> = {
  protocols: {
    module: protocols,
    functions: ["TimeoutMixin"],
    classes: [
      "LineReceiver",
      "LineOnlyReceiver",
      "NetstringReceiver",
      "IntNStringReceiver",
      "Int32StringReceiver",
      "Int16StringReceiver",
      "Int8StringReceiver",
      "StringTooLongError",
      "NetstringParseError",
      "IncompleteNetstring",
      "NotImplementedError",
      "FileSender",
      "ProtocolWrapper",
      "WrappingFactory",
    ],
  },
  testing: {
    module: testing,
    functions: ["connectedServerAndClient", "successResultOf", "failureResultOf", "assertNoResult", "flushLoggedErrors"],
    classes: [
      "StringTransport",
      "StringTransportWithDisconnection",
      "AccumulatingProtocol",
      "MemoryReactor",
      "MemoryReactorClock",
      "IOPump",
    ],
  },
};

const MEMBERS: Array<[string, () => object, string[]]> = [
  [
    "LineReceiver",
    () => new protocols.LineReceiver(),
    [
      "delimiter",
      "MAX_LENGTH",
      "line_mode",
      "clearLineBuffer",
      "lineReceived",
      "rawDataReceived",
      "sendLine",
      "setLineMode",
      "setRawMode",
      "lineLengthExceeded",
      "pauseProducing",
      "resumeProducing",
      "stopProducing",
      "dataReceived",
    ],
  ],
  ["LineOnlyReceiver", () => new protocols.LineOnlyReceiver(), ["delimiter", "MAX_LENGTH", "lineReceived", "sendLine", "lineLengthExceeded"]],
  ["NetstringReceiver", () => new protocols.NetstringReceiver(), ["MAX_LENGTH", "stringReceived", "sendString"]],
  ["Int32StringReceiver", () => new protocols.Int32StringReceiver(), ["MAX_LENGTH", "recvd", "stringReceived", "sendString", "lengthLimitExceeded"]],
  ["FileSender", () => new protocols.FileSender(), ["beginFileTransfer", "resumeProducing", "pauseProducing", "stopProducing"]],
  [
    "TimeoutMixin(Protocol)",
    () => new (protocols.TimeoutMixin(class {}))(),
    ["timeOut", "callLater", "setTimeout", "resetTimeout", "timeoutConnection"],
  ],
  [
    "StringTransport",
    () => new testing.StringTransport(),
    [
      "value",
      "clear",
      "disconnecting",
      "disconnected",
      "producer",
      "streaming",
      "producerState",
      "hostAddr",
      "peerAddr",
      "write",
      "writeSequence",
      "loseConnection",
      "getPeer",
      "getHost",
      "abortConnection",
      "loseWriteConnection",
      "getTcpNoDelay",
      "setTcpNoDelay",
      "getTcpKeepAlive",
      "setTcpKeepAlive",
      "registerProducer",
      "unregisterProducer",
      "pauseProducing",
      "resumeProducing",
      "stopProducing",
    ],
  ],
  ["AccumulatingProtocol", () => new testing.AccumulatingProtocol(), ["data", "made", "closed", "closedReason", "closedDeferred"]],
  [
    "MemoryReactorClock",
    () => new testing.MemoryReactorClock(),
    [
      "tcpServers",
      "tcpClients",
      "unixServers",
      "unixClients",
      "sslServers",
      "sslClients",
      "udpServers",
      "connectors",
      "listenTCP",
      "connectTCP",
      "listenUNIX",
      "connectUNIX",
      "listenSSL",
      "connectSSL",
      "listenUDP",
      "run",
      "stop",
      "running",
      "callWhenRunning",
      "addSystemEventTrigger",
      "seconds",
      "callLater",
      "advance",
      "pump",
      "getDelayedCalls",
    ],
  ],
];

describe("contract: protocols/ and testing/ (API.md Part 2)", () => {
  for (const [name, spec] of Object.entries(CONTRACT)) {
    it(`${name}: every name is exported, by the module and by the package root`, () => {
      for (const f of [...spec.functions, ...spec.classes]) {
        expect(spec.module[f], `${name}.${f}`).to.be.a("function");
        expect((root as Record<string, unknown>)[f], `root ${f}`).to.equal(spec.module[f]);
      }
      for (const c of spec.classes) {
        expect((spec.module[c] as { prototype?: unknown }).prototype, `${name}.${c} is a class`).to.be.an("object");
      }
    });
  }

  for (const [name, make, members] of MEMBERS) {
    it(`${name} has the contract's members`, () => {
      const obj = make() as Record<string, unknown>;
      for (const m of members) expect(m in obj, `${name}.${m}`).to.equal(true);
    });
  }

  it("the errors are Errors named after their class", () => {
    for (const E of [protocols.StringTooLongError, protocols.NetstringParseError, protocols.IncompleteNetstring, protocols.NotImplementedError]) {
      const e = new E("x");
      expect(e).to.be.instanceOf(Error);
      expect(e.name).to.equal(E.name);
    }
  });

  it("FileSender.CHUNK_SIZE is 2 ** 14; LineReceiver's defaults are Twisted's", () => {
    expect(protocols.FileSender.CHUNK_SIZE).to.equal(2 ** 14);
    const lr = new protocols.LineReceiver();
    expect([lr.delimiter.toString(), lr.MAX_LENGTH, lr.line_mode]).to.deep.equal(["\r\n", 16384, true]);
    expect(new protocols.NetstringReceiver().MAX_LENGTH).to.equal(99999);
    expect(new protocols.Int32StringReceiver().MAX_LENGTH).to.equal(99999);
  });
});
