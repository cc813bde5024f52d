from twisted.internet import defer, task
from twisted.internet.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint, connectProtocol
from twisted.internet.protocol import Factory
from twisted.protocols.basic import LineReceiver


class Chat(LineReceiver):
    """One user of the chat: first asks for a name, then relays what they say to the others."""

    def __init__(self, users):
        self.users = users
        self.name = None
        self.state = "GETNAME"

    def connectionMade(self):
        self.sendLine(b"What's your name?")

    def connectionLost(self, reason):
        if self.name is not None and self.users.get(self.name) is self:
            del self.users[self.name]

    def lineReceived(self, line):
        if self.state == "GETNAME":
            self.handle_GETNAME(line.decode())
        else:
            self.handle_CHAT(line.decode())

    def handle_GETNAME(self, name):
        if name in self.users:
            self.sendLine(b"Name taken, please choose another.")
            return
        self.sendLine(f"Welcome, {name}!".encode())
        self.name = name
        self.users[name] = self
        self.state = "CHAT"

    def handle_CHAT(self, message):
        line = f"<{self.name}> {message}".encode()
        for protocol in self.users.values():
            if protocol is not self:
                protocol.sendLine(line)


class ChatFactory(Factory):
    """The users every connection shares live in the factory."""

    def __init__(self):
        self.users = {}

    def buildProtocol(self, addr):
        return Chat(self.users)


class ChatClient(LineReceiver):
    """A chat user driven by the program: prints each line it gets, and hands it on."""

    def __init__(self, who):
        self.who = who
        self.lines = defer.DeferredQueue()

    def lineReceived(self, line):
        print(f"[{self.who}] {line.decode()}")
        self.lines.put(line.decode())


async def main(reactor):
    port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(ChatFactory())
    number = port.getHost().port
    endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", number)

    alice = await connectProtocol(endpoint, ChatClient("alice"))
    await alice.lines.get()  # What's your name?
    alice.sendLine(b"alice")
    await alice.lines.get()  # Welcome, alice!

    bob = await connectProtocol(endpoint, ChatClient("bob"))
    await bob.lines.get()
    bob.sendLine(b"alice")
    await bob.lines.get()  # Name taken
    bob.sendLine(b"bob")
    await bob.lines.get()

    alice.sendLine(b"hi bob")
    await bob.lines.get()
    bob.sendLine(b"hello alice")
    await alice.lines.get()

    alice.transport.loseConnection()
    bob.transport.loseConnection()
    await port.stopListening()


task.react(lambda reactor: defer.ensureDeferred(main(reactor)))
