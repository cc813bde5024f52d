from twisted.internet import defer, task
from twisted.internet.protocol import DatagramProtocol


class Echo(DatagramProtocol):
    """Sends every datagram back where it came from."""

    def datagramReceived(self, data, addr):
        print('server received "%s"' % data.decode())
        self.transport.write(data, addr)


class Client(DatagramProtocol):
    """Sends three words to the server, each once the previous one came back; then fires done."""

    def __init__(self, serverPort):
        self.done = defer.Deferred()
        self.words = [b"one", b"two", b"three"]
        self.server = ("127.0.0.1", serverPort)

    def startProtocol(self):
        self.transport.write(self.words.pop(0), self.server)

    def datagramReceived(self, data, addr):
        print('client received "%s"' % data.decode())
        if self.words:
            self.transport.write(self.words.pop(0), self.server)
        else:
            self.done.callback(None)


def main(reactor):
    server = reactor.listenUDP(0, Echo(), interface="127.0.0.1")
    client = Client(server.getHost().port)
    reactor.listenUDP(0, client, interface="127.0.0.1")
    return client.done


if __name__ == "__main__":
    Echo.noisy = Client.noisy = False
    task.react(main)
