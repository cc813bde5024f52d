/** Mocha hooks for the log tests, which log on purpose and watch what is published. */
import { addObserver, defaultObserver, isObserving, removeObserver, type LogEvent, type Observer } from "../../log";
import { flushLoggedErrors } from "../setup";

/**
 * For the suite it is called in: the errors its tests log are expected (flushed after each
 * test), and stderr stays quiet (the default observer is off, and put back afterwards if it was
 * on: tests/setup.ts may already have removed it).
 */
export function loggingOnPurpose(): void {
  afterEach(() => {
    flushLoggedErrors();
  });
  let defaultWasObserving = false;
  before(() => {
    defaultWasObserving = isObserving(defaultObserver);
    removeObserver(defaultObserver);
  });
  after(() => {
    if (defaultWasObserving) addObserver(defaultObserver);
  });
}

/** The events published during each test of the suite it is called in (emptied before each test). */
export function collectLogEvents(): LogEvent[] {
  const events: LogEvent[] = [];
  const collect: Observer = (e) => events.push(e);
  beforeEach(() => {
    events.length = 0;
    addObserver(collect);
  });
  afterEach(() => removeObserver(collect));
  return events;
}
