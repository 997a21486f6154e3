"""The harness requests of hot reload (the adapter gates and audits them first).

* ``reload.enable {roots: [dir...], restart?: bool}``: track the workspace's modules
  from now on (their source is the baseline of the next reload); ``restart`` also
  prepares frame restart (see ``restart.py``).
* ``reload.apply {paths?: [file...], rerun?: bool}``: reload the given files, or every
  tracked file changed since the last reload. Replies with the report.
* ``reload.status``: tracked modules, which changed, whether restart is prepared.
* ``reload.watch {roots?: [...], interval?: s}``: poll and apply by itself
  (``apex run --reload``); each reload is announced as a ``reload`` event and on stderr.
"""
from __future__ import annotations

import sys

from .. import handlers
from . import service


def _roots(arguments):
    roots = arguments.get("roots") or []
    if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
        raise handlers.HandlerError("roots must be a list of directories", "bad_arguments")
    return roots


@handlers.register("reload.enable")
def enable(arguments, session):
    reloader = service.reloader(_roots(arguments))
    reason = None
    if arguments.get("restart"):
        from . import restart
        try:
            restart.enable(reloader)
        except restart.Unsupported as exc:
            reason = str(exc)
    body = reloader.status()
    if reason:
        body["restartReason"] = reason
    return body


@handlers.register("reload.apply")
def apply(arguments, session):
    paths = arguments.get("paths")
    if paths is not None and (not isinstance(paths, list)
                              or not all(isinstance(p, str) for p in paths)):
        raise handlers.HandlerError("paths must be a list of file paths", "bad_arguments")
    report = service.reloader(_roots(arguments)).apply(paths or None,
                                                      rerun=bool(arguments.get("rerun")))
    return report.to_wire()


@handlers.register("reload.status")
def status(arguments, session):
    return service.reloader(_roots(arguments)).status()


_watchers = []


@handlers.register("reload.watch")
def watch(arguments, session):
    reloader = service.reloader(_roots(arguments))
    if _watchers and _watchers[0].is_alive():
        return {"watching": True, "interval": _watchers[0].interval, **reloader.status()}

    def announce(report):
        for line in report.lines():
            try:
                sys.stderr.write("apex: %s\n" % line)
                sys.stderr.flush()
            except Exception:
                pass
        from .. import emit
        emit("reload", report.to_wire())

    watcher = service.Watcher(reloader, arguments.get("interval") or 0.5, announce)
    _watchers[:] = [watcher]
    watcher.start()
    return {"watching": True, "interval": watcher.interval, **reloader.status()}
