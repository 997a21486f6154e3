"""Which modules are the workspace's, what their source was, and which changed.

A module is tracked once it is seen in ``sys.modules`` with a ``.py`` file under one
of the workspace roots (never site-packages or a virtualenv). Its baseline is the
source it was loaded from (read when first seen, the file untouched since import if
its mtime predates the import) and, after a reload, the source and code that reload
applied: the next diff is against what is live, not against what is on disk.
"""
from __future__ import annotations

import os
import sys
import threading

_EXCLUDED_PARTS = ("site-packages", "dist-packages", os.sep + ".venv" + os.sep,
                   os.sep + "venv" + os.sep, os.sep + ".tox" + os.sep)


class Tracked:
    """One workspace file and the module(s) loaded from it."""

    __slots__ = ("path", "names", "stamp", "source", "code")

    def __init__(self, path: str, stamp, source) -> None:
        self.path = path
        self.names = []
        self.stamp = stamp      # (mtime_ns, size) at the baseline
        self.source = source    # baseline source text (None: unreadable)
        self.code = None        # baseline code object, compiled lazily or from a reload

    def modules(self):
        return [sys.modules[n] for n in self.names if n in sys.modules]


def stamp_of(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read_source(path: str):
    import io
    import tokenize
    try:
        with io.open_code(path) as handle:
            data = handle.read()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


class Registry:
    """The tracked workspace modules; safe to use from the watcher and the I/O thread."""

    def __init__(self, roots) -> None:
        self.roots = [os.path.realpath(r) for r in roots if r]
        self.files = {}         # realpath -> Tracked
        self.lock = threading.RLock()
        self._seen_modules = 0

    def in_workspace(self, path: str) -> bool:
        if not path.endswith(".py"):
            return False
        if any(part in path for part in _EXCLUDED_PARTS):
            return False
        for root in self.roots:
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                return True
        return False

    def scan(self) -> list:
        """Track modules imported since the last scan; returns the new Tracked entries."""
        fresh = []
        modules = list(sys.modules.items())
        if len(modules) == self._seen_modules:
            return fresh
        with self.lock:
            for name, module in modules:
                path = self.path_of(module)
                if path is None:
                    continue
                tracked = self.files.get(path)
                if tracked is None:
                    tracked = Tracked(path, stamp_of(path), read_source(path))
                    self.files[path] = tracked
                    fresh.append(tracked)
                if name not in tracked.names:
                    tracked.names.append(name)
            self._seen_modules = len(modules)
        return fresh

    def path_of(self, module):
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str) or not filename.endswith(".py"):
            return None
        try:
            path = os.path.realpath(filename)
        except (OSError, ValueError):
            return None
        return path if self.in_workspace(path) else None

    def changed(self) -> list:
        """Tracked files whose mtime or size differs from their baseline."""
        with self.lock:
            return [t for t in self.files.values() if stamp_of(t.path) != t.stamp]

    def lookup(self, path: str):
        real = os.path.realpath(path)
        with self.lock:
            tracked = self.files.get(real)
            if tracked is None:
                for name, module in list(sys.modules.items()):
                    if self.path_of(module) == real or (
                            getattr(module, "__file__", None)
                            and os.path.realpath(module.__file__) == real):
                        tracked = tracked or Tracked(real, stamp_of(real), None)
                        tracked.names.append(name)
                if tracked is not None:
                    self.files[real] = tracked
            return tracked

    def accept(self, tracked: Tracked, source: str, code, stamp) -> None:
        """A reload applied ``source``: it is the new baseline."""
        with self.lock:
            tracked.source, tracked.code, tracked.stamp = source, code, stamp
