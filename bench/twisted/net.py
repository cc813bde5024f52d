"""Twisted's side of bench/net.ts: TCP echo throughput, ping-pong and short connections.

Parameters (JSON): echo_mb, pings, pings100 (per connection, 100 connections), conns, rounds.
Both ends in this process over 127.0.0.1 on the default reactor (epoll), as bench/net.ts.
Figures: ns per MB echoed, per round trip, per connection.
"""
from _common import Results, measure_async, params, run_reactor

from twisted.internet import defer, protocol, reactor
from twisted.internet.task import deferLater
from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer

P = params()
echo_mb = P.get("echo_mb", 256)
pings = P.get("pings", 20000)
pings100 = P.get("pings100", 200)
conns = P.get("conns", 1000)
rounds = P.get("rounds", 5)
CHUNK = b"a" * 65536
MB = 1024 * 1024


OPEN = {"count": 0}


class Echo(protocol.Protocol):
    def connectionMade(self):
        OPEN["count"] += 1

    def dataReceived(self, data):
        self.transport.write(data)

    def connectionLost(self, reason):
        OPEN["count"] -= 1


@defer.inlineCallbacks
def all_closed():
    """Waits until the echo server has no connection open (a sample closes in its own time)."""
    for _ in range(10000):
        if OPEN["count"] == 0:
            return
        yield deferLater(reactor, 0.001, lambda: None)
    raise RuntimeError("%d connections still open after 10 s" % OPEN["count"])


@implementer(IPushProducer)
class ThroughputClient(protocol.Protocol):
    def __init__(self, total, done):
        self.total = total
        self.done = done
        self.sent = 0
        self.received = 0
        self.paused = False
        self.scheduled = False

    def connectionMade(self):
        self.transport.registerProducer(self, True)
        self.resumeProducing()

    def dataReceived(self, data):
        self.received += len(data)
        if self.received >= self.total:
            self.transport.unregisterProducer()
            self.transport.loseConnection()
            self.done.callback(None)

    def pauseProducing(self):
        self.paused = True

    def resumeProducing(self):
        self.paused = False
        if not self.scheduled:
            self.scheduled = True
            reactor.callLater(0, self.produce)

    def stopProducing(self):
        self.paused = True

    def produce(self):
        self.scheduled = False
        while not self.paused and self.sent < self.total:
            self.transport.write(CHUNK)
            self.sent += len(CHUNK)


class PingClient(protocol.Protocol):
    def __init__(self, made):
        self.made = made
        self.left = 0
        self.done = None

    def connectionMade(self):
        self.made.callback(self)

    def run(self, n):
        self.left = n
        self.done = defer.Deferred()
        self.transport.write(b"x")
        return self.done

    def dataReceived(self, data):
        self.left -= 1
        if self.left > 0:
            self.transport.write(b"x")
        else:
            self.done.callback(None)


class OneProtocolFactory(protocol.ClientFactory):
    noisy = False

    def __init__(self, proto):
        self.proto = proto

    def buildProtocol(self, addr):
        return self.proto


def echo_once(port):
    done = defer.Deferred()
    reactor.connectTCP("127.0.0.1", port, OneProtocolFactory(ThroughputClient(echo_mb * MB, done)))
    return done


class PingPong:
    """Round trips over `connections` connections, opened (prepare) and closed (cleanup) untimed."""

    def __init__(self, port, connections, per):
        self.port, self.connections, self.per = port, connections, per
        self.clients = []

    def prepare(self):
        mades = []
        self.clients = []
        for _ in range(self.connections):
            made = defer.Deferred()
            c = PingClient(made)
            self.clients.append(c)
            mades.append(made)
            reactor.connectTCP("127.0.0.1", self.port, OneProtocolFactory(c))
        return defer.gatherResults(mades)

    def run(self):
        return defer.gatherResults([c.run(self.per) for c in self.clients])

    def cleanup(self):
        for c in self.clients:
            c.transport.loseConnection()
        self.clients = []
        return all_closed()


def connections_once(n, parallel):
    all_lost = defer.Deferred()
    state = {"lost": 0, "started": 0}

    class Server(protocol.Protocol):
        def connectionLost(self, reason):
            state["lost"] += 1
            if state["lost"] == n:
                all_lost.callback(None)

    class Closer(protocol.Protocol):
        def connectionMade(self):
            self.transport.loseConnection()

    class CF(protocol.ClientFactory):
        noisy = False
        protocol = Closer

        def clientConnectionLost(self, connector, reason):
            if state["started"] < n:
                state["started"] += 1
                reactor.connectTCP("127.0.0.1", number, cf)

    sf = protocol.Factory.forProtocol(Server)
    sf.noisy = False
    listening = reactor.listenTCP(0, sf, interface="127.0.0.1", backlog=511)
    number = listening.getHost().port
    cf = CF()
    while state["started"] < min(parallel, n):
        state["started"] += 1
        reactor.connectTCP("127.0.0.1", number, cf)
    all_lost.addCallback(lambda _: listening.stopListening())
    return all_lost


results = Results()


@defer.inlineCallbacks
def main():
    f = protocol.Factory.forProtocol(Echo)
    f.noisy = False
    listening = reactor.listenTCP(0, f, interface="127.0.0.1", backlog=511)
    port = listening.getHost().port
    t = yield measure_async(lambda: echo_once(port), echo_mb, rounds, label="echo", cleanup=all_closed)
    results.add_timing("echo", echo_mb, t)
    p = PingPong(port, 1, pings)
    t = yield measure_async(p.run, pings, rounds, label="ping-pong, 1 connection", prepare=p.prepare, cleanup=p.cleanup)
    results.add_timing("pingpong1", pings, t)
    p = PingPong(port, 100, pings100)
    t = yield measure_async(p.run, 100 * pings100, rounds, label="ping-pong, 100 connections", prepare=p.prepare, cleanup=p.cleanup)
    results.add_timing("pingpong100", 100 * pings100, t)
    t = yield measure_async(lambda: connections_once(conns, 50), conns, rounds, label="connections")
    results.add_timing("connections", conns, t)
    yield listening.stopListening()


run_reactor(main)
results.emit()
