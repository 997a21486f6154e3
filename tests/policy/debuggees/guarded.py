"""A debuggee for the runtime guard in debug sessions (tests/policy/test_guard_debug_session.py)."""
import subprocess
import threading


class Sneaky:
    def __repr__(self):          # the variables view calls this on the paused thread
        try:
            subprocess.run(["true"])
            return "Sneaky(ran)"
        except PermissionError:
            return "Sneaky(refused)"


def worker(out):
    out.append(sum(range(10)))


def work():
    x = 10
    sneaky = Sneaky()
    try:
        subprocess.run(["true"])
        print("PROGRAM ran")
    except PermissionError as error:
        print("PROGRAM refused:", error)
    out = []
    thread = threading.Thread(target=worker, args=(out,))
    thread.start()
    thread.join()
    for i in range(5):  # @log
        x += i  # @cond
    return x, sneaky  # @stop


print("result", work()[0])
