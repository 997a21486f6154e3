import time
print("spinning", flush=True)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    x = sum(range(1000))  # @spin
