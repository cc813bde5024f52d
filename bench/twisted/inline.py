"""Twisted's side of bench/inline.ts: inlineCallbacks (Twisted has no async/await anchor to run
beside it, and no microtasks).

Parameters (JSON): n, steps, chains, rounds.
- ic_already: one inlineCallbacks loop of n `s += yield succeed(i)`;
- ic_reactor: `chains` chains of `steps` steps, each `d = Deferred();
  reactor.callLater(0, d.callback, i); s += yield d`, on the running reactor (reported at
  n = steps * chains).
"""
from _common import Results, measure, measure_async, params, run_reactor

from twisted.internet import defer, reactor

P = params()
n = P.get("n", 100000)
steps = P.get("steps", 1000)
chains = P.get("chains", 20)
rounds = P.get("rounds", 5)
sink = [0]


@defer.inlineCallbacks
def already(n):
    s = 0
    for i in range(n):
        s += yield defer.succeed(i)
    return s


@defer.inlineCallbacks
def later_chain():
    s = 0
    for i in range(steps):
        d = defer.Deferred()
        reactor.callLater(0, d.callback, i)
        s += yield d
    return s


@defer.inlineCallbacks
def later_chains():
    for _ in range(chains):
        s = yield later_chain()
        sink[0] += s


def run_already():
    sink[0] += already(n).result


results = Results()
results.add_timing("ic_already", n, measure(run_already, n, rounds, label="yield of already-fired values"))


@defer.inlineCallbacks
def main():
    t = yield measure_async(later_chains, steps * chains, rounds, label="yield of values fired by callLater(0)")
    results.add_timing("ic_reactor", steps * chains, t)


run_reactor(main)
results.emit()
