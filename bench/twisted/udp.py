"""Twisted's side of bench/udp.ts: 64-byte datagrams echoed over loopback between two
listenUDP ports, WINDOW in flight.

Parameters (JSON): n, window, rounds.
"""
from _common import Results, measure_async, params, run_reactor

from twisted.internet import defer, protocol, reactor

P = params()
n = P.get("n", 50000)
window = P.get("window", 16)
rounds = P.get("rounds", 5)
PAYLOAD = b"a" * 64


class Echo(protocol.DatagramProtocol):
    noisy = False

    def datagramReceived(self, data, addr):
        self.transport.write(data, addr)


class Client(protocol.DatagramProtocol):
    noisy = False

    def __init__(self):
        self.remaining = 0
        self.in_flight = 0
        self.done = None
        self.target = None

    def start(self):
        self.remaining = n
        self.done = defer.Deferred()
        while self.in_flight < window and self.remaining - self.in_flight > 0:
            self.send()
        return self.done

    def send(self):
        self.in_flight += 1
        self.transport.write(PAYLOAD, self.target)

    def datagramReceived(self, data, addr):
        self.in_flight -= 1
        self.remaining -= 1
        if self.remaining == 0:
            self.done.callback(None)
        elif self.remaining - self.in_flight > 0:
            self.send()


results = Results()


@defer.inlineCallbacks
def main():
    server = reactor.listenUDP(0, Echo(), interface="127.0.0.1")
    client = Client()
    reactor.listenUDP(0, client, interface="127.0.0.1")
    client.target = ("127.0.0.1", server.getHost().port)
    results.add_timing("echo", n, (yield measure_async(client.start, n, rounds, label="listenUDP echo")))


run_reactor(main)
results.emit()
