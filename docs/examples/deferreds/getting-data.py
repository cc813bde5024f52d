from twisted.internet import defer, reactor


def getDummyData(inputData):
    print("getDummyData called")
    deferred = defer.Deferred()
    # Simulate a delayed result by asking the reactor to fire the Deferred in 0.2 seconds'
    # time with the result inputData * 3.
    reactor.callLater(0.2, deferred.callback, inputData * 3)
    return deferred


def cbPrintData(result):
    print("Result received: {}".format(result))


deferred = getDummyData(3)
deferred.addCallback(cbPrintData)

# Set up the end of the program by asking the reactor to stop itself in 0.4 seconds' time.
reactor.callLater(0.4, reactor.stop)
# Start the reactor (the event loop) by hand.
print("Starting the reactor")
reactor.run()
