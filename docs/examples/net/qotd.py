from twisted.internet import defer, task
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint, connectProtocol
from twisted.internet.protocol import Factory, Protocol


class QOTD(Protocol):
    """Quote of the Day (RFC 865): sends the factory's quote, then hangs up."""

    def connectionMade(self):
        self.transport.write(self.factory.quote.encode() + b"\r\n")
        self.transport.loseConnection()


class QOTDFactory(Factory):
    """Holds the state every connection shares: here, the quote."""

    protocol = QOTD

    def __init__(self, quote=None):
        self.quote = quote or "An apple a day keeps the doctor away"


class QuoteReader(Protocol):
    """Collects what the server sends until it hangs up."""

    def __init__(self):
        self.quote = defer.Deferred()
        self.chunks = []

    def dataReceived(self, data):
        self.chunks.append(data)

    def connectionLost(self, reason):
        self.quote.callback(b"".join(self.chunks).decode().rstrip())


async def main(reactor):
    factory = QOTDFactory("configurable quote")
    port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(factory)
    number = port.getHost().port

    for i in range(1, 3):
        reader = await connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", number), QuoteReader())
        print(f"quote {i}: {await reader.quote}")
    await port.stopListening()


task.react(lambda reactor: defer.ensureDeferred(main(reactor)))
