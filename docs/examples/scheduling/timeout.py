from twisted.internet import defer, task


def f():
    return "Hopefully this will be called in 0.3 seconds or less"


def runTask(reactor, delay):
    def called(result):
        if isinstance(result, defer.Failure):
            result.trap(defer.TimeoutError)
            print("a task of {0} seconds: timed out".format(delay))
        else:
            print("a task of {0} seconds: {1}".format(delay, result))

    d = task.deferLater(reactor, delay, f)
    return d.addTimeout(0.3, reactor).addBoth(called)


def main(reactor):
    # f() will be called after 0.1 and after 0.5 seconds; the second call never comes: after 0.3
    # seconds, its Deferred is cancelled and fails with TimeoutError.
    return defer.gatherResults([runTask(reactor, 0.1), runTask(reactor, 0.5)])


task.react(main)
