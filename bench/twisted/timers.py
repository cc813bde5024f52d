"""Twisted's side of bench/timers.ts: reactor.callLater, fired and scheduled+cancelled, by N.

Parameters (JSON): fired, cancel (lists of N), max_delay (s), rounds, large_rounds and
large_from (fewer rounds, and no warm-up, from that N on: Python takes ~10 s a round at 1e6),
min_ops_fired, min_ops_cancel (small N repeated within a round).

- fired: N calls with random delays in [0, max_delay) on the running (default, epoll) reactor,
  timed until the last has run.
- cancel: N calls scheduled and filed into the reactor's heap, then all cancelled, then one
  reactor.runUntilCurrent(). Twisted keeps new calls in a list and files them into its heap on
  its next loop iteration (reactor._insertNewDelayedCalls(), called here as that iteration
  would: twisted-ts and Node file each call at once, and a call cancelled later, as timeouts
  are, has been filed). The delays are offset by 1000 s (the heap's order, hence its cost, is
  the same) so that none falls due while a million are scheduled: as on the Node side, nothing
  runs. The closing runUntilCurrent() compacts the cancelled calls away (more than 50 and more
  than half are cancelled): part of the work, and it leaves the reactor empty for the next round.
"""
from _common import Results, delays, measure, measure_async, params, run_reactor, size

from twisted.internet import defer, reactor

P = params()
results = Results()


def noop():
    pass


def rounds_for(n):
    big = n >= P.get("large_from", 1e5)
    return (P.get("large_rounds", 3) if big else P.get("rounds", 5)), not big


def fire_all(ds):
    n = len(ds)
    done = defer.Deferred()
    left = [n]

    def tick():
        left[0] -= 1
        if left[0] == 0:
            done.callback(None)

    call_later = reactor.callLater
    for d in ds:
        call_later(d, tick)
    return done


def schedule_cancel(ds):
    call_later = reactor.callLater
    calls = [call_later(1000.0 + d, noop) for d in ds]
    reactor._insertNewDelayedCalls()
    for c in calls:
        c.cancel()
    reactor.runUntilCurrent()


for n in P.get("cancel", []):
    ds = delays(n, P.get("max_delay", 0.05))
    rounds, warmup = rounds_for(n)
    t = measure(lambda: schedule_cancel(ds), n, rounds, warmup, P.get("min_ops_cancel", 0), "schedule+cancel N=" + size(n))
    results.add_timing("cancel", n, t)


@defer.inlineCallbacks
def fired():
    for n in P.get("fired", []):
        ds = delays(n, P.get("max_delay", 0.05))
        rounds, warmup = rounds_for(n)
        t = yield measure_async(lambda: fire_all(ds), n, rounds, warmup, P.get("min_ops_fired", 0), "fired N=" + size(n))
        results.add_timing("fired", n, t)


run_reactor(fired)
results.emit()
