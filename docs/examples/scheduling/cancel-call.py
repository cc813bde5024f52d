from twisted.internet import reactor


def f():
    print("I'll never run.")


callID = reactor.callLater(0.2, f)
callID.cancel()
if not callID.active():
    print("The call was cancelled; f will not run.")

# Stop once the call's time has passed, to show that it did not run.
reactor.callLater(0.3, reactor.stop)
reactor.run()
