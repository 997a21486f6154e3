"""Which code is the user's: files under the workspace, minus the stdlib, site-packages,
the debugger and Apex itself, adjusted by include/exclude globs."""
from __future__ import annotations

import fnmatch
import os
import sys
import sysconfig


def _library_roots():
    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            path = sysconfig.get_paths().get(key)
        except Exception:
            path = None
        if path:
            roots.add(os.path.realpath(path))
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        roots.add(os.path.realpath(os.path.join(prefix, "lib")))
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # apex_harness
    roots.add(here)
    roots.add(os.path.join(os.path.dirname(here), "apex_dap"))
    debugpy = sys.modules.get("debugpy")
    if debugpy is not None and getattr(debugpy, "__file__", None):
        roots.add(os.path.dirname(os.path.realpath(debugpy.__file__)))
    return tuple(r + os.sep for r in sorted(roots))


class UserScope:
    """``is_user(filename)``, cached per file name (code objects share them)."""

    def __init__(self, workspace=None, include=(), exclude=()) -> None:
        self.workspace = os.path.realpath(workspace or os.getcwd())
        self.include = tuple(include or ())
        self.exclude = tuple(exclude or ())
        self.library = _library_roots()
        self._cache = {}

    def is_user(self, filename: str) -> bool:
        known = self._cache.get(filename)
        if known is None:
            known = self._cache[filename] = self._decide(filename)
        return known

    def _decide(self, filename: str) -> bool:
        if not filename or filename.startswith("<"):
            return False
        path = os.path.realpath(filename)
        if any(fnmatch.fnmatch(path, pattern) for pattern in self.exclude):
            return False
        if any(fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + os.sep)
               for pattern in self.include):
            return True
        if path.startswith(self.library) or "site-packages" in path.split(os.sep) \
                or "dist-packages" in path.split(os.sep):
            return False
        return path.startswith(self.workspace + os.sep)
