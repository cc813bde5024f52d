from twisted.internet import reactor, task


def f(s):
    return "This will run 0.35 seconds after it was scheduled: %s" % s


d = task.deferLater(reactor, 0.35, f, "hello, world")


def called(result):
    print(result)
    reactor.stop()


d.addCallback(called)

# f() will only be called if the event loop is started.
reactor.run()
