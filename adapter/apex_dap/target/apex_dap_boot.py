"""Start a program under debugpy for an Apex launch session.

Run as ``python apex_dap_boot.py --report HOST:PORT [--module] TARGET ARGS...``. The
adapter passes the session token in ``APEX_DAP_TOKEN`` and debugpy's parent directory in
``APEX_DAP_DEBUGPY_DIR`` (so 3.9–3.13 targets can use the adapter's debugpy without
installing it). This script:

1. starts pydevd (debugpy's in-process debugger) listening on 127.0.0.1 with an access
   token, so only a client that knows the token can drive it (an unauthenticated
   ``debugpy.listen`` port would let any local process run code in the target);
2. turns off Nagle on pydevd's connection (one round trip took ~44 ms with it on);
3. reports the port and its pid to the adapter over a loopback connection, with the token;
4. waits for the adapter's ``configurationDone``, stops accepting further connections,
   and runs the program as ``__main__``.

The file name is unusual on purpose: pydevd hides frames of files ending in it.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import threading

BOOT_NAME = "apex_dap_boot.py"


def _parse(argv):
    if len(argv) < 4 or argv[1] != "--report":
        raise SystemExit("usage: apex_dap_boot.py --report HOST:PORT [--module] TARGET [ARGS...]")
    host, _, port = argv[2].rpartition(":")
    rest = argv[3:]
    as_module = rest[0] == "--module"
    if as_module:
        rest = rest[1:]
    return (host, int(port)), as_module, rest[0], rest[1:]


def _report(address, token, port):
    with socket.create_connection(address, timeout=30) as conn:
        message = {"token": token, "port": port, "pid": os.getpid(),
                   "python": list(sys.version_info[:3])}
        conn.sendall(json.dumps(message).encode("utf-8") + b"\n")


def _set_nodelay(sock):
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass  # not TCP (or already closed): nothing to speed up


def _nodelay_connections(pydevd):
    """Turn off Nagle on the adapter's connection to pydevd.

    pydevd writes each message's header and body in two ``send`` calls; with Nagle
    the body waits for the peer's delayed ACK (~40 ms on Linux) on every round trip.
    Call after ``_enable_attach`` and before reporting the port (nobody has connected).
    """
    py_db = pydevd.get_global_debugger()
    if py_db is None:
        return
    initialize_network = py_db.initialize_network

    def initialize_network_nodelay(sock, *args, **kwargs):
        _set_nodelay(sock)
        return initialize_network(sock, *args, **kwargs)

    py_db.initialize_network = initialize_network_nodelay


def _stop_accepting():
    # pydevd keeps accepting connections, and a new one replaces the current client
    # before it authenticates. Once the adapter is configured nobody else may connect.
    for thread in threading.enumerate():
        if type(thread).__name__ == "_WaitForConnectionThread":
            try:
                thread.do_kill_pydev_thread()
            except Exception:
                pass


def _hide_harness_threads():
    # The harness (when Apex launched us under it) serves the adapter from its own
    # threads; pydevd must neither trace them nor suspend them at a breakpoint, or the
    # adapter could not reach the harness while the program is paused.
    for thread in threading.enumerate():
        if thread.name.startswith("apex-harness"):
            thread.pydev_do_not_trace = True
            thread.is_pydev_daemon_thread = True


def _prepare_recording(here):
    # Time travel (`record: true`): recording starts right before the program; the
    # adapter pages history over the harness connection boot.py already opened
    # (see apex_harness/recorder/dap_boot.py).
    config = os.environ.pop("APEX_DAP_RECORD", "")
    if not config:
        return None
    adapter_dir = os.path.dirname(os.path.dirname(here))
    if adapter_dir not in sys.path:
        sys.path.append(adapter_dir)
    from apex_harness.recorder.dap_boot import prepare
    return prepare(config)


def _boot_threads():
    # Under the harness, the runtime guard exempts these threads: until the program's
    # first line, this thread is the debugger's (pydevd's listener, the report).
    pause = sys.modules.get("apex_harness.pause")
    return getattr(pause, "_BOOT_THREADS", None)


def main(argv):
    report_to, as_module, target, args = _parse(argv)
    boot_threads = _boot_threads()
    if boot_threads is not None:
        boot_threads.add(threading.get_ident())
    token = os.environ.pop("APEX_DAP_TOKEN", "")
    debugpy_dir = os.environ.pop("APEX_DAP_DEBUGPY_DIR", "")
    if debugpy_dir and debugpy_dir not in sys.path:
        sys.path.append(debugpy_dir)
    # Our own directory must not shadow the program's modules.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]

    import debugpy  # noqa: F401  (sets up the vendored pydevd import path)
    from debugpy.server import api as _api  # noqa: F401
    import pydevd

    debugpy_root = os.path.dirname(os.path.abspath(debugpy.__file__))
    start_recording = _prepare_recording(here)
    _hide_harness_threads()
    harness_root = os.path.join(os.path.dirname(os.path.dirname(here)), "apex_harness")
    host, port = pydevd._enable_attach(
        ("127.0.0.1", 0),
        dont_trace_start_patterns=(debugpy_root, harness_root),
        dont_trace_end_patterns=(BOOT_NAME,),
        access_token=token,
    )
    _nodelay_connections(pydevd)
    _report(report_to, token, port)
    pydevd._wait_for_attach()
    _stop_accepting()
    if start_recording is not None:
        start_recording()
    if boot_threads is not None:
        boot_threads.discard(threading.get_ident())

    import runpy
    if as_module:
        sys.argv = [target] + list(args)
        sys.path.insert(0, os.getcwd())
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target] + list(args)
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv)
