"""Twisted's side of bench/cooperator.ts: task.coiterate steps.

Parameters (JSON): n, rounds. n steps of a generator, coiterated by Twisted's default
Cooperator on the running reactor; ns per step.
"""
from _common import Results, measure_async, params, run_reactor

from twisted.internet import defer, task

P = params()
n = P.get("n", 1000000)
rounds = P.get("rounds", 5)


def counter(n):
    for i in range(n):
        yield i


results = Results()


@defer.inlineCallbacks
def main():
    t = yield measure_async(lambda: task.coiterate(counter(n)), n, rounds, label="coiterate steps")
    results.add_timing("coiterate", n, t)


run_reactor(main)
results.emit()
