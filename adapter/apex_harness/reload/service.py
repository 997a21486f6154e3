"""The reloader of one process: which workspace it watches, and applying changes.

One ``Reloader`` per process (the harness's ``reload.*`` requests and the
``apex run --reload`` watcher share it). Applying is two-phase: every changed file
is read and compiled first; a syntax error anywhere means nothing is applied.
"""
from __future__ import annotations

import linecache
import os
import sys
import threading
import time

from . import deps, register
from .patcher import ModulePatch, compile_source
from .report import Report


class Reloader:
    def __init__(self, roots) -> None:
        self.registry = register.Registry(roots)
        self.lock = threading.Lock()
        self.restart = None         # restart.Trampolines when frame restart is on
        self.reloads = 0
        self.registry.install_import_hook()
        self.registry.scan()

    def add_roots(self, roots) -> None:
        for root in roots:
            real = os.path.realpath(root)
            if real not in self.registry.roots:
                self.registry.roots.append(real)
        self.registry._seen_modules = 0

    def apply(self, paths=None, rerun: bool = False) -> Report:
        report = Report()
        with self.lock:
            self.registry.scan()
            targets = self._targets(paths, report)
            prepared = []
            for tracked in targets:
                source = register.read_source(tracked.path)
                if source is None:
                    report.errors.append({"path": tracked.path, "line": None,
                                          "message": "cannot read the file"})
                    continue
                try:
                    code = compile_source(source, tracked.path)
                except SyntaxError as exc:
                    report.errors.append({"path": tracked.path, "line": exc.lineno,
                                          "message": "%s: %s" % (type(exc).__name__, exc.msg)})
                    continue
                except ValueError as exc:   # null bytes
                    report.errors.append({"path": tracked.path, "line": None,
                                          "message": str(exc)})
                    continue
                prepared.append((tracked, source, code, register.stamp_of(tracked.path)))
            if report.errors:
                return report
            names = set()
            for tracked, _, _, _ in prepared:
                names.update(tracked.names)
            for tracked, source, code, stamp in prepared:
                for module in tracked.modules():
                    self._apply_module(report, module, tracked, source, code, rerun, names)
                self.registry.accept(tracked, source, code, stamp)
                linecache.checkcache(tracked.path)
            self.reloads += 1
        return report

    def _targets(self, paths, report):
        if not paths:
            return self.registry.changed()
        targets = []
        for path in paths:
            tracked = self.registry.lookup(path)
            if tracked is None or not tracked.names:
                report.skipped(str(path), "the program has not imported this file")
            elif tracked not in targets:
                targets.append(tracked)
        return targets

    def _apply_module(self, report, module, tracked, source, code, rerun, names) -> None:
        report.modules.append(module.__name__)
        try:
            patch = ModulePatch(module, tracked, source, code, self.restart)
            patch.apply(report, rerun=rerun)
            deps.update_dependants(report, patch, names)
        except Exception as exc:   # never take the program down with a reload
            report.refused(module.__name__, "the reload stopped with %s: %s"
                           % (type(exc).__name__, exc))

    def status(self) -> dict:
        self.registry.scan()
        with self.registry.lock:
            files = list(self.registry.files.values())
        changed = set(t.path for t in self.registry.changed())
        return {"roots": list(self.registry.roots), "reloads": self.reloads,
                "restartFrame": self.restart is not None,
                "modules": [{"path": t.path, "names": list(t.names),
                             "changed": t.path in changed} for t in files]}


_reloader = []
_reloader_lock = threading.Lock()


def reloader(roots=None) -> Reloader:
    """The process's Reloader, created on first use with ``roots`` (default: cwd)."""
    with _reloader_lock:
        if not _reloader:
            _reloader.append(Reloader(roots or [os.getcwd()]))
        elif roots:
            _reloader[0].add_roots(roots)
        return _reloader[0]


class Watcher(threading.Thread):
    """Polls tracked files' mtimes and applies changes (``apex run --reload``)."""

    def __init__(self, reloader: Reloader, interval: float, on_report) -> None:
        super().__init__(name="apex-reload-watcher", daemon=True)
        self.reloader = reloader
        self.interval = max(0.05, float(interval))
        self.on_report = on_report
        self.stopped = threading.Event()
        self._failed = None     # the changed files' stamps when a reload last failed

    def run(self) -> None:
        from .. import pause
        pause.mark_harness_thread()
        while not self.stopped.wait(self.interval):
            try:
                self.reloader.registry.scan()
                changed = self.reloader.registry.changed()
                if not changed:
                    continue
                stamps = [(t.path, register.stamp_of(t.path)) for t in changed]
                if stamps == self._failed:
                    continue    # still the broken version: report it once
                # Let an editor finish writing (save = truncate + write) before reading.
                time.sleep(min(0.05, self.interval))
                report = self.reloader.apply()
                self._failed = stamps if report.errors else None
                if report.modules or report.errors:
                    self.on_report(report)
            except Exception as exc:  # the watcher must never stop the program
                try:
                    sys.stderr.write("apex reload: watcher error: %s: %s\n"
                                     % (type(exc).__name__, exc))
                except Exception:
                    pass
