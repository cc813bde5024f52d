"""Shared helpers of the Twisted benchmark scripts (run by bench/twisted.ts).

Each script takes its parameters as one JSON argument, measures its workloads the way
bench/harness.ts does (one warm-up round, then interleaved rounds with a collection before
each sample, medians of wall and CPU ns per operation), reports progress on stderr as
"progress: ..." lines and prints one JSON line on stdout:

    {"twisted": "22.4.0", "python": "3.11.2", "results": [
        {"workload": "fired", "n": 1000, "unit": "ns", "value": 812.5, "cpu": 790.1, "ops": 10000}, ...]}
"""
import gc
import json
import math
import platform
import random
import statistics
import sys
import time

import twisted
from twisted.internet import defer


def params():
    """The JSON object given as the first argument ({} without one)."""
    return json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}


def progress(text):
    """A progress line for bench/twisted.ts (it shows it on the bar or as a plain line)."""
    print("progress: " + text, file=sys.stderr, flush=True)


def delays(n, max_delay):
    """n random delays in [0, max_delay)."""
    rnd = random.random
    return [rnd() * max_delay for _ in range(n)]


def repetitions(ops, min_ops):
    """How many runs of ops operations make at least min_ops operations (at least one)."""
    return max(1, math.ceil(min_ops / ops))


def size(n):
    """1000 -> "1e3" for progress lines."""
    e = math.log10(n)
    return "1e%d" % round(e) if e == int(e) else str(n)


class Results:
    """The figures measured so far; emit() prints them as the JSON line."""

    def __init__(self):
        self.items = []

    def add(self, workload, n, unit, value, cpu=None, ops=None):
        item = {"workload": workload, "n": n, "unit": unit, "value": value}
        if cpu is not None:
            item["cpu"] = cpu
        if ops is not None:
            item["ops"] = ops
        self.items.append(item)

    def add_timing(self, workload, n, timing):
        self.add(workload, n, "ns", timing["wall"], cpu=timing["cpu"], ops=timing["ops"])

    def emit(self):
        line = {"twisted": twisted.__version__, "python": platform.python_version(), "results": self.items}
        print(json.dumps(line), flush=True)


def _summary(wall, cpu, ops):
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu), "ops": ops}


def _timed_rounds(run, ops, rounds, warmup, min_ops, label, prepare=None, cleanup=None):
    """The rounds of measure() and measure_async(): a generator yielding what each run() returns
    (measure_async waits on those Deferreds) and returning the medians. prepare() and cleanup(),
    when given, run untimed before and after each sample (their results yielded too)."""
    reps = repetitions(ops, min_ops)
    wall, cpu = [], []
    for r in range(-1 if warmup else 0, rounds):
        if prepare is not None:
            yield prepare()
        gc.collect()
        c0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(reps):
            yield run()
        t1 = time.perf_counter()
        c1 = time.process_time()
        if cleanup is not None:
            yield cleanup()
        if r >= 0:
            wall.append((t1 - t0) * 1e9 / (ops * reps))
            cpu.append((c1 - c0) * 1e9 / (ops * reps))
            progress("%s round %d/%d" % (label, r + 1, rounds))
    return _summary(wall, cpu, ops * reps)


def measure(run, ops, rounds=5, warmup=True, min_ops=0, label=""):
    """Times a synchronous workload doing `ops` operations per call: median ns per op."""
    steps = _timed_rounds(run, ops, rounds, warmup, min_ops, label)
    try:
        while True:
            next(steps)
    except StopIteration as done:
        return done.value


def measure_async(run, ops, rounds=5, warmup=True, min_ops=0, label="", prepare=None, cleanup=None):
    """As measure(), for a workload returning a Deferred (waited on) on a running reactor;
    prepare() and cleanup() (Deferreds or plain values) run untimed around each sample."""
    return defer.inlineCallbacks(_timed_rounds)(run, ops, rounds, warmup, min_ops, label, prepare, cleanup)


def run_reactor(main):
    """Runs main() (returning a Deferred) on the global reactor, then stops it; re-raises a failure."""
    from twisted.internet import reactor

    outcome = []

    def start():
        d = defer.maybeDeferred(main)
        d.addBoth(outcome.append)
        d.addBoth(lambda _: reactor.stop())

    reactor.callWhenRunning(start)
    reactor.run(installSignalHandlers=False)
    if not outcome:
        raise RuntimeError("the reactor stopped before the workload finished")
    if hasattr(outcome[0], "raiseException"):
        outcome[0].raiseException()
