"""Start pydevd inside a running process Apex attached to (injected by apex_host's gdb).

Called from the injected statement with the harness already dialling the adapter. It
returns at once: a daemon thread waits (bounded) for the harness's I/O thread so it can
hide it from pydevd, starts pydevd listening on 127.0.0.1 with the session token, and
reports the port to the adapter like ``apex_dap_boot.py`` does. Standard library (plus
the adapter's debugpy directory), Python 3.9+; never raises into the program.
"""
from __future__ import annotations

import os
import sys
import threading
import time


#: Harness modules the adapter's requests load (``<module>.<verb>``).
HARNESS_COMMAND_MODULES = ("apex_harness.guard", "apex_harness.reload", "apex_harness.recorder")


def _load_harness_commands():
    # Loaded before pydevd starts: on 3.13, one first imported on the harness's thread
    # while the program was paused under pydevd left the program hanging at exit after
    # the session (pydevd's monitoring callback turned that thread's teardown into a
    # dummy thread, and its CheckAliveThread never finished).
    if "apex_harness" not in sys.modules:
        return
    import importlib
    for name in HARNESS_COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except Exception:
            pass


def _run(report_host, report_port, token, debugpy_dir):
    try:
        _load_harness_commands()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                t.name == "apex-harness-io" for t in threading.enumerate()):
            time.sleep(0.02)  # in-target, bounded: there is no event to wait on here
        if debugpy_dir and debugpy_dir not in sys.path:
            sys.path.append(debugpy_dir)
        here = os.path.dirname(os.path.abspath(__file__))
        if here not in sys.path:
            sys.path.append(here)
        import apex_dap_boot
        import debugpy  # noqa: F401
        from debugpy.server import api as _api  # noqa: F401
        import pydevd

        apex_dap_boot._hide_harness_threads()
        debugpy_root = os.path.dirname(os.path.abspath(debugpy.__file__))
        harness_root = os.path.join(os.path.dirname(os.path.dirname(here)), "apex_harness")
        _, port = pydevd._enable_attach(
            ("127.0.0.1", 0), dont_trace_start_patterns=(debugpy_root, harness_root, here),
            dont_trace_end_patterns=(apex_dap_boot.BOOT_NAME,), access_token=token)
        apex_dap_boot._nodelay_connections(pydevd)
        apex_dap_boot._report((report_host, report_port), token, port)
    except BaseException as exc:  # the program must carry on whatever happens here
        try:
            sys.stderr.write("apex: could not start the debugger: %r\n" % (exc,))
        except BaseException:
            pass


def start(report_host, report_port, token, debugpy_dir):
    try:
        thread = threading.Thread(target=_run, args=(report_host, report_port, token, debugpy_dir),
                                  name="apex-dap-attach", daemon=True)
        thread.pydev_do_not_trace = True
        thread.is_pydev_daemon_thread = True
        thread.start()
        return True
    except BaseException:
        return False
