"""Start pydevd in the program from the harness (attach to a program that runs the harness).

``debugger.start {targetDir, reportPort, token, debugpyDir, exempt?}``: the adapter's
``target/attach_boot.py`` is imported from ``targetDir`` (by the import system) and starts
pydevd on a daemon thread, which reports its port to the adapter's loopback
``reportPort`` with the session ``token``. No gdb, no freeze, no code compiled from a
string. ``exempt`` (``{paths, roots}``, as the guard's ``debugger``) names the debugger's
code: a runtime guard the program already runs under exempts it from then on
(``guard.allow_debugger``), as a debug launch exempts its own, so attaching works under
a policy that denies network or dynamic code while the program stays policed.
"""
from __future__ import annotations

import importlib
import sys

from . import handlers


def _argument(arguments, name, kind):
    value = arguments.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise handlers.HandlerError("debugger.start needs %s (%s)" % (name, kind.__name__),
                                    "bad_arguments")
    return value


@handlers.register("debugger.start")
def start(arguments, session):
    target_dir = _argument(arguments, "targetDir", str)
    report_port = _argument(arguments, "reportPort", int)
    token = _argument(arguments, "token", str)
    debugpy_dir = arguments.get("debugpyDir") or ""
    exempt = arguments.get("exempt")
    guards = 0
    if isinstance(exempt, dict) and "apex_harness.guard" in sys.modules:
        guards = sys.modules["apex_harness.guard"].allow_debugger(exempt)
    if target_dir not in sys.path:
        sys.path.append(target_dir)
    try:
        attach_boot = importlib.import_module("attach_boot")
    except ImportError as exc:
        raise handlers.HandlerError("cannot load the debugger's boot from %s: %s"
                                    % (target_dir, exc), "unavailable")
    started = attach_boot.start("127.0.0.1", report_port, token, debugpy_dir)
    return {"started": bool(started), "guardsExempting": guards}
