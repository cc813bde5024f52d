import sys

from twisted.internet import defer, task
from twisted.logger import (
    FilteringLogObserver,
    Logger,
    LogLevel,
    LogLevelFilterPredicate,
    globalLogBeginner,
    textFileLogObserver,
)


def main(reactor):
    # Warnings and worse by default; everything from "app.db" and below.
    predicate = LogLevelFilterPredicate(defaultLogLevel=LogLevel.warn)
    predicate.setLogLevelForNamespace("app.db", LogLevel.debug)
    observer = FilteringLogObserver(textFileLogObserver(sys.stdout, timeFormat=None), [predicate])
    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)

    app = Logger(namespace="app")
    db = Logger(namespace="app.db")
    pool = Logger(namespace="app.db.pool")

    app.info("not shown: app logs warn and up")
    app.warn("disk {percent}% full", percent=91)
    db.debug("query {sql!r} took {ms:.1f} ms", sql="SELECT 1", ms=0.25)
    pool.debug("app.db.pool inherits app.db's level: {size} connections", size=4)
    print("level for app.db.pool:", predicate.logLevelForNamespace("app.db.pool").name)
    print("warn is above info:", LogLevel.warn > LogLevel.info)
    return defer.succeed(None)


task.react(main)
