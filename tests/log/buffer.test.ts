import { expect } from "chai";
import { LimitedHistoryLogObserver, type LogEvent } from "../../log";

// As twisted.logger.test.test_buffer.
describe("log LimitedHistoryLogObserver", () => {
  const ev = (n: number): LogEvent => ({ n }) as unknown as LogEvent;

  it("keeps the last `size` events and replays them oldest first", () => {
    const history = new LimitedHistoryLogObserver(5);
    for (let n = 0; n < 10; n++) history(ev(n));
    const repeats: LogEvent[] = [];
    history.replayTo((e) => repeats.push(e));
    expect(repeats.map((e) => e.n)).to.deep.equal([5, 6, 7, 8, 9]);
    history.replayTo((e) => repeats.push(e)); // the events stay
    expect(repeats).to.have.length(10);
  });

  it("keeps everything with a null size, nothing with 0", () => {
    const all = new LimitedHistoryLogObserver(null);
    const none = new LimitedHistoryLogObserver(0);
    for (let n = 0; n < 3; n++) {
      all(ev(n));
      none(ev(n));
    }
    const a: LogEvent[] = [];
    all.replayTo((e) => a.push(e));
    none.replayTo((e) => a.push(e));
    expect(a.map((e) => e.n)).to.deep.equal([0, 1, 2]);
    expect(() => new LimitedHistoryLogObserver(-1)).to.throw(RangeError, "size");
  });
});
