import sys

from twisted.internet import defer, task
from twisted.internet.endpoints import TCP4ServerEndpoint
from twisted.internet.protocol import Factory, Protocol, ReconnectingClientFactory


class Greeter(Protocol):
    """The server: greets each client with its number, then hangs up."""

    def connectionMade(self):
        self.factory.count += 1
        self.transport.write(f"hello, client #{self.factory.count}\n".encode())
        self.transport.loseConnection()


class GreeterFactory(Factory):
    protocol = Greeter
    count = 0


class Echo(Protocol):
    """The client's protocol: prints what the server says."""

    def dataReceived(self, data):
        sys.stdout.write(data.decode())


class EchoClientFactory(ReconnectingClientFactory):
    """Connects again whenever the connection fails or is lost, as Twisted's howto's."""

    def __init__(self):
        self.done = defer.Deferred()
        self.firstFailure = defer.Deferred()
        self.connections = 0

    def startedConnecting(self, connector):
        print("Started to connect.")

    def buildProtocol(self, addr):
        print("Connected.")
        print("Resetting reconnection delay")
        self.resetDelay()
        self.connections += 1
        return Echo()

    def clientConnectionLost(self, connector, reason):
        print(f"Lost connection.  Reason: {reason.type.__name__}")
        if self.connections == 2:
            self.stopTrying()
            self.done.callback(None)
            return
        ReconnectingClientFactory.clientConnectionLost(self, connector, reason)

    def clientConnectionFailed(self, connector, reason):
        print(f"Connection failed.  Reason: {reason.type.__name__}")
        if not self.firstFailure.called:
            self.firstFailure.callback(None)
        ReconnectingClientFactory.clientConnectionFailed(self, connector, reason)


async def main(reactor):
    # Find a free port, and leave it free for now: the first attempt is refused.
    probe = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(Factory())
    number = probe.getHost().port
    await probe.stopListening()

    factory = EchoClientFactory()
    factory.noisy = False
    factory.initialDelay = factory.delay = 0.1  # seconds; retries wait 0.1 s
    factory.maxDelay = 0.1
    factory.jitter = 0
    reactor.connectTCP("127.0.0.1", number, factory)

    # Once the first attempt has failed, start the server: the retry finds it.
    await factory.firstFailure
    port = await TCP4ServerEndpoint(reactor, number, interface="127.0.0.1").listen(GreeterFactory())
    await factory.done
    await port.stopListening()


task.react(lambda reactor: defer.ensureDeferred(main(reactor)))
