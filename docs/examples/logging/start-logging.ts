import { reactor } from "twisted-ts/reactor";
import { Logger, msg, startLogging } from "twisted-ts/log";

process.env.TZ = "UTC"; // the same timestamps' zone everywhere this example runs

const logger = new Logger("ticker");

function tick(n: number): void {
  msg("tick", n);
  if (n === 3) {
    logger.info("done after {n} ticks", { n });
    reactor.stop();
  } else {
    reactor.callLater(0.1, tick, n + 1);
  }
}

startLogging(process.stdout, false);
reactor.callWhenRunning(tick, 1);
void reactor.run();
