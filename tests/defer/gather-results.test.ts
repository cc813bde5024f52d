import { expect } from "chai";
import { CancelledError, Deferred, Failure, FirstError, fail, gatherResults, succeed } from "../../defer";
import { failureOf, fakeCallbackCanceller, successOf } from "../helpers/deferred";

describe("gatherResults", () => {
  it("fires with the list of results", () => {
    expect(successOf(gatherResults([succeed(1), succeed(2)]))).to.deep.equal([1, 2]);
  });

  it("waits for every Deferred and keeps input order, not firing order", () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const gathered = gatherResults([d1, d2]);
    d2.callback("b");
    expect(gathered.called).to.equal(false);
    d1.callback("a");
    expect(successOf(gathered)).to.deep.equal(["a", "b"]);
  });

  it("with no Deferreds fires at once with []", () => {
    expect(successOf(gatherResults<number>([]))).to.deep.equal([]);
  });

  it("fails with Failure(FirstError) on the first failure, with that failure and its index", () => {
    const error = new RangeError("bad");
    const inputs = [succeed(1), fail(error) as Deferred<number>, new Deferred<number>()];
    const f = failureOf(gatherResults(inputs), FirstError);
    const first = f.value as FirstError;
    expect(first.index).to.equal(1);
    expect(first.subFailure.value).to.equal(error);
    // Without consumeErrors the input keeps its failure.
    failureOf(inputs[1], RangeError);
  });

  it("with consumeErrors (positional) turns the inputs' failures into null", () => {
    const good = succeed(1);
    const bad = fail(new RangeError("oh noes")) as Deferred<number>;
    const gathered = gatherResults([good, bad], true);
    const unconsumed: Failure[] = [];
    const after: unknown[] = [];
    bad.addCallbacks(
      (r) => after.push(r),
      (f) => unconsumed.push(f),
    );
    expect(unconsumed).to.deep.equal([]);
    expect(after).to.deep.equal([null]);
    const f = failureOf(gathered, FirstError);
    expect((f.value as FirstError).subFailure.value).to.be.instanceOf(RangeError);
  });

  it("cancel() cancels every input and fails with FirstError(CancelledError)", () => {
    const d1 = new Deferred<null>();
    const d2 = new Deferred<null>();
    const gathered = gatherResults([d1, d2]);
    gathered.cancel();
    failureOf(d1, CancelledError);
    failureOf(d2, CancelledError);
    const f = failureOf(gathered, FirstError);
    expect((f.value as FirstError).subFailure.check(CancelledError)).to.equal(CancelledError);
  });

  it("cancel() fires with the results when every input's canceller succeeds", () => {
    const d1 = new Deferred<string>(fakeCallbackCanceller);
    const d2 = new Deferred<string>(fakeCallbackCanceller);
    const gathered = gatherResults([d1, d2]);
    gathered.cancel();
    expect(successOf(gathered)).to.deep.equal(["Callback Result", "Callback Result"]);
  });

  it("works with await", async () => {
    const d1 = new Deferred<number>();
    const gathered = gatherResults([d1, succeed(2)]);
    d1.callback(1);
    expect(await gathered).to.deep.equal([1, 2]);
  });
});
