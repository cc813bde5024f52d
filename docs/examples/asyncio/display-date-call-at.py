import asyncio
import datetime


def display_date(when, end_time, loop):
    print(datetime.datetime.now())
    next = when + 1.0
    if next < end_time:
        loop.call_at(next, display_date, next, end_time, loop)  # a deadline on the grid: no drift
    else:
        loop.stop()


loop = asyncio.new_event_loop()

# Schedule the first call to display_date(), now, in the loop's time.
start = loop.time()
loop.call_at(start, display_date, start, start + 5.0, loop)

# Blocking call interrupted by loop.stop()
try:
    loop.run_forever()
finally:
    loop.close()
