# Run: python3 react.py Alice
import sys

from twisted.internet import task


def main(reactor, name="world"):
    d = task.deferLater(reactor, 0.1, lambda: "hello, %s" % name)

    def greet(greeting):
        print(greeting)
        if name == "nobody":
            raise SystemExit(3)  # ends the program with exit code 3

    return d.addCallback(greet)


if __name__ == "__main__":
    task.react(main, sys.argv[1:])
