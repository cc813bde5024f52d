from twisted.internet import defer, task


def main(reactor):
    # Keyword arguments...
    first = defer.Deferred()
    second = defer.Deferred()
    dl = defer.DeferredList([first, second], fireOnOneCallback=True, consumeErrors=True)
    dl.addCallback(lambda result: print("fireOnOneCallback: %s from #%d" % tuple(result)))
    second.callback("b")

    d = defer.Deferred(lambda d: d.callback("late"))
    d.addTimeout(0.1, reactor, onTimeoutCancel=lambda result, timeout: result + " (timed out)")
    d.addCallbacks(print, print, callbackArgs=("<- onTimeoutCancel",))
    return d


task.react(main)
