"""Commands every harness answers: ping, info, threads, pause, resume, commands."""
from __future__ import annotations

import os
import sys
import threading
import time

from . import __version__, handlers, pause
from .wire import PROTOCOL_VERSION


@handlers.register("ping")
def ping(arguments, session):
    return {"pong": True, "time": time.time(), "echo": arguments.get("echo")}


def process_info() -> dict:
    return {
        "pid": os.getpid(),
        "harnessVersion": __version__,
        "protocol": PROTOCOL_VERSION,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "argv": list(sys.argv),
        "cwd": _cwd(),
    }


def _cwd():
    try:
        return os.getcwd()
    except OSError:
        return None


@handlers.register("info")
def info(arguments, session):
    body = process_info()
    body["commands"] = handlers.commands()
    body["paused"] = pause.is_paused()
    from .agent import connection_stats
    body["connections"] = connection_stats()
    # Read, never imported here: an unguarded program has no guard module to load.
    guard = sys.modules.get(__package__ + ".guard")
    body["guard"] = guard.status() if guard is not None else {"installed": False}
    return body


@handlers.register("commands")
def list_commands(arguments, session):
    return {"commands": handlers.commands()}


_SKIP_FILES = (os.path.dirname(os.path.abspath(__file__)), threading.__file__)


def _program_frame(frame):
    """The innermost frame that is the program's, not the harness parking it."""
    top = frame
    while frame is not None and frame.f_code.co_filename.startswith(_SKIP_FILES):
        frame = frame.f_back
    return frame or top


@handlers.register("threads")
def threads(arguments, session):
    frames = sys._current_frames()
    out = []
    for t in threading.enumerate():
        frame = _program_frame(frames.get(t.ident))
        out.append({
            "id": t.ident, "name": t.name, "daemon": t.daemon,
            "harness": pause.is_harness_thread(t.ident),
            "file": frame.f_code.co_filename if frame else None,
            "line": frame.f_lineno if frame else None,
            "function": frame.f_code.co_name if frame else None,
        })
    return {"threads": out}


@handlers.register("pause")
def pause_threads(arguments, session):
    timeout = float(arguments.get("timeout", 5.0))
    return pause.pause_all(timeout)


@handlers.register("resume")
def resume_threads(arguments, session):
    session.after_reply(pause.resume_all)
    return {"resumed": pause.is_paused()}
