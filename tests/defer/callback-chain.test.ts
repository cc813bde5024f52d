import { expect } from "chai";
import { Deferred, Failure } from "../../defer";

// The engine (defer/callback-chain.ts) is reached through the public API; these tests cover what
// its plain-field layout must still guarantee: subclasses, the brand check, hidden fields.

class TaggedDeferred<T> extends Deferred<T> {
  readonly tag: string;
  constructor(tag: string) {
    super();
    this.tag = tag;
  }
}

describe("Deferred engine (callback-chain)", () => {
  it("runs the chain of a subclass of Deferred, and a subclass returned from a callback is waited on", () => {
    const inner = new TaggedDeferred<number>("inner");
    const outer = new TaggedDeferred<number>("outer");
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addCallback((n) => seen.push(n));
    outer.callback(0);
    expect(seen).to.deep.equal([]);
    expect(outer.paused).to.equal(1);
    inner.callback(7);
    expect(seen).to.deep.equal([7]);
    expect(outer.tag).to.equal("outer");
    expect(String(outer)).to.equal("<TaggedDeferred current result: 1>");
  });

  it("a subclass cannot be given to callback() (it is a Deferred)", () => {
    const d = new Deferred();
    expect(() => d.callback(new TaggedDeferred("x"))).to.throw(TypeError, /cannot take a Deferred/);
  });

  it("a revoked Proxy is an ordinary value: the brand check does not throw", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const d = new Deferred<unknown>();
    // Not taken for a Deferred ("cannot take a Deferred"); the walk's own reading of the value's
    // prototype (is it a Failure?) throws, and that throw becomes the chain's Failure.
    expect(() => d.callback(proxy)).not.to.throw();
    expect(d.called).to.equal(true);
    expect(() => d.cancel()).not.to.throw();
    const f = d.result as Failure;
    expect(f).to.be.instanceOf(Failure);
    expect(String(f.value)).to.match(/revoked/);
    d.addErrback(() => null);
  });

  it("a Proxy whose getPrototypeOf trap throws, returned by a callback, is a result", () => {
    const odd = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error("trap");
        },
      },
    );
    const d = new Deferred<unknown>();
    const seen: unknown[] = [];
    d.addCallback(() => odd).addBoth((r) => seen.push(r));
    d.callback(1);
    // The walk's own `instanceof Failure` reads the prototype too: the trap's throw becomes the
    // step's Failure, never an exception out of callback().
    expect(seen).to.have.length(1);
    expect(seen[0] === odd || seen[0] instanceof Failure).to.equal(true);
  });

  it("keeps its state in seven double-underscored fields, out of the way of a subclass's own names", () => {
    const d = new Deferred<number>();
    d.addCallback((n) => n + 1);
    const names = Object.keys(d);
    expect(names.every((n) => n.startsWith("__")), names.join(",")).to.equal(true);
    expect(names).to.have.length(7);
  });

  it("a subclass may have its own _state, _result, _tail … fields (Twisted-style names) without breaking the chain", () => {
    class Request extends Deferred<string> {
      _state = "idle";
      _result: unknown = null;
      _tail = "t";
      _extra = 0;
      _s0 = 0;
    }
    const r = new Request();
    const seen: unknown[] = [];
    r.addCallback((body) => seen.push(body));
    expect(seen).to.deep.equal([]);
    r.callback("hello");
    expect(seen).to.deep.equal(["hello"]);
    expect(r._state).to.equal("idle");
    const cancelled = new Request();
    cancelled.cancel();
    expect(cancelled.called).to.equal(true);
    cancelled.addErrback(() => null);
  });
});
