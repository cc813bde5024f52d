import io

from twisted.internet import defer, task
from twisted.logger import Logger, eventsFromJSONLogFile, formatEvent, jsonFileLogObserver


def main(reactor):
    # Events written as JSON text sequences (RS, JSON, newline), then read back.
    out = io.StringIO()
    log = Logger(namespace="orders", observer=jsonFileLogObserver(out))
    log.info("order {id} for {customer!r}: {total} EUR", id=17, customer="ada", total=12.5)
    log.warn("order {id} is late", id=18)

    records = out.getvalue().split("\x1e")[1:]
    print("records:", len(records), "each ends with a newline:", all(r.endswith("\n") for r in records))

    out.seek(0)
    for event in eventsFromJSONLogFile(out):
        print(event["log_namespace"], event["log_level"].name, "|", formatEvent(event), "| id:", event["id"])
    return defer.succeed(None)


task.react(main)
