import { expect } from "chai";
import { AlreadyCalledError, Deferred, getDebugging, setDebugging } from "../../defer";

function makeAndFire(): Deferred<number> {
  const d = new Deferred<number>();
  fireIt(d);
  return d;
}

function fireIt(d: Deferred<number>): void {
  d.callback(1);
}

describe("setDebugging", () => {
  afterEach(() => setDebugging(false));

  it("is off by default and can be switched", () => {
    expect(getDebugging()).to.equal(false);
    setDebugging(true);
    expect(getDebugging()).to.equal(true);
    setDebugging(false);
    expect(getDebugging()).to.equal(false);
  });

  for (const second of ["callback", "errback"] as const) {
    it(`puts the creator's and first invoker's stacks in AlreadyCalledError's message (then ${second})`, () => {
      setDebugging(true);
      const d = makeAndFire();
      let message = "";
      try {
        if (second === "callback") d.callback(2);
        else d.errback(new Error("again"));
      } catch (e) {
        expect(e).to.be.instanceOf(AlreadyCalledError);
        message = (e as Error).message;
      }
      expect(message).to.match(/ C: Deferred was created:/);
      expect(message).to.match(/ I: First Invoker was:/);
      // The creation stack names the function that made it; the invoker stack the one that fired it.
      const creator = message.slice(message.indexOf(" C:"), message.indexOf(" I:"));
      const invoker = message.slice(message.indexOf(" I:"));
      expect(creator).to.match(/makeAndFire/);
      expect(invoker).to.match(/fireIt/);
    });
  }

  it("without debugging, the message has no stacks", () => {
    const d = makeAndFire();
    expect(() => d.callback(2)).to.throw(AlreadyCalledError).with.property("message").that.does.not.match(/C:|I:/);
  });

  it("a Deferred made while debugging was on keeps its creator stack after it is switched off", () => {
    setDebugging(true);
    const d = new Deferred<number>();
    setDebugging(false);
    d.callback(1);
    let message = "";
    try {
      d.callback(2);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/Deferred was created/);
    expect(message).not.to.match(/First Invoker/);
  });
});
