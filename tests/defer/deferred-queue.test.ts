import { expect } from "chai";
import { CancelledError, DeferredQueue, Failure, QueueOverflow, QueueUnderflow } from "../../defer";

describe("DeferredQueue", () => {
  it("starts empty, with the size and backlog given (undefined: no limit)", () => {
    const q = new DeferredQueue<number>(2, 3);
    expect(q.pending).to.deep.equal([]);
    expect(q.waiting).to.deep.equal([]);
    expect(q.size).to.equal(2);
    expect(q.backlog).to.equal(3);
    const unbounded = new DeferredQueue<number>();
    expect(unbounded.size).to.equal(undefined);
    expect(unbounded.backlog).to.equal(undefined);
  });

  it("get() on an empty queue waits; put() fires the waiting getters in order", () => {
    const q = new DeferredQueue<number>();
    const gotten: number[] = [];
    q.get().addCallback((x) => gotten.push(x));
    q.get().addCallback((x) => gotten.push(x * 10));
    expect(q.waiting).to.have.length(2);
    q.put(1);
    expect(gotten).to.deep.equal([1]);
    q.put(2);
    expect(gotten).to.deep.equal([1, 20]);
    expect(q.waiting).to.have.length(0);
    expect(q.pending).to.deep.equal([]);
  });

  it("put() with no getter keeps the object; get() then fires at once, oldest first", () => {
    const q = new DeferredQueue<string | undefined>();
    q.put("a");
    q.put(undefined);
    q.put("c");
    expect(q.pending).to.deep.equal(["a", undefined, "c"]);
    const d = q.get();
    expect(d.called).to.equal(true);
    expect(d.result).to.equal("a");
    // `undefined` is an object like any other.
    const d2 = q.get();
    expect(d2.called).to.equal(true);
    expect(d2.result).to.equal(undefined);
    expect(q.get().result).to.equal("c");
    expect(q.pending).to.deep.equal([]);
  });

  it("put() throws QueueOverflow at the call when `size` objects are pending", () => {
    const N = 2;
    const q = new DeferredQueue<number>(N);
    for (let i = 0; i < N; i++) q.put(i);
    expect(() => q.put(99)).to.throw(QueueOverflow);
    expect(q.pending).to.deep.equal([0, 1]);
    // Room again once one is taken.
    q.get();
    q.put(2);
    expect(q.pending).to.deep.equal([1, 2]);
  });

  it("put() on a full queue still hands the object to a waiting getter", () => {
    const q = new DeferredQueue<number>(0);
    expect(() => q.put(1)).to.throw(QueueOverflow);
    const d = q.get();
    q.put(2);
    expect(d.result).to.equal(2);
  });

  it("get() throws QueueUnderflow at the call when `backlog` getters are waiting", () => {
    const M = 2;
    const q = new DeferredQueue<number>(undefined, M);
    for (let i = 0; i < M; i++) q.get();
    expect(() => q.get()).to.throw(QueueUnderflow);
    expect(q.waiting).to.have.length(M);
    const zero = new DeferredQueue<number>(undefined, 0);
    expect(() => zero.get()).to.throw(QueueUnderflow);
  });

  it("get() with backlog reached still returns a pending object", () => {
    const q = new DeferredQueue<number>(undefined, 0);
    q.put(5);
    expect(q.get().result).to.equal(5);
  });

  it("runs Twisted's bounded scenario: getters, then puts, then overflow, then gets", () => {
    const N = 2;
    const M = 2;
    const q = new DeferredQueue<number | null>(N, M);
    let gotten: Array<number | null> = [];
    for (let i = 0; i < M; i++) q.get().addCallback((x) => gotten.push(x));
    expect(() => q.get()).to.throw(QueueUnderflow);
    for (let i = 0; i < M; i++) {
      q.put(i);
      expect(gotten).to.deep.equal([...Array(i + 1).keys()]);
    }
    for (let i = 0; i < N; i++) {
      q.put(N + i);
      expect(gotten).to.deep.equal([0, 1]);
    }
    expect(() => q.put(null)).to.throw(QueueOverflow);
    gotten = [];
    for (let i = 0; i < N; i++) {
      q.get().addCallback((x) => gotten.push(x));
      expect(gotten).to.deep.equal([N, N + 1].slice(0, i + 1));
    }
  });

  it("cancelling a get() that already has its object does nothing", () => {
    const q = new DeferredQueue<null>();
    const d = q.get();
    const errors: Failure[] = [];
    d.addErrback((f) => {
      errors.push(f);
    });
    q.put(null);
    d.cancel();
    expect(errors).to.deep.equal([]);
  });

  it("cancelling a waiting get() fails it with CancelledError and removes it from `waiting`", () => {
    const q = new DeferredQueue<string>();
    const d = q.get();
    d.cancel();
    expect(q.waiting).to.deep.equal([]);
    const errors: Failure[] = [];
    const done: unknown[] = [];
    d.addErrback((f) => {
      errors.push(f);
      return null;
    })
      // Were `d` still queued, this put() would fire it a second time (AlreadyCalledError).
      .addCallback(() => {
        q.put("x");
        return q.get();
      })
      .addCallback((r) => done.push(r));
    expect(errors).to.have.length(1);
    expect(errors[0].check(CancelledError)).to.equal(CancelledError);
    expect(done).to.deep.equal(["x"]);
  });

  it("after a waiting get() is cancelled, put() goes to the next getter", () => {
    const q = new DeferredQueue<string>();
    const first = q.get();
    const second = q.get();
    first.cancel();
    first.addErrback(() => null);
    expect(q.waiting).to.deep.equal([second]);
    q.put("x");
    expect(second.result).to.equal("x");
    expect(q.pending).to.deep.equal([]);
  });

  it("a cancelled get() does not count against the backlog", () => {
    const q = new DeferredQueue<number>(undefined, 1);
    const d = q.get();
    d.cancel();
    d.addErrback(() => null);
    expect(() => q.get()).to.not.throw();
  });
});
