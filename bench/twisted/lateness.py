"""Twisted's side of bench/lateness.ts: how late reactor.callLater calls run.

Parameters (JSON): calls, span (s). A warm-up run over span/10 first, then `calls` calls at
random times over `span` on the running reactor; lateness = reactor.seconds() when the call
runs minus its due time. Reports p50, p99 and max (ms) and how many ran early.
"""
import gc
import random

from _common import Results, params, progress, run_reactor

from twisted.internet import defer, reactor

P = params()
calls = P.get("calls", 2000)
span = P.get("span", 1.0)
# Seconds before the first deadline, as in bench/lateness.ts: scheduling is not lateness.
lead = P.get("lead", 0.0)


def lateness(n, span):
    done = defer.Deferred()
    late = []

    def make():
        holder = []

        def ran():
            late.append((reactor.seconds() - holder[0].getTime()) * 1000)
            if len(late) == n:
                done.callback(sorted(late))

        holder.append(reactor.callLater(lead + random.random() * span, ran))

    for _ in range(n):
        make()
    return done


def pct(xs, p):
    return xs[min(len(xs) - 1, int(p * len(xs)))]


results = Results()


@defer.inlineCallbacks
def main():
    yield lateness(calls, span / 10)
    gc.collect()
    progress("lateness: warm-up done")
    xs = yield lateness(calls, span)
    results.add("lateness_p50", calls, "ms", pct(xs, 0.5))
    results.add("lateness_p99", calls, "ms", pct(xs, 0.99))
    results.add("lateness_max", calls, "ms", xs[-1])
    results.add("early", calls, "count", sum(1 for x in xs if x < 0))


run_reactor(main)
results.emit()
