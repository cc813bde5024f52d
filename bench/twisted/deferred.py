"""Twisted's side of bench/deferred.ts: Deferred chains.

Parameters (JSON): n, depth, chains, rounds.
- three_callbacks: n times Deferred(), three addCallback(inc), callback(i), read the result;
- three_callbacks_all: n such Deferreds made first, then all fired, then all results read;
- deep_chain: `chains` chains of `depth` Deferreds each returned by the previous one's
  callback, fired from the end (figure per link; reported at n = depth).
"""
from _common import Results, measure, params

from twisted.internet.defer import Deferred

P = params()
n = P.get("n", 1000000)
depth = P.get("depth", 10000)
chains = P.get("chains", 20)
rounds = P.get("rounds", 5)
sink = [0]


def inc(x):
    return x + 1


def one_by_one():
    s = 0
    for i in range(n):
        d = Deferred()
        d.addCallback(inc)
        d.addCallback(inc)
        d.addCallback(inc)
        d.callback(i)
        s += d.result
    sink[0] += s


def all_at_once():
    ds = [None] * n
    for i in range(n):
        d = Deferred()
        d.addCallback(inc)
        d.addCallback(inc)
        d.addCallback(inc)
        ds[i] = d
    for i in range(n):
        ds[i].callback(i)
    s = 0
    for d in ds:
        s += d.result
    sink[0] += s


def deep_chains():
    for _ in range(chains):
        top = Deferred()
        inners = [Deferred() for _ in range(depth)]
        top.addCallback(lambda _, d=inners[0]: d)
        for i in range(depth - 1):
            inners[i].addCallback(lambda _, d=inners[i + 1]: d)
        last = Deferred()
        inners[depth - 1].addCallback(lambda _: last)
        top.callback(0)
        for d in inners:
            d.callback(0)
        last.callback(1)
        sink[0] += top.result


results = Results()
results.add_timing("three_callbacks", n, measure(one_by_one, n, rounds, label="3 callbacks, one after another"))
results.add_timing("three_callbacks_all", n, measure(all_at_once, n, rounds, label="3 callbacks, all made then all fired"))
results.add_timing("deep_chain", depth, measure(deep_chains, depth * chains, rounds, label="deep chains"))
results.emit()
