from twisted.internet import defer, task
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint, connectProtocol
from twisted.internet.protocol import Factory, Protocol


class Echo(Protocol):
    """The server's protocol: sends back whatever it receives."""

    def dataReceived(self, data):
        self.transport.write(data)


class EchoClient(Protocol):
    """The client's protocol: says hello, prints the echo, hangs up."""

    def __init__(self):
        self.done = defer.Deferred()

    def connectionMade(self):
        self.transport.write(b"Hello, world!")

    def dataReceived(self, data):
        print(f"Server said: {data.decode()}")
        self.transport.loseConnection()

    def connectionLost(self, reason):
        print("Connection lost.")
        self.done.callback(None)


async def main(reactor):
    # Port 0: the system picks a free port; getHost() says which.
    server = TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1")
    port = await server.listen(Factory.forProtocol(Echo))
    number = port.getHost().port

    client = TCP4ClientEndpoint(reactor, "127.0.0.1", number)
    protocol = await connectProtocol(client, EchoClient())
    await protocol.done
    await port.stopListening()


task.react(lambda reactor: defer.ensureDeferred(main(reactor)))
