"""Twisted's side of bench/memory.ts: bytes per pending reactor.callLater.

Parameters (JSON): n, samples. Measured with tracemalloc (every Python allocation), between
scheduling n calls far in the future (kept in a list allocated before measuring) and after
filing them into the reactor's heap, as its next loop iteration would; median of the samples.
"""
import gc
import statistics
import tracemalloc

from _common import Results, delays, params, progress

from twisted.internet import reactor

P = params()
n = P.get("n", 200000)
ds = delays(n, 0.05)


def noop():
    pass


def sample():
    keep = [None] * n
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        keep[i] = reactor.callLater(1000.0 + ds[i], noop)
    reactor._insertNewDelayedCalls()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for c in keep:
        c.cancel()
    reactor.runUntilCurrent()  # compacts the cancelled calls away
    return (after - before) / n


samples = []
for s in range(P.get("samples", 3)):
    samples.append(sample())
    progress("bytes per pending call, sample %d" % (s + 1))
results = Results()
results.add("bytes", n, "B", statistics.median(samples))
results.emit()
