import { expect } from "chai";
import { CancelledError, Deferred, DeferredList, Failure, FirstError } from "../../defer";
import { flushLoggedErrors } from "../setup";
import { failureOf, fakeCallbackCanceller, successOf } from "../helpers/deferred";

class GenericError extends Error {}

describe("DeferredList", () => {
  it("fires once every Deferred has fired, with [succeeded, result] in input order", () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const d3 = new Deferred<string>();
    const dl = new DeferredList([d1, d2, d3]);
    const results: Array<Array<[boolean, string | Failure]>> = [];
    dl.addCallbacks(
      (r) => results.push(r),
      (f) => results.push(f as never),
    );
    d1.callback("1");
    d2.addErrback(() => null); // eat the error passed on by the list
    d3.callback("3"); // fired before d2: order in the result is input order
    expect(results).to.deep.equal([]);
    d2.errback(new GenericError("2"));
    expect(results).to.have.length(1);
    const [r1, r2, r3] = results[0];
    expect(r1).to.deep.equal([true, "1"]);
    expect(r2[0]).to.equal(false);
    expect(r2[1]).to.be.instanceOf(Failure);
    expect((r2[1] as Failure).value).to.be.instanceOf(GenericError);
    expect((r2[1] as Failure).getErrorMessage()).to.equal("2");
    expect(r3).to.deep.equal([true, "3"]);
  });

  it("with no Deferreds fires at once with []", () => {
    const dl = new DeferredList([]);
    expect(dl.called).to.equal(true);
    expect(successOf(dl)).to.deep.equal([]);
  });

  it("with no Deferreds and fireOnOneCallback never fires (as Twisted)", () => {
    const dl = new DeferredList([], { fireOnOneCallback: true });
    expect(dl.called).to.equal(false);
  });

  it("fireOnOneCallback: fires with [result, index] on the first success and ignores the rest", () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const dl = new DeferredList([d1, d2], { fireOnOneCallback: true });
    d2.callback("two");
    expect(successOf(dl)).to.deep.equal(["two", 1]);
    d1.callback("one");
    expect(successOf(dl)).to.deep.equal(["two", 1]);
    expect(dl.finishedCount).to.equal(2);
    expect(dl.resultList).to.deep.equal([
      [true, "one"],
      [true, "two"],
    ]);
  });

  it("fireOnOneCallback: failures do not fire it; all failing fires the full list", () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const dl = new DeferredList([d1, d2], { fireOnOneCallback: true, consumeErrors: true });
    d1.errback(new GenericError("a"));
    expect(dl.called).to.equal(false);
    d2.errback(new GenericError("b"));
    const result = successOf(dl);
    expect(result.map(([ok]) => ok)).to.deep.equal([false, false]);
  });

  it("fireOnOneErrback: fails with Failure(FirstError) holding the failure and its index", () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const d3 = new Deferred<string>();
    const dl = new DeferredList([d1, d2, d3], { fireOnOneErrback: true });
    const errors: Failure[] = [];
    dl.addErrback((f) => {
      errors.push(f);
    });
    d2.addErrback(() => null);
    d1.callback("1");
    expect(errors).to.deep.equal([]);
    const error = new GenericError("from def2");
    d2.errback(error);
    expect(errors).to.have.length(1);
    expect(errors[0].value).to.be.instanceOf(FirstError);
    const first = errors[0].value as FirstError;
    expect(first.subFailure).to.be.instanceOf(Failure);
    expect(first.subFailure.value).to.equal(error);
    expect(first.index).to.equal(1);
  });

  it("without consumeErrors passes an input's Failure on to the input's later errbacks", () => {
    const d1 = new Deferred<null>();
    const dl = new DeferredList([d1]);
    const errorTrap: Failure[] = [];
    d1.addErrback((f) => {
      errorTrap.push(f);
    });
    const results: Array<Array<[boolean, null | Failure]>> = [];
    dl.addCallback((r) => results.push(r));
    d1.errback(new GenericError("Bang"));
    expect(errorTrap).to.have.length(1);
    expect(errorTrap[0].getErrorMessage()).to.equal("Bang");
    expect(results).to.have.length(1);
    expect(results[0][0][1]).to.equal(errorTrap[0]); // the same Failure object
  });

  it("with consumeErrors turns an input's failure into a null result after the list saw it", () => {
    const d1 = new Deferred<null>();
    const dl = new DeferredList([d1], { consumeErrors: true });
    const errorTrap: Failure[] = [];
    const after: unknown[] = [];
    d1.addCallbacks(
      (r) => after.push(r),
      (f) => errorTrap.push(f),
    );
    const results: Array<Array<[boolean, null | Failure]>> = [];
    dl.addCallback((r) => results.push(r));
    d1.errback(new GenericError("Bang"));
    expect(errorTrap).to.deep.equal([]);
    expect(after).to.deep.equal([null]);
    expect(results).to.have.length(1);
    expect(results[0][0][0]).to.equal(false);
    expect((results[0][0][1] as Failure).getErrorMessage()).to.equal("Bang");
  });

  it("passes inputs' success results on unchanged", () => {
    const d1 = new Deferred<number>();
    new DeferredList([d1], { consumeErrors: true });
    d1.callback(7);
    expect(successOf(d1)).to.equal(7);
  });

  it("fireOnOneErrback with an input that already failed fails at construction", () => {
    const d1 = new Deferred<null>();
    const d2 = new Deferred<null>();
    d1.errback(new GenericError("Bang"));
    const dl = new DeferredList([d1, d2], { fireOnOneErrback: true });
    const f = failureOf(dl, FirstError);
    expect((f.value as FirstError).index).to.equal(0);
    d1.addErrback(() => null);
  });

  it("with inputs that have all already fired fires at construction", () => {
    const d1 = new Deferred<number>();
    const d2 = new Deferred<number>();
    d1.errback(new GenericError("Bang"));
    d2.callback(2);
    const dl = new DeferredList([d1, d2]);
    const results: unknown[] = [];
    dl.addCallback((r) => results.push(r));
    expect(results).to.have.length(1);
    expect(dl.finishedCount).to.equal(2);
    d1.addErrback(() => null);
  });

  it("exposes resultList, finishedCount and the flags as Twisted does", () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const dl = new DeferredList([d1, d2], { fireOnOneErrback: true });
    expect(dl.fireOnOneCallback).to.equal(false);
    expect(dl.fireOnOneErrback).to.equal(true);
    expect(dl.consumeErrors).to.equal(false);
    expect(dl.resultList).to.deep.equal([null, null]);
    expect(dl.finishedCount).to.equal(0);
    d2.callback("b");
    expect(dl.resultList).to.deep.equal([null, [true, "b"]]);
    expect(dl.finishedCount).to.equal(1);
    d1.callback("a");
    expect(successOf(dl)).to.equal(dl.resultList);
  });

  describe("cancel()", () => {
    it("cancels every Deferred in the list", () => {
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const dl = new DeferredList([d1, d2]);
      dl.cancel();
      failureOf(d1, CancelledError);
      failureOf(d2, CancelledError);
    });

    it("without the fireOnOne flags fires with the list of what the inputs did", () => {
      const d1 = new Deferred<string>(fakeCallbackCanceller);
      const d2 = new Deferred<string>();
      const dl = new DeferredList([d1, d2]);
      dl.cancel();
      failureOf(d2, CancelledError);
      const result = successOf(dl);
      expect(result[0]).to.deep.equal([true, "Callback Result"]);
      expect(result[1][0]).to.equal(false);
      expect((result[1][1] as Failure).check(CancelledError)).to.equal(CancelledError);
    });

    it("with fireOnOneCallback cancels every Deferred in the list", () => {
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const dl = new DeferredList([d1, d2], { fireOnOneCallback: true });
      dl.cancel();
      failureOf(d1, CancelledError);
      failureOf(d2, CancelledError);
    });

    it("with fireOnOneCallback fires with [result, index] when a canceller succeeds, and still cancels the rest", () => {
      const d1 = new Deferred<string>(fakeCallbackCanceller);
      const d2 = new Deferred<string>();
      const dl = new DeferredList([d1, d2], { fireOnOneCallback: true });
      dl.cancel();
      failureOf(d2, CancelledError);
      expect(successOf(dl)).to.deep.equal(["Callback Result", 0]);
    });

    it("with fireOnOneErrback cancels every Deferred and fails with FirstError(CancelledError)", () => {
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const dl = new DeferredList([d1, d2], { fireOnOneErrback: true });
      dl.cancel();
      failureOf(d1, CancelledError);
      failureOf(d2, CancelledError);
      const f = failureOf(dl, FirstError);
      expect((f.value as FirstError).subFailure.check(CancelledError)).to.equal(CancelledError);
    });

    it("with fireOnOneErrback fires with the list when every canceller succeeds", () => {
      const d1 = new Deferred<string>(fakeCallbackCanceller);
      const d2 = new Deferred<string>(fakeCallbackCanceller);
      const dl = new DeferredList([d1, d2], { fireOnOneErrback: true });
      dl.cancel();
      expect(successOf(dl)).to.deep.equal([
        [true, "Callback Result"],
        [true, "Callback Result"],
      ]);
    });

    it("cancels the Deferreds given, not ones added to the caller's array afterwards", () => {
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const argumentList = [d1, d2];
      const dl = new DeferredList(argumentList);
      const d3 = new Deferred<null>();
      argumentList.push(d3);
      dl.cancel();
      failureOf(d1, CancelledError);
      failureOf(d2, CancelledError);
      expect(d3.called).to.equal(false);
    });

    describe("with a canceller that throws", () => {
      it("still cancels the others and logs the error once", () => {
        const boom = new RangeError("test");
        const d1 = new Deferred<null>(() => {
          throw boom;
        });
        const d2 = new Deferred<null>();
        const dl = new DeferredList([d1, d2]);
        dl.cancel();
        failureOf(d2, CancelledError);
        failureOf(d1, CancelledError);
        const logged = flushLoggedErrors(RangeError).filter((e) => e.failure?.value === boom);
        expect(logged).to.have.length(1);
        expect(logged[0].isError).to.equal(true);
        expect(dl.called).to.equal(true);
      });
    });

    it("after fireOnOneCallback fired does not cancel the rest", () => {
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const dl = new DeferredList([d1, d2], { fireOnOneCallback: true });
      d1.callback(null);
      dl.cancel();
      expect(d2.called).to.equal(false);
    });

    it("after fireOnOneErrback fired does not cancel the rest", () => {
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const dl = new DeferredList([d1, d2], { fireOnOneErrback: true });
      d1.errback(new GenericError("test"));
      dl.cancel();
      expect(d2.called).to.equal(false);
      failureOf(d1, GenericError);
      failureOf(dl, FirstError);
    });

    it("does not cancel inputs that have already reported", () => {
      const inner = new Deferred<null>();
      const d1 = new Deferred<null>();
      const d2 = new Deferred<null>();
      const dl = new DeferredList([d1, d2]);
      d1.callback(null);
      // d1 now waits on `inner`; cancelling d1 would cancel `inner`.
      d1.addCallback(() => inner);
      dl.cancel();
      expect(inner.called).to.equal(false);
      failureOf(d2, CancelledError);
      expect(dl.called).to.equal(true);
    });
  });
});

describe("FirstError", () => {
  it("says which Deferred failed and how in its message", () => {
    const f = new Failure(new RangeError("some text"));
    const error = new FirstError(f, 5);
    expect(error.message).to.equal(`FirstError[#5, ${String(f)}]`);
    expect(error.subFailure).to.equal(f);
    expect(error.index).to.equal(5);
    expect(error).to.be.instanceOf(Error);
  });
});
