"""Twisted's side of bench/processes.ts: spawnProcess of /bin/true, one after another, each
waited for until processEnded.

Parameters (JSON): n, rounds. The reactor runs with its signal handlers: Twisted learns that a
child exited from SIGCHLD (without the handler, no process would ever be reaped).
"""
from _common import Results, measure_async, params

from twisted.internet import defer, protocol, reactor

P = params()
n = P.get("n", 300)
rounds = P.get("rounds", 5)


class Ended(protocol.ProcessProtocol):
    def __init__(self, d):
        self.d = d

    def processEnded(self, reason):
        self.d.callback(None)


@defer.inlineCallbacks
def spawn_all():
    for _ in range(n):
        d = defer.Deferred()
        reactor.spawnProcess(Ended(d), "/bin/true", ["true"], {})
        yield d


results = Results()


@defer.inlineCallbacks
def main():
    results.add_timing("spawn", n, (yield measure_async(spawn_all, n, rounds, label="spawnProcess")))


outcome = []


def start():
    d = defer.maybeDeferred(main)
    d.addBoth(outcome.append)
    d.addBoth(lambda _: reactor.stop())


reactor.callWhenRunning(start)
reactor.run(installSignalHandlers=True)
if not outcome or hasattr(outcome[0], "raiseException"):
    if outcome:
        outcome[0].raiseException()
    raise RuntimeError("the reactor stopped before the workload finished")
results.emit()
