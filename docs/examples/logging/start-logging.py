import os
import sys
import time

from twisted.internet import reactor
from twisted.logger import Logger
from twisted.python import log

os.environ["TZ"] = "UTC"  # the same timestamps' zone everywhere this example runs
time.tzset()

logger = Logger(namespace="ticker")


def tick(n):
    log.msg("tick", n)
    if n == 3:
        logger.info("done after {n} ticks", n=n)
        reactor.stop()
    else:
        reactor.callLater(0.1, tick, n + 1)


log.startLogging(sys.stdout, setStdout=False)
reactor.callWhenRunning(tick, 1)
reactor.run()
