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

    __slots__ = ("code", "kept", "names", "path", "source", "stamp")

    def __init__(self, path: str, stamp, source) -> None:
        self.path = path
        self.names = []
        self.stamp = stamp      # (mtime_ns, size) at the baseline
        self.source = source    # baseline source text (None: unreadable)
        self.code = None        # baseline code object, compiled lazily or from a reload
        #: module-level assignments whose new source a reload did not run (``rerun`` does)
        self.kept = set()

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
        #: ``fn(module, path)`` called after a workspace module is imported
        self.after_import = []
        self._hook = None

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

    def install_import_hook(self) -> None:
        """Snapshot workspace modules as they are imported (the baseline is then exactly
        the source that ran, even if the file is edited before the first reload)."""
        if self._hook is None:
            self._hook = _Finder(self)
            sys.meta_path.insert(0, self._hook)

    def imported(self, module, path: str, stamp, source, code=None) -> None:
        with self.lock:
            tracked = self.files.get(path)
            if tracked is None:
                tracked = self.files[path] = Tracked(path, stamp, source)
            else:
                tracked.stamp, tracked.source = stamp, source
            tracked.code = code
            if module.__name__ not in tracked.names:
                tracked.names.append(module.__name__)
        for fn in list(self.after_import):
            try:
                fn(module, path)
            except Exception:
                pass


class _LoaderProxy:
    """Snapshots the file, runs the real loader, then tells the registry."""

    def __init__(self, loader, path: str, registry: Registry) -> None:
        self._loader = loader
        self._path = path
        self._registry = registry

    def exec_module(self, module) -> None:
        stamp = stamp_of(self._path)
        source = read_source(self._path)
        code = None
        get_code = getattr(self._loader, "get_code", None)
        if get_code is not None:
            try:   # from the .pyc when fresh: the next reload needs no baseline compile
                code = get_code(module.__name__)
            except Exception:
                code = None
        self._loader.exec_module(module)
        self._registry.imported(module, self._path, stamp, source, code)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _Finder:
    """First on ``sys.meta_path``: asks the others, wraps the loader of workspace files."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def find_spec(self, name, path=None, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is None:
                continue
            origin = spec.origin
            if isinstance(origin, str) and origin.endswith(".py") \
                    and hasattr(spec.loader, "exec_module"):
                real = os.path.realpath(origin)
                if self._registry.in_workspace(real):
                    spec.loader = _LoaderProxy(spec.loader, real, self._registry)
            return spec
        return None
