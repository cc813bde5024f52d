import { reactor } from "twisted-ts/reactor";

// Callbacks run in the order they were scheduled; callSoon(f) is callLater(0, f).
reactor.callSoon(console.log, "first");
reactor.callLater(0, console.log, "second");
reactor.callSoon(console.log, "third");

// Equal deadlines run in scheduling order too (callAt takes a time in seconds()).
const when = reactor.seconds() + 0.1;
reactor.callAt(when, console.log, "fourth");
reactor.callAt(when, console.log, "fifth");
reactor.callAt(when, () => reactor.stop());

void reactor.run();
