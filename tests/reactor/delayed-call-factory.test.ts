/**
 * How the timer queue makes DelayedCalls (reactor/delayed-call-factory.ts): literals of a private
 * realm, which must be indistinguishable in use from `new DelayedCall`, and the constructor as the
 * fallback (TWISTED_TS_PRETENURE=0), which must behave the same. Whether V8 then pretenures them
 * is its own decision and is measured in bench/, not asserted here.
 */
import { expect } from "chai";
import * as path from "node:path";
import { inspect } from "node:util";
import { DelayedCall, EMPTY_ARGS } from "../../reactor/delayed-call";
import { newDelayedCall, PRETENURABLE } from "../../reactor/delayed-call-factory";
import { TimerQueue } from "../../reactor/timer-heap";
import { Clock } from "../../task/clock";
import { plainEnv, runChild } from "../helpers/child";

const FIXTURE = path.join(__dirname, "..", "fixtures", "delayed-call-kind.ts");
const ROOT = path.join(__dirname, "..", "..");

/** Runs the fixture with extra environment variables; its one JSON line. */
async function kindIn(env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const result = await runChild(process.execPath, ["-r", "ts-node/register/transpile-only", FIXTURE], {
    cwd: ROOT,
    env: { ...plainEnv(), ...env },
    timeoutMs: 60_000,
  });
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe("DelayedCall factory", () => {
  const owner = new TimerQueue({ seconds: () => 0 });

  it("makes calls in the private realm on Node", () => {
    expect(PRETENURABLE).to.equal(true);
  });

  it("gives each call DelayedCall's methods and accessors, the very same functions", () => {
    const call = new Clock().callLater(1, () => undefined);
    for (const key of Reflect.ownKeys(DelayedCall.prototype)) {
      const mine = Object.getOwnPropertyDescriptor(DelayedCall.prototype, key)!;
      let proto: object | null = Object.getPrototypeOf(call) as object | null;
      let found: PropertyDescriptor | undefined;
      while (proto !== null && found === undefined) {
        found = Object.getOwnPropertyDescriptor(proto, key);
        proto = Object.getPrototypeOf(proto) as object | null;
      }
      expect(found, String(key)).to.deep.equal(mine);
    }
    expect(call.constructor).to.equal(DelayedCall);
  });

  it("lays out the same fields, in the same order, as the constructor", () => {
    const made = newDelayedCall(owner, 1.5, 7, () => undefined, EMPTY_ARGS as unknown as unknown[]);
    const constructed = new DelayedCall(owner, 1.5, 7, () => undefined, EMPTY_ARGS as unknown as unknown[]);
    expect(Object.keys(made)).to.deep.equal(Object.keys(constructed));
    expect(made.getTime()).to.equal(1.5);
    expect(made._seq).to.equal(7);
    expect(made._owner).to.equal(owner);
  });

  it("keeps the deadline exact to the last bit", () => {
    for (const time of [0, 0.1 + 0.2, 1e-300, 2 ** 53 + 2, -0.5, Infinity, 1234567.891011]) {
      expect(newDelayedCall(owner, time, 0, () => undefined, []).getTime()).to.equal(time);
    }
  });

  it("answers instanceof DelayedCall for its calls and for constructed ones, and only for them", () => {
    const made = newDelayedCall(owner, 1, 0, () => undefined, []);
    const constructed = new DelayedCall(owner, 1, 0, () => undefined, []);
    expect(made).to.be.an.instanceof(DelayedCall);
    expect(constructed).to.be.an.instanceof(DelayedCall);
    const others: unknown[] = [{}, Object.create(null), [], () => undefined, null, undefined, 3, "DelayedCall"];
    others.forEach((other, i) => expect(other instanceof DelayedCall, `others[${i}]`).to.equal(false));
  });

  it("does not touch this realm's Object.prototype", () => {
    expect(Object.prototype).to.not.have.own.property("cancel");
    expect(({} as { getTime?: unknown }).getTime).to.equal(undefined);
    expect(Object.prototype.toString.call({})).to.equal("[object Object]");
  });

  it("shows as a DelayedCall in String() and util.inspect", () => {
    const call = new Clock().callLater(2, function tick(_x: number) {}, 1);
    expect(String(call)).to.match(/^<DelayedCall id=\d+ \[2s\] called=0 cancelled=0 tick\(1\)>$/);
    expect(inspect(call)).to.equal(String(call));
  });

  it("behaves the same with the constructor as the fallback (TWISTED_TS_PRETENURE=0)", async function () {
    this.timeout(120_000);
    const [realm, constructed] = await Promise.all([kindIn({}), kindIn({ TWISTED_TS_PRETENURE: "0" })]);
    expect(realm.pretenurable).to.equal(true);
    expect(constructed.pretenurable).to.equal(false);
    expect(realm.classPrototype).to.equal(false);
    expect(constructed.classPrototype).to.equal(true);
    for (const kind of [realm, constructed]) {
      expect(kind.instance).to.equal(true);
      expect(kind.constructor).to.equal(true);
      expect(kind.ran).to.deep.equal([1]);
      expect(kind.called).to.deep.equal([true, false, false, true]);
      expect(kind.text).to.equal("<DelayedCall id=N [0s] called=1 cancelled=0 <anonymous>(1)>");
    }
    expect(realm.keys).to.deep.equal(constructed.keys);
  });
});
