from twisted.internet import defer, task


class NotFound(Exception):
    pass


def lookUp(key):
    if key != "spam":
        raise NotFound("no such key: %s" % key)
    return "eggs"


def main(reactor):
    for key in ["spam", "ham", 42]:

        def check(k):
            if not isinstance(k, str):
                raise TypeError("not a key: %s" % k)
            return lookUp(k)  # a raise here skips to the next errback

        def onError(failure):
            failure.trap(NotFound)  # handles NotFound; anything else goes on down the chain
            return "missing (%s)" % failure.getErrorMessage()

        d = defer.succeed(key)
        d.addCallback(check)
        d.addCallback(lambda value: "found %s" % value)  # skipped after a failure
        d.addErrback(onError)
        d.addCallbacks(
            lambda outcome, key=key: print("%s: %s" % (key, outcome)),
            lambda failure, key=key: print(
                "%s: unexpected %s: %s" % (key, failure.type.__name__, failure.getErrorMessage())
            ),
        )
    return defer.succeed(None)  # Twisted's react wants a Deferred (or a coroutine) from main


task.react(main)
