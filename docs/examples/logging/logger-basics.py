import sys

from twisted.internet import defer, task
from twisted.logger import Logger, globalLogBeginner, textFileLogObserver

log = Logger(namespace="shapes")


class Circle:
    # A Logger as a class attribute is named after its class ("module.Class").
    log = Logger()

    def __init__(self, radius):
        self.radius = radius

    def area(self):
        area = 3.14159 * self.radius**2
        self.log.info("area of a {kind} of radius {r}: {area:.2f}", kind="circle", r=self.radius, area=area)
        return area


def main(reactor):
    # Log to stdout in Twisted's classic format (timeFormat=None: no timestamps in this example).
    observer = textFileLogObserver(sys.stdout, timeFormat=None)
    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)

    log.info("value {value!r} doing {something}.", value=7, something="a task")
    log.warn("{count} shapes, {{literal braces}}, first one {names[0]!r}", count=2, names=["a", "b"])
    Circle(2).area()
    Circle.log.debug("class-level logger of {log_source.__name__}")
    return defer.succeed(None)


task.react(main)
