from twisted.internet import defer, task


def logTimeout(result, timeout):
    print("Got {0!r} but actually timed out after {1} seconds".format(result, timeout))
    return result + " (timed out)"


def main(reactor):
    # Generate a Deferred with a custom canceller function, and never call it back or errback it,
    # to guarantee it gets timed out.
    d = defer.Deferred(lambda c: c.callback("Everything's ok!"))
    d.addTimeout(0.2, reactor, onTimeoutCancel=logTimeout)
    d.addBoth(print)
    return d


task.react(main)
