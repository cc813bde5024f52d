from zope.interface import implementer

from twisted.internet import defer, stdio, task
from twisted.internet.interfaces import IHalfCloseableProtocol
from twisted.protocols.basic import LineReceiver


@implementer(IHalfCloseableProtocol)
class Shout(LineReceiver):
    """Answers each line upper-cased; at the end of input, says how many there were."""

    delimiter = b"\n"

    def __init__(self, done):
        self.done = done
        self.lines = 0

    def connectionMade(self):
        self.sendLine(b"Type lines; end with Ctrl-D.")

    def lineReceived(self, line):
        self.lines += 1
        self.sendLine(line.upper())

    def readConnectionLost(self):
        self.sendLine(b"%d lines" % (self.lines,))
        self.transport.loseConnection()

    def writeConnectionLost(self):
        pass

    def connectionLost(self, reason):
        self.done.callback(None)


def main(reactor):
    done = defer.Deferred()
    stdio.StandardIO(Shout(done))
    return done


task.react(main)
