"""Twisted's side of bench/clock.ts: task.Clock.callLater N times, then one advance.

Parameters (JSON): n, rounds, min_ops. Twisted's Clock re-sorts its list of calls on every
callLater and after every call it runs, and pops calls from the list's front: quadratic in N,
so bench/clock.ts runs it at N = 1,000 only.
"""
from _common import Results, delays, measure, params

from twisted.internet import task

P = params()
n = P.get("n", 1000)
ds = delays(n, 0.05)
fired = [0]


def tick():
    fired[0] += 1


def clock_advance():
    clock = task.Clock()
    call_later = clock.callLater
    for d in ds:
        call_later(d, tick)
    clock.advance(0.05)


results = Results()
results.add_timing("clock", n, measure(clock_advance, n, P.get("rounds", 5), min_ops=P.get("min_ops", 0), label="task.Clock"))
results.emit()
