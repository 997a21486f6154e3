"""Execution recording for time travel (runs inside the target; standard library only).

Harness requests (registered on import, see ``apex_harness.handlers``):

* ``recorder.start {workspace?, include?, exclude?, budgetBytes?}`` — start recording (or
  resume a paused recording, keeping its history);
* ``recorder.stop`` — stop recording; the history stays available;
* ``recorder.status`` — steps held, bytes, budget, backend;
* ``recorder.fetch {start, maxEvents?, codesKnown?}`` — a page of history for the adapter.

In-process use (tests, benchmarks)::

    from apex_harness.recorder import Recorder
    rec = Recorder(workspace="/path/to/project"); rec.start(); ...; rec.stop()
"""
from __future__ import annotations

from .. import handlers
from .core import Recorder

__all__ = ["Recorder", "active", "start", "stop"]

_ACTIVE = []  # the process's recorder, if any (one per process)


def active():
    return _ACTIVE[0] if _ACTIVE else None


def start(workspace=None, include=(), exclude=(), budget=None) -> Recorder:
    rec = active()
    if rec is None:
        kwargs = {"budget": int(budget)} if budget else {}
        rec = Recorder(workspace, include, exclude, **kwargs)
        _ACTIVE.append(rec)
    rec.start()
    return rec


def stop() -> None:
    rec = active()
    if rec is not None:
        rec.stop()


def _strings(value, what):
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise handlers.HandlerError("%s must be a list of strings" % what, "bad_arguments")
    return tuple(value)


@handlers.register("recorder.start")
def _start(arguments, session):
    budget = arguments.get("budgetBytes")
    if budget is not None and (not isinstance(budget, int) or budget <= 0):
        raise handlers.HandlerError("budgetBytes must be a positive integer", "bad_arguments")
    try:
        rec = start(arguments.get("workspace"), _strings(arguments.get("include"), "include"),
                    _strings(arguments.get("exclude"), "exclude"), budget)
    except RuntimeError as exc:
        raise handlers.HandlerError(str(exc), "unavailable")
    return rec.status()


@handlers.register("recorder.stop")
def _stop(arguments, session):
    stop()
    rec = active()
    return rec.status() if rec is not None else {"recording": False}


@handlers.register("recorder.status")
def _status(arguments, session):
    rec = active()
    return rec.status() if rec is not None else {"recording": False, "end": 0, "earliest": 0}


@handlers.register("recorder.fetch")
def _fetch(arguments, session):
    rec = active()
    if rec is None:
        raise handlers.HandlerError("nothing has been recorded in this process", "no_recording")
    start_step = arguments.get("start", 0)
    limit = arguments.get("maxEvents", 200000)
    known = arguments.get("codesKnown", 0)
    if not all(isinstance(v, int) and v >= 0 for v in (start_step, limit, known)):
        raise handlers.HandlerError("start, maxEvents and codesKnown must be integers >= 0",
                                    "bad_arguments")
    return rec.fetch(start_step, min(limit, 1000000) or 1, known)
