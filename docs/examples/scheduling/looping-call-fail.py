from twisted.internet import reactor, task

loopTimes = 3
failInTheEnd = True
_loopCounter = 0


def runEveryInterval():
    """
    Called at every loop interval.
    """
    global _loopCounter

    if _loopCounter < loopTimes:
        _loopCounter += 1
        print("A new interval has passed.")
        return

    if failInTheEnd:
        raise Exception("Failure during loop execution.")

    # We looped enough times.
    loop.stop()
    return


def cbLoopDone(result):
    """
    Called when loop was stopped with success.
    """
    print("Loop done.")
    reactor.stop()


def ebLoopFailed(failure):
    """
    Called when loop execution failed.
    """
    print("Loop failed: %s" % failure.getErrorMessage())
    reactor.stop()


loop = task.LoopingCall(runEveryInterval)

# Start looping every 0.1 second.
loopDeferred = loop.start(0.1)

# Add callbacks for stop and failure.
loopDeferred.addCallback(cbLoopDone)
loopDeferred.addErrback(ebLoopFailed)

reactor.run()
