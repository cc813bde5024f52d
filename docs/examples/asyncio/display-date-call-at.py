import asyncio
import datetime


def display_date(start, n, loop):
    print(datetime.datetime.now())
    # start + a whole number of seconds: on the grid, and no rounding error piling up.
    if n + 1 < 5:
        loop.call_at(start + n + 1, display_date, start, n + 1, loop)
    else:
        loop.stop()


loop = asyncio.new_event_loop()

# Schedule the first call to display_date(), now, in the loop's time.
start = loop.time()
loop.call_at(start, display_date, start, 0, loop)

# Blocking call interrupted by loop.stop()
try:
    loop.run_forever()
finally:
    loop.close()
