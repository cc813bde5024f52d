/**
 * The contract (the API reference and docs/porting.md): every public name is exported by its module and by the package
 * root, with the kind the contract gives it. Signatures are checked by the type checker through
 * the tests that use them; this guards against a name being dropped or moved.
 */
import { expect } from "chai";
import * as root from "../../index";
import * as defer from "../../defer";
import * as log from "../../log";
import * as reactorModule from "../../reactor";
import * as task from "../../task";

const CONTRACT: Record<string, { module: Record<string, unknown>; functions: string[]; classes: string[]; values: string[] }> = {
  log: {
    module: log,
    functions: ["addObserver", "removeObserver", "msg", "err", "defaultObserver"],
    classes: ["Logger"],
    values: [],
  },
  defer: {
    module: defer,
    functions: [
      "succeed",
      "fail",
      "maybeDeferred",
      "execute",
      "ensureDeferred",
      "inlineCallbacks",
      "gatherResults",
      "race",
      "setDebugging",
      "getDebugging",
    ],
    classes: [
      "Failure",
      "Deferred",
      "DeferredList",
      "DeferredLock",
      "DeferredSemaphore",
      "DeferredQueue",
      "AlreadyCalledError",
      "CancelledError",
      "TimeoutError",
      "FirstError",
      "FailureGroup",
      "NotACoroutineError",
      "QueueOverflow",
      "QueueUnderflow",
    ],
    values: [],
  },
  reactor: {
    module: reactorModule,
    functions: [],
    classes: [
      "DelayedCall",
      "Reactor",
      "AlreadyCalled",
      "AlreadyCancelled",
      "ReactorNotRunning",
      "ReactorAlreadyRunning",
      "ReactorNotRestartable",
    ],
    values: ["reactor"],
  },
  task: {
    module: task,
    functions: ["deferLater", "timeoutDeferred", "coiterate", "cooperate", "react", "createTask"],
    classes: [
      "LoopingCall",
      "TimedOutError",
      "Clock",
      "Cooperator",
      "CooperativeTask",
      "SchedulerError",
      "SchedulerStopped",
      "TaskFinished",
      "TaskDone",
      "TaskStopped",
      "TaskFailed",
      "NotPaused",
      "SystemExit",
      "Scheduler",
    ],
    values: [],
  },
};

/** Methods and properties the contract names on its main classes. */
const MEMBERS: Array<[string, () => object, string[]]> = [
  [
    "Deferred",
    () => new defer.Deferred(),
    [
      "callback",
      "errback",
      "addCallback",
      "addErrback",
      "addBoth",
      "addCallbacks",
      "addTimeout",
      "chainDeferred",
      "pause",
      "unpause",
      "cancel",
      "then",
      "asPromise",
      "called",
      "paused",
      "result",
    ],
  ],
  [
    "Failure",
    () => new defer.Failure(new Error("x")),
    ["value", "type", "check", "trap", "getErrorMessage", "getTraceback", "raiseException"],
  ],
  [
    "Reactor",
    () => new reactorModule.Reactor({ installSignalHandlers: false }),
    [
      "seconds",
      "callLater",
      "callSoon",
      "callAt",
      "callFromThread",
      "getDelayedCalls",
      "run",
      "stop",
      "crash",
      "running",
      "exitSignal",
      "callWhenRunning",
      "addSystemEventTrigger",
      "removeSystemEventTrigger",
      "fireSystemEvent",
    ],
  ],
  [
    "Clock",
    () => new task.Clock(),
    ["rightNow", "seconds", "callLater", "getDelayedCalls", "advance", "pump", "flow", "advanceToNext", "runUntilIdle"],
  ],
  [
    "LoopingCall",
    () => new task.LoopingCall(() => undefined),
    ["clock", "running", "interval", "call", "start", "stop", "reset"],
  ],
  ["Cooperator", () => new task.Cooperator({ started: false }), ["coiterate", "cooperate", "start", "stop", "running"]],
  ["Scheduler", () => new task.Scheduler("contract", { clock: new task.Clock() }), ["name", "has", "schedule", "scheduleAt", "scheduleLater", "cancel", "cancelAll"]],
  ["DeferredLock", () => new defer.DeferredLock(), ["locked", "acquire", "release", "run"]],
  ["DeferredSemaphore", () => new defer.DeferredSemaphore(2), ["tokens", "limit", "acquire", "release", "run"]],
  ["DeferredQueue", () => new defer.DeferredQueue(), ["put", "get", "pending", "waiting", "size", "backlog"]],
];

describe("the public API contract", () => {
  for (const [name, { module, functions, classes, values }] of Object.entries(CONTRACT)) {
    describe(`twisted-ts/${name}`, () => {
      for (const f of functions) {
        it(`exports the function ${f}, also from the package root`, () => {
          expect(module[f], f).to.be.a("function");
          expect((root as Record<string, unknown>)[f]).to.equal(module[f]);
        });
      }
      for (const c of classes) {
        it(`exports the class ${c}, also from the package root`, () => {
          expect(module[c], c).to.be.a("function");
          expect((module[c] as { prototype?: unknown }).prototype, c).to.be.an("object");
          expect((root as Record<string, unknown>)[c]).to.equal(module[c]);
        });
      }
      for (const v of values) {
        it(`exports ${v}, also from the package root`, () => {
          expect(module[v], v).to.not.equal(undefined);
          expect((root as Record<string, unknown>)[v]).to.equal(module[v]);
        });
      }
    });
  }

  it("the errors extend what the contract says", () => {
    expect(new defer.NotACoroutineError()).to.be.instanceOf(TypeError);
    for (const E of [task.TaskDone, task.TaskStopped, task.TaskFailed]) expect(new E()).to.be.instanceOf(task.TaskFinished);
    for (const E of [task.SchedulerStopped, task.TaskFinished, task.NotPaused]) expect(new E()).to.be.instanceOf(task.SchedulerError);
    expect(new task.SystemExit(3).code).to.equal(3);
    expect(new task.TimedOutError(5).timeout).to.equal(5);
    const f = new defer.Failure(new Error("x"));
    const first = new defer.FirstError(f, 2);
    expect([first.subFailure, first.index]).to.deep.equal([f, 2]);
    expect(new defer.FailureGroup([f]).failures).to.deep.equal([f]);
  });

  for (const [name, make, members] of MEMBERS) {
    it(`${name} has the members the contract names`, () => {
      const obj = make() as Record<string, unknown>;
      for (const m of members) expect(m in obj, `${name}.${m}`).to.equal(true);
    });
  }

  it("Deferred has the static adapters, and LoopingCall.withCount", () => {
    for (const s of ["fromPromise", "fromAsync", "fromCoroutine"]) expect((defer.Deferred as unknown as Record<string, unknown>)[s]).to.be.a("function");
    expect(task.LoopingCall.withCount).to.be.a("function");
  });
});
