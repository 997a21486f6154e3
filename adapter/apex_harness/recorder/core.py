"""The recorder: configuration, thread and code tables, start/stop, and fetch.

The hot path lives in ``hot_monitoring`` (3.12+) or ``hot_settrace`` (3.9–3.11); this
module does everything that is not per event. ``APEX_RECORDER_HOTPATH=module`` names a
replacement hot path (e.g. a compiled accelerator exposing the same ``install(rec)``).
"""
from __future__ import annotations

import base64
import importlib
from array import array
import os
import sys
import threading

from . import events as ev
from . import plan as plan_mod
from .scope import UserScope
from .store import DEFAULT_BUDGET, CodeTable, Store
from .values import to_wire

#: Tool ids tried in order on 3.12+ (0 is debugpy's; higher ids' callbacks run first,
#: so a line is recorded before debugpy stops on it).
TOOL_IDS = (4, 3, 2, 1)
DEFAULT_FETCH = 200000


class ThreadState:
    __slots__ = ("slot", "bits", "stack", "ident")

    def __init__(self, slot: int, ident: int) -> None:
        self.slot = slot
        self.bits = slot << 4
        self.stack = []
        self.ident = ident


def hot_path_module():
    name = os.environ.get("APEX_RECORDER_HOTPATH")
    if name:
        return importlib.import_module(name)
    if sys.version_info >= (3, 12):
        from . import hot_monitoring
        return hot_monitoring
    from . import hot_settrace
    return hot_settrace


class Recorder:
    def __init__(self, workspace=None, include=(), exclude=(), budget: int = DEFAULT_BUDGET,
                 chunk_events=None) -> None:
        self.scope = UserScope(workspace, include, exclude)
        self.store = Store(budget, **({"chunk_events": chunk_events} if chunk_events else {}))
        self.codes = CodeTable()
        self.plans = []          # code index -> capture plan
        self.threads = {}        # ident -> ThreadState
        self.slots = []          # slot -> [ident, last known name]
        self.tool_id = None
        self.backend = None
        self._uninstall = None
        self._lock = threading.RLock()

    # -- called from the hot path (rarely) ------------------------------------------------
    def classify(self, code) -> int:
        with self._lock:
            known = self.codes.by_id.get(id(code))
            if known is not None:
                return known
            user = self.scope.is_user(code.co_filename)
            index = self.codes.add(code, user)
            if index >= 0:
                self.plans.append(plan_mod.build(code))
            return index

    def new_thread(self) -> ThreadState:
        ident = threading.get_ident()
        with self._lock:
            ts = self.threads.get(ident)
            if ts is None:
                slot = min(len(self.slots), ev.MAX_SLOTS - 1)
                if slot == len(self.slots):
                    self.slots.append([ident, _thread_name(ident)])
                ts = self.threads[ident] = ThreadState(slot, ident)
            return ts

    def stack_snapshot(self) -> dict:
        return {ts.slot: [record[0] >> 12 for record in ts.stack]
                for ts in list(self.threads.values()) if ts.stack}

    # -- control ---------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._uninstall is not None

    def start(self) -> None:
        if self._uninstall is not None:
            return
        module = hot_path_module()
        if sys.version_info >= (3, 12) and module.__name__.endswith("hot_monitoring"):
            for tool in TOOL_IDS:
                if sys.monitoring.get_tool(tool) is None:
                    self.tool_id = tool
                    break
            else:
                raise RuntimeError("no free sys.monitoring tool id for the recorder")
        for ts in self.threads.values():
            ts.stack = []  # frames are re-entered (ENTER) at their next line
        self.backend = module.__name__.rsplit(".", 1)[-1]
        self._uninstall = module.install(self)
        _offer_arguments_to_restart(self)

    def stop(self) -> None:
        uninstall, self._uninstall = self._uninstall, None
        if uninstall is not None:
            uninstall()

    # -- reading ---------------------------------------------------------------------------
    def status(self) -> dict:
        store = self.store
        return {"recording": self.active, "backend": self.backend, "toolId": self.tool_id,
                "earliest": store.earliest, "end": store.end, "bytes": store.nbytes(),
                "budget": store.budget, "droppedSteps": store.dropped_steps,
                "codes": len(self.codes.rows), "threads": len(self.slots)}

    def fetch(self, start: int = 0, max_events: int = DEFAULT_FETCH, codes_known: int = 0) -> dict:
        """Events ``[start, start + max_events)`` (clipped to what is held), their values,
        the code rows from ``codes_known`` on, and the thread table."""
        chunks = self.store.chunks()
        earliest = chunks[0].base
        gap = start < earliest
        start = max(start, earliest)
        stop = start + max(1, int(max_events))
        parts, stacks = [], None
        value_steps, value_keys, values, key_table = array("q"), [], [], {}
        for chunk in chunks:
            events = chunk.events
            end = chunk.base + len(events)
            if end <= start or chunk.base >= stop:
                continue
            if stacks is None and start == chunk.base:
                stacks = chunk.stacks
            lo, hi = max(start, chunk.base), min(stop, end)
            parts.append(events[lo - chunk.base:hi - chunk.base].tobytes())
            flat = chunk.values
            n = len(flat) - len(flat) % 3
            i = _first_at_or_after(flat, n, lo)
            while i < n:
                step = flat[i]
                if step >= hi:
                    break
                key = flat[i + 1]
                index = key_table.get(key)
                if index is None:
                    index = key_table[key] = len(key_table)
                value_steps.append(step)
                value_keys.append(index)
                values.append(to_wire(flat[i + 2]))
                i += 3
        data = b"".join(parts)
        rows = self.codes.rows
        for slot in self.slots:
            name = _thread_name(slot[0])
            if name:
                slot[1] = name
        return {
            "earliest": earliest, "start": start, "end": start + len(data) // 8,
            "latest": self.store.end, "gap": gap,
            "events": base64.b64encode(data).decode("ascii"),
            # values in columns: steps (int64, base64), key indexes into keyTable, values
            "valueSteps": base64.b64encode(value_steps.tobytes()).decode("ascii"),
            "valueKeys": value_keys, "keyTable": list(key_table), "values": values,
            "codes": [list(r) for r in rows[codes_known:]], "codesFrom": codes_known,
            "threads": [[i, s[0], s[1]] for i, s in enumerate(self.slots)],
            "stacks": {str(k): v for k, v in (stacks or {}).items()},
        }


def recorded_arguments(rec, frame):
    """(args, kwargs) ``frame``'s function was called with, as recorded at its call:
    the objects themselves for immutable values, rebuilt lists/dicts/tuples from their
    snapshots when those are complete; None when any argument cannot be rebuilt."""
    from .values import Shallow, rebuild

    ts = rec.threads.get(threading.get_ident())
    if ts is None:
        return None
    for record in reversed(ts.stack):
        if record[3] is frame.f_code:
            break
    else:
        return None
    step = record[4] if len(record) > 4 else None
    if step is None:
        return None
    captured = {}
    for chunk in rec.store.chunks():
        flat = chunk.values
        i = _first_at_or_after(flat, len(flat) - len(flat) % 3, step)
        while i + 2 < len(flat) and flat[i] == step:
            captured[flat[i + 1]] = flat[i + 2]
            i += 3
    code = frame.f_code
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    args, kwargs = [], {}
    for index, name in enumerate(names):
        if name not in captured:
            return None
        try:
            value = rebuild(captured[name])
        except ValueError:
            return None
        if index < code.co_argcount:
            args.append(value)
        else:
            kwargs[name] = value
    return tuple(args), kwargs


def _offer_arguments_to_restart(rec) -> None:
    restart = sys.modules.get("apex_harness.reload.restart")
    if restart is not None and hasattr(restart, "set_argument_source"):
        restart.set_argument_source(lambda frame: recorded_arguments(rec, frame))


def _first_at_or_after(flat, n, step) -> int:
    lo, hi = 0, n // 3
    while lo < hi:
        mid = (lo + hi) // 2
        if flat[mid * 3] < step:
            lo = mid + 1
        else:
            hi = mid
    return lo * 3


def _thread_name(ident):
    thread = threading._active.get(ident)
    return thread.name if thread is not None else None
