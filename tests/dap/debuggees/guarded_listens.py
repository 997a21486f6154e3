"""Started under the harness (boot.py, listening): works until told to stop, then tries
what a restrictive policy denies and prints what happened."""
import os
import socket
import sys
import time


def work(i):
    value = i * 2  # @work
    return value


def attempt(name, fn):
    try:
        fn()
        print(name, "ok", flush=True)
    except Exception as exc:
        print(name, type(exc).__name__, flush=True)


print("STARTED", flush=True)
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not os.path.exists(sys.argv[1]):
    work(1)
    time.sleep(0.01)
attempt("NETWORK", lambda: socket.create_connection(("127.0.0.1", 9), timeout=2).close())
attempt("EVAL", lambda: eval("1 + 1"))
