# After the listings of Twisted's logging howto (ad_hoc.py, logfile.py, loader-math.py): events
# saved as JSON keep their fields, which a later program reads back with extractField.
import io

from twisted.logger import (
    Logger,
    eventsFromJSONLogFile,
    extractField,
    formatEvent,
    globalLogPublisher,
    jsonFileLogObserver,
)


class AdHoc:
    log = Logger(namespace="ad_hoc")

    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __str__(self):
        return "AdHoc(%d, %d)" % (self.a, self.b)

    def logMessage(self):
        self.log.info("message from {log_source} where a is {log_source.a} and b is {log_source.b}")


# logfile.py: every event of the program goes to a JSON log.
out = io.StringIO()
observer = jsonFileLogObserver(out)
globalLogPublisher.addObserver(observer)
AdHoc(3, 4).logMessage()
AdHoc(10, 20).logMessage()
globalLogPublisher.removeObserver(observer)

# loader-math.py: the saved events still know a and b, though AdHoc itself could not be saved.
out.seek(0)
for event in eventsFromJSONLogFile(out):
    print(event["log_namespace"], "|", formatEvent(event))
    print("a + b =", extractField("log_source.a", event) + extractField("log_source.b", event))
    print("log_source saved as:", ", ".join(event["log_source"]))
