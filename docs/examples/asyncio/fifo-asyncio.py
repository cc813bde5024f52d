import asyncio

loop = asyncio.new_event_loop()

# Callbacks run in the order they were scheduled; call_soon(f) is call_later(0, f).
loop.call_soon(print, "first")
loop.call_later(0, print, "second")
loop.call_soon(print, "third")

# Equal deadlines run in scheduling order too (call_at takes a time in loop.time()).
when = loop.time() + 0.1
loop.call_at(when, print, "fourth")
loop.call_at(when, print, "fifth")
loop.call_at(when, loop.stop)

try:
    loop.run_forever()
finally:
    loop.close()
