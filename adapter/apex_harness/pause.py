"""Pausing the program's threads on request, and always resuming them.

A paused thread parks at its next line of Python (threads inside a long C call
park when they return to Python; the response lists them as ``pending``). Nothing
is installed while not paused, so the idle cost is zero.

* 3.12+: a ``sys.monitoring`` tool (its own tool id, so debugpy's id 0 keeps working).
* 3.9-3.11: a C-level trace function set per thread state through ctypes
  (``_PyEval_SetTrace``). A thread already traced by someone else (debugpy on 3.11)
  is left running and reported under ``skipped``, because replacing its tracer would
  break that debugger.
"""
from __future__ import annotations

import sys
import threading

_HARNESS_THREADS = set()
#: The main thread while the harness boots: the guard ignores it, but it is a program
#: thread for pausing (it parks at the program's first line).
_BOOT_THREADS = set()
_LOCK = threading.Lock()


class _State:
    """One pause at a time; ``running`` is set whenever threads may run."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.running.set()
        self.parked = set()
        self.backend = None
        self.parked_changed = threading.Condition(threading.Lock())


_STATE = _State()


def mark_harness_thread(ident=None) -> None:
    _HARNESS_THREADS.add(ident if ident is not None else threading.get_ident())


def unmark_harness_thread(ident=None) -> None:
    _HARNESS_THREADS.discard(ident if ident is not None else threading.get_ident())


def is_harness_thread(ident) -> bool:
    return ident in _HARNESS_THREADS


def is_paused() -> bool:
    return not _STATE.running.is_set()


import os as _os

#: Never park inside these: a thread stopped there could hold a lock the harness needs
#: (threading's registry lock, the import lock), and the harness would deadlock.
_NO_PARK = (_os.path.dirname(_os.path.abspath(__file__)), threading.__file__,
            "<frozen importlib", _os.path.join(_os.path.dirname(_os.__file__), "importlib"))


def _park(filename: str = "") -> None:
    """Called on a program thread while a pause is requested: wait for resume."""
    ident = threading.get_ident()
    if ident in _HARNESS_THREADS or _STATE.running.is_set():
        return
    if filename.startswith(_NO_PARK) or sys.is_finalizing():
        return           # never stop a thread that holds our locks, or a dying interpreter
    with _STATE.parked_changed:
        _STATE.parked.add(ident)
        _STATE.parked_changed.notify_all()
    try:
        _STATE.running.wait()
    finally:
        with _STATE.parked_changed:
            _STATE.parked.discard(ident)


class _MonitoringBackend:
    """3.12+: LINE and JUMP events on a tool id of our own, only while paused."""

    PREFERRED_IDS = (4, 3, 2, 1)

    def __init__(self) -> None:
        self.tool = None

    def install(self):
        mon = sys.monitoring
        for tool in self.PREFERRED_IDS:
            try:
                mon.use_tool_id(tool, "apex-pause")
            except ValueError:
                continue
            self.tool = tool
            break
        else:
            return {"error": "no free sys.monitoring tool id"}
        mon.register_callback(self.tool, mon.events.LINE,
                              lambda code, line: _park(code.co_filename))
        mon.register_callback(self.tool, mon.events.JUMP,
                              lambda code, src, dst: _park(code.co_filename))
        mon.set_events(self.tool, mon.events.LINE | mon.events.JUMP)
        return {"skipped": []}

    def uninstall(self) -> None:
        if self.tool is None:
            return
        mon = sys.monitoring
        mon.set_events(self.tool, 0)
        mon.register_callback(self.tool, mon.events.LINE, None)
        mon.register_callback(self.tool, mon.events.JUMP, None)
        mon.free_tool_id(self.tool)
        self.tool = None


class _CTraceBackend:
    """3.9-3.11: ``_PyEval_SetTrace`` on every other thread state, via ctypes."""

    def __init__(self) -> None:
        import ctypes

        self.ctypes = ctypes
        api = ctypes.pythonapi
        self.set_trace = api._PyEval_SetTrace
        self.set_trace.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        self.set_trace.restype = ctypes.c_int
        for name in ("PyInterpreterState_Get", "PyThreadState_Get"):
            getattr(api, name).restype = ctypes.c_void_p
        api.PyInterpreterState_ThreadHead.argtypes = [ctypes.c_void_p]
        api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
        api.PyThreadState_Next.argtypes = [ctypes.c_void_p]
        api.PyThreadState_Next.restype = ctypes.c_void_p
        self.api = api
        tracefunc = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_int, ctypes.c_void_p)
        self.callback = tracefunc(self._trace)
        self.traced = []

    @staticmethod
    def _trace(obj, frame, what, arg):
        try:
            _park(sys._getframe(1).f_code.co_filename)   # the traced frame
        except BaseException:  # never raise into the program's thread
            pass
        return 0

    def _traced_elsewhere(self):
        """Idents of threads that already run under someone else's Python tracer."""
        busy = set()
        for ident, frame in sys._current_frames().items():
            while frame is not None:
                if frame.f_trace is not None:
                    busy.add(ident)
                    break
                frame = frame.f_back
        return busy

    def install(self):
        api = self.api
        me = api.PyThreadState_Get()
        busy = self._traced_elsewhere() - _HARNESS_THREADS
        if busy:
            # We cannot tell thread states apart by ident without struct offsets,
            # so with any foreign tracer present we leave every thread alone.
            return {"error": "another tracer (a debugger?) is active; not pausing",
                    "skipped": sorted(busy)}
        ts = api.PyInterpreterState_ThreadHead(api.PyInterpreterState_Get())
        fn = self.ctypes.cast(self.callback, self.ctypes.c_void_p)
        while ts:
            if ts != me:
                self.set_trace(ts, fn, None)
                self.traced.append(ts)
            ts = api.PyThreadState_Next(ts)
        return {"skipped": []}

    def uninstall(self) -> None:
        # Thread states of threads that ended meanwhile are freed: only touch live ones.
        api = self.api
        live = set()
        ts = api.PyInterpreterState_ThreadHead(api.PyInterpreterState_Get())
        while ts:
            live.add(ts)
            ts = api.PyThreadState_Next(ts)
        for ts in self.traced:
            if ts in live:
                self.set_trace(ts, None, None)
        self.traced = []


def _new_backend():
    if hasattr(sys, "monitoring"):
        return _MonitoringBackend()
    return _CTraceBackend()


def _program_threads():
    # sys._current_frames takes no Python-level lock (threading.enumerate does, and a
    # thread parked in threading.py could hold it).
    return [ident for ident in sys._current_frames() if ident not in _HARNESS_THREADS]


def pause_all(timeout: float = 2.0) -> dict:
    """Ask every program thread to park; wait up to ``timeout`` for them to do so."""
    with _LOCK:
        if _STATE.backend is None:
            backend = _new_backend()
            _STATE.running.clear()
            try:
                result = backend.install()
            except Exception as exc:  # e.g. ctypes missing in a stripped interpreter
                result = {"error": "cannot pause: %s" % exc}
            if "error" in result:
                _STATE.running.set()
                backend.uninstall()
                return {"paused": False, "message": result["error"],
                        "skipped": result.get("skipped", [])}
            _STATE.backend = backend
    wanted = set(_program_threads())
    with _STATE.parked_changed:
        _STATE.parked_changed.wait_for(lambda: wanted <= _STATE.parked, timeout)
        parked = sorted(_STATE.parked)
    pending = sorted(set(_program_threads()) - set(parked))
    return {"paused": True, "parked": parked, "pending": pending, "skipped": []}


def resume_all() -> bool:
    """Release every parked thread. Safe to call at any time, from any thread."""
    with _LOCK:
        backend, _STATE.backend = _STATE.backend, None
        if backend is not None:
            try:
                backend.uninstall()
            except Exception:
                pass
        was_paused = not _STATE.running.is_set()
        _STATE.running.set()
    return was_paused
