from twisted.internet import reactor


def f(s):
    print("this will run 0.35 seconds after it was scheduled: %s" % s)
    reactor.stop()


reactor.callLater(0.35, f, "hello, world")

# f() will only be called if the event loop is started.
reactor.run()
