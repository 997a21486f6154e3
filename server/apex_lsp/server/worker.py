"""Analysis in a separate process, for documents too big for the server's own.

``ast.parse`` holds the GIL for the whole parse (seconds for a 10 MB file), so a
thread cannot keep a huge document from freezing the event loop; a process can.
Each worker keeps one :class:`Projects` per settings generation it is sent.
"""
from __future__ import annotations

import os
import threading
import time

from apex_lsp.analysis import FileResult

from .config import ServerConfig
from .project import Projects

# Per-process state of a worker (never used in the server process itself).
_state: dict = {}


def analyze(text: str, path: str, config: ServerConfig, generation: int) -> FileResult:
    projects = _state.get("projects")
    if projects is None or _state.get("generation") != generation:
        projects = Projects()
        projects.reset(config)
        _state.update(projects=projects, generation=generation)
    return projects.for_path(path).analyze(text, path)


def watch_parent() -> None:
    """Pool initializer: exit when the server process is gone (never outlive it)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2.0)
        os._exit(0)

    threading.Thread(target=watch, name="apex-worker-parent-watch", daemon=True).start()
