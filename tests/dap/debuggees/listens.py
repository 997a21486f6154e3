"""A program that opens a debug listener itself, then works until told to stop."""
import os
import sys
import time

mode = sys.argv[1]
if mode == "harness":
    sys.path.append(os.environ["APEX_TEST_ADAPTER_DIR"])
    import apex_harness

    address = apex_harness.listen(port=0, token=os.environ["APEX_TEST_HARNESS_TOKEN"])
    port = int(address.rsplit(":", 1)[1])
elif mode != "none":  # "none": a plain program, for attach by pid
    debugpy_dir = os.environ.get("APEX_TEST_DEBUGPY_DIR")
    if debugpy_dir:
        sys.path.append(debugpy_dir)
    import debugpy

    host, port = debugpy.listen(("127.0.0.1", 0), in_process_debug_adapter=(mode == "inprocess"))
else:
    port = 0
print("LISTENING %d" % port, flush=True)


def work(i):
    value = i * 2  # @work
    return value


total = 0
deadline = time.monotonic() + 60
while time.monotonic() < deadline and not os.path.exists(sys.argv[2]):
    total += work(1)
    time.sleep(0.01)
print("finished", total, flush=True)
