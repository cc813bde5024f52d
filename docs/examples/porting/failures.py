from twisted.internet import defer, task


class QuotaExceeded(Exception):
    pass


def main(reactor):
    d = defer.fail(QuotaExceeded("3 of 3 used"))

    def onError(failure):
        # An errback gets a Failure: the exception is failure.value.
        print("errback: %s: %s" % (failure.type.__name__, failure.getErrorMessage()))
        failure.trap(QuotaExceeded)
        return "handled"

    d.addErrback(onError)
    d.addCallback(print)

    async def useAwait():
        # Awaited, a failed Deferred raises the exception itself.
        try:
            await defer.fail(QuotaExceeded("4 of 3 used"))
        except QuotaExceeded as e:
            print("await raised: %s" % e)

    return d.addCallback(lambda _: defer.ensureDeferred(useAwait()))


task.react(main)
