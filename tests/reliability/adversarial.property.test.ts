/**
 * Adversarial property tests (issue 13): values whose `then` getter throws, Proxies whose traps
 * all throw, and deep nesting, thrown at the Deferred machinery in random mixes. Invariants: no
 * entry point throws into its caller, nothing hangs (every chain that can finish finishes), and
 * every hostile value ends up as a Failure.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Deferred, Failure, inlineCallbacks, maybeDeferred } from "../../defer";
import { err } from "../../log";
import { flushLoggedErrors } from "../setup";

/** A value a callback may return or throw: the hostile ones fail, the others pass. */
type Kind = "value" | "error" | "proxy" | "thenGetter" | "thenThrows" | "firedOk" | "firedFail" | "later";

const HOSTILE: ReadonlySet<Kind> = new Set<Kind>(["error", "proxy", "thenGetter", "thenThrows", "firedFail"]);

function hostileProxy(): object {
  const trap = (): never => {
    throw new Error("trap");
  };
  return new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });
}

/** Makes the callback action for `kind`; `later` collects Deferreds to fire afterwards. */
function act(kind: Kind, later: Array<Deferred<number>>): () => unknown {
  switch (kind) {
    case "value":
      return () => 1;
    case "error":
      return () => {
        throw new Error("thrown");
      };
    case "proxy":
      return () => {
        throw hostileProxy();
      };
    case "thenGetter":
      return () =>
        Object.defineProperty({}, "then", {
          get() {
            throw new Error("then getter");
          },
        });
    case "thenThrows":
      return () => ({
        then() {
          throw new Error("then throws");
        },
      });
    case "firedOk": {
      return () => {
        const d = new Deferred<number>();
        d.callback(2);
        return d;
      };
    }
    case "firedFail":
      return () => {
        const d = new Deferred<number>();
        d.errback(new Error("inner failed"));
        return d;
      };
    case "later":
      return () => {
        const d = new Deferred<number>();
        later.push(d);
        return d;
      };
  }
}

const kindArb = fc.constantFrom<Kind>("value", "error", "proxy", "thenGetter", "thenThrows", "firedOk", "firedFail", "later");

describe("property: hostile values and deep nesting", () => {
  it("a chain of addBoth steps: never throws, finishes, and fails exactly when the last step is hostile", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(kindArb, { minLength: 1, maxLength: 30 }), async (kinds) => {
        const later: Array<Deferred<number>> = [];
        const d = new Deferred<number>();
        for (const k of kinds) d.addBoth(act(k, later));
        let outcome: unknown = "pending";
        d.callback(0);
        // Fire what was returned unfired, one by one (each may add more behind it).
        for (let i = 0; i < later.length; i++) later[i].callback(3);
        // thenThrows settles synchronously (the throw), others at once: nothing is left pending.
        d.addBoth((r: unknown) => {
          outcome = r;
          return null;
        });
        expect(outcome).to.not.equal("pending");
        const last = kinds[kinds.length - 1];
        expect(Failure.isFailure(outcome), `kinds ${kinds.join(",")}`).to.equal(HOSTILE.has(last));
      }),
      { numRuns: 300 },
    );
  });

  it("maybeDeferred never throws and gives a fired Deferred for anything f returns or throws", () => {
    fc.assert(
      fc.property(kindArb, (kind) => {
        const later: Array<Deferred<number>> = [];
        const d = maybeDeferred(act(kind, later));
        for (const l of later) l.callback(3);
        expect(d.called).to.equal(true);
        d.addBoth(() => null);
      }),
      { numRuns: 100 },
    );
  });

  it("inlineCallbacks yielding hostile values: never throws, always finishes", () => {
    fc.assert(
      fc.property(fc.array(kindArb, { minLength: 0, maxLength: 20 }), (kinds) => {
        const later: Array<Deferred<number>> = [];
        const d = inlineCallbacks(function* () {
          for (const k of kinds) {
            try {
              yield act(k, later)();
            } catch {
              // thrown in: go on
            }
          }
          return "done";
        })();
        for (let i = 0; i < later.length; i++) later[i].callback(3);
        let result: unknown = "pending";
        d.addBoth((r: unknown) => (result = r));
        expect(result).to.equal("done");
      }),
      { numRuns: 200 },
    );
  });

  it("deep nesting: chains of returned Deferreds and chainDeferred of any depth fire and cancel", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.boolean(), fc.boolean(), (depth, viaChain, cancel) => {
        let cancelled = false;
        const leaf = new Deferred<number>(() => (cancelled = true));
        // Observed first: what the leaf fires with, before it is handed up the chain.
        let leafResult: unknown = "pending";
        leaf.addBoth((r: unknown) => (leafResult = r));
        let top: Deferred<number> = leaf;
        if (viaChain) {
          // top.chainDeferred(a).chainDeferred(...) ... leaf fires from the top's firing.
          const ds = Array.from({ length: depth }, () => new Deferred<number>());
          for (let i = 0; i + 1 < depth; i++) ds[i].chainDeferred(ds[i + 1]);
          ds[depth - 1].chainDeferred(leaf);
          top = ds[0];
        } else {
          for (let i = 0; i < depth; i++) {
            const inner = top;
            top = new Deferred<number>();
            top.addCallback(() => inner);
            top.callback(0);
          }
        }
        if (cancel) top.cancel();
        else if (viaChain) top.callback(7);
        else leaf.callback(7);
        if (cancel && !viaChain) expect(cancelled).to.equal(true);
        if (cancel && viaChain) expect(Failure.isFailure(leafResult)).to.equal(true); // cancelled at the top
        if (!cancel) expect(leafResult).to.equal(7);
        top.addBoth(() => null);
        leaf.addBoth(() => null); // through chainDeferred, the leaf's own chain carries the result
      }),
      { numRuns: 30 },
    );
  });

  it("err() logs every hostile value it is given, and never throws", () => {
    fc.assert(
      fc.property(kindArb, (kind) => {
        let value: unknown;
        try {
          value = act(kind, [])();
        } catch (e) {
          value = e;
        }
        err(value);
        expect(flushLoggedErrors()).to.have.length(1);
        if (kind === "firedFail") (value as Deferred<number>).addErrback(() => null);
      }),
      { numRuns: 50 },
    );
  });
});
