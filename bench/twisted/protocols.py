"""Twisted's side of bench/protocols.ts: LineReceiver.dataReceived on N 20-byte lines in reads
of `read` bytes (ns per line), and one line of `long` bytes arriving in 1 KB reads (ns per byte).

Parameters (JSON): n, read, long, rounds.
"""
from _common import Results, measure, params

from twisted.protocols.basic import LineReceiver

P = params()
n = P.get("n", 1000000)
read = P.get("read", 65536)
long_size = P.get("long", 1024 * 1024)
rounds = P.get("rounds", 3)

data = b"".join(b"line %010d ab\r\n" % i for i in range(n))
reads = [data[i:i + read] for i in range(0, len(data), read)]
count = [0]


class Counting(LineReceiver):
    def lineReceived(self, line):
        count[0] += 1


def lines():
    p = Counting()
    for r in reads:
        p.dataReceived(r)


piece = b"a" * 1024


def long_line():
    p = Counting()
    p.MAX_LENGTH = long_size + 1
    for _ in range(long_size // 1024):
        p.dataReceived(piece)
    p.dataReceived(b"\r\n")


results = Results()
results.add_timing("lines", n, measure(lines, n, rounds, label="LineReceiver lines"))
results.add_timing("long", long_size, measure(long_line, long_size, rounds, label="LineReceiver long line"))
results.emit()
