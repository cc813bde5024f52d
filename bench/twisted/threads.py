"""Twisted's side of bench/threads.ts: deferToThread of a trivial function (N calls issued at
once, waited for together), and SHA-256 of MEGABYTES 1 MB pieces in threads against the main
thread.

Parameters (JSON): n, megabytes, threads, rounds. The reactor's pool is sized to `threads`.
Python's GIL lets one thread run Python at a time; hashlib releases it while hashing a large
buffer, so the hashing can still use several cores.
"""
import hashlib

from _common import Results, measure, measure_async, params, run_reactor

from twisted.internet import defer, reactor, threads

P = params()
n = P.get("n", 5000)
megabytes = P.get("megabytes", 64)
rounds = P.get("rounds", 5)
reactor.suggestThreadPoolSize(P.get("threads", 4))
pieces = [bytes([i % 256]) * (1 << 20) for i in range(megabytes)]


def add(a, b):
    return a + b


def sha256(piece):
    return hashlib.sha256(piece).hexdigest()


def trivial():
    return defer.gatherResults([threads.deferToThread(add, i, 1) for i in range(n)])


def hash_threads():
    return defer.gatherResults([threads.deferToThread(sha256, p) for p in pieces])


def hash_main():
    for p in pieces:
        sha256(p)


results = Results()


@defer.inlineCallbacks
def main():
    results.add_timing("trivial", n, (yield measure_async(trivial, n, rounds, label="deferToThread: trivial")))
    results.add_timing("hash-threads", megabytes, (yield measure_async(hash_threads, megabytes, rounds, label="deferToThread: hash")))
    results.add_timing("hash-main", megabytes, measure(hash_main, megabytes, rounds, label="main thread: hash"))


run_reactor(main)
results.emit()
