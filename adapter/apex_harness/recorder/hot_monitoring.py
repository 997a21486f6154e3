"""The recording hot path on Python 3.12+: ``sys.monitoring`` callbacks.

``install(rec)`` registers the callbacks under the recorder's own tool id and returns
the function that removes them. Only ``PY_START`` is enabled globally, to discover code
objects: user code gets ``LINE``/``PY_RETURN``/``PY_YIELD``/``PY_RESUME`` enabled *locally*
(``set_local_events``) and everything else answers ``DISABLE``. Exceptions (``RAISE``,
``EXCEPTION_HANDLED``, ``PY_UNWIND``) can only be enabled globally; their callbacks return
at once for code that is not the user's.

Robustness: decisions are cached by ``id(code)`` with the code object kept alive by the
code table (no rehashing of code objects, no id reuse), so when debugpy's
``restart_events()`` or the 3.12.1 ``DISABLE`` bug re-arms a disabled ``PY_START``, the
callback answers ``DISABLE`` again after one dictionary lookup.

This module is the replaceable part: a compiled accelerator providing ``install(rec)``
with the same effect on ``rec.store``/``rec.codes``/``rec.threads`` can stand in for it
(see ``core.hot_path_module``).
"""
from __future__ import annotations

import sys
import threading

from . import events as ev
from .values import IMMUTABLE, RAW_SCALARS, UNBOUND, snap

_MISSING = object()


def _guarded(fn):
    """A callback that can never raise into the program (rare events only: the two
    hottest callbacks carry their own try blocks, free until something fails)."""
    def callback(*args):
        try:
            return fn(*args)
        except Exception:
            return None
    return callback


def install(rec):
    mon = sys.monitoring
    E = mon.events
    DISABLE = mon.DISABLE
    tool = rec.tool_id
    local_events = E.LINE | E.PY_RETURN | E.PY_YIELD | E.PY_RESUME
    store = rec.store
    by_id = rec.codes.by_id
    by_id_get = by_id.get
    threads = rec.threads
    threads_get = threads.get
    get_ident = threading.get_ident
    getframe = sys._getframe
    chunk = store.current
    events = chunk.events
    ev_append = events.append
    vals_extend = chunk.values.extend
    base = chunk.base
    limit = store.chunk_events
    plans = rec.plans
    immutable = IMMUTABLE
    scalars = RAW_SCALARS
    unbound = UNBOUND
    missing = _MISSING
    new_thread = rec.new_thread
    classify = rec.classify

    def roll():
        nonlocal chunk, events, ev_append, vals_extend, base
        chunk = store.roll(rec.stack_snapshot())
        events = chunk.events
        ev_append = events.append
        vals_extend = chunk.values.extend
        base = chunk.base

    def capture(frame, entry, step):
        stores, pairs, candidates = entry
        if stores or candidates:
            loc = frame.f_locals
            for name in stores:
                try:
                    v = loc[name]
                except KeyError:
                    vals_extend((step, name, unbound))
                    continue
                vals_extend((step, name, v if type(v) in scalars else snap(v)))
            for name in candidates:
                try:
                    v = loc[name]
                except KeyError:
                    continue
                if type(v) not in immutable:
                    vals_extend((step, name, snap(v)))
        if pairs:
            glob = frame.f_globals
            for name, key, is_store in pairs:
                v = glob.get(name, missing)
                if v is missing:
                    if is_store:
                        vals_extend((step, key, unbound))
                elif is_store or type(v) not in immutable:
                    vals_extend((step, key, snap(v)))

    def capture_all(frame, step):
        try:
            items = list(frame.f_locals.items())
        except Exception:
            return
        module_level = frame.f_code.co_name == "<module>"
        for name, v in items:
            if module_level:
                if name.startswith("__") or type(v) in immutable and type(v) not in (int, float, str, bool):
                    continue
                name = ev.GLOBAL_PREFIX + name
            vals_extend((step, name, snap(v)))

    def enter(ts, code, idx, kind):
        """Push a frame record: [code bits, previous line, plan, code]."""
        record = [idx << 12, 0, plans[idx], code]
        ts.stack.append(record)
        return record

    def resync(ts, code, frame):
        """The frame running ``code`` is not on top of our stack: pop down to it, or
        push it as ENTER (it was running before recording started or resumed)."""
        stack = ts.stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][3] is code:
                while len(stack) > i + 1:
                    gone = stack.pop()
                    ev_append(ts.bits | ev.UNWIND | gone[0])
                return stack[i]
        idx = by_id_get(id(code))
        if idx is None or idx < 0:
            return None
        record = enter(ts, code, idx, ev.ENTER)
        ev_append(ts.bits | ev.ENTER | record[0] | code.co_firstlineno << 32)
        if frame is not None:
            capture_all(frame, base + len(events) - 1)
        return record

    def on_start(code, offset):
        try:
            idx = by_id_get(id(code))
            if idx is None:
                idx = classify(code)
                if idx >= 0:
                    mon.set_local_events(tool, code, local_events)
            if idx < 0:
                return DISABLE
            ts = threads_get(get_ident()) or new_thread()
            record = enter(ts, code, idx, ev.CALL)
            ev_append(ts.bits | ev.CALL | record[0] | code.co_firstlineno << 32)
            step = base + len(events) - 1
            record.append(step)  # [4]: where the arguments are (restartFrame)
            capture_all(getframe(1), step)
            if len(events) >= limit:
                roll()
        except Exception:  # never raise into the program
            return None

    def on_resume(code, offset):
        idx = by_id_get(id(code))
        if idx is None or idx < 0:
            return DISABLE
        ts = threads_get(get_ident()) or new_thread()
        record = enter(ts, code, idx, ev.RESUME)
        ev_append(ts.bits | ev.RESUME | record[0])
        capture_all(getframe(1), base + len(events) - 1)

    def on_line(code, line):
        try:
            ts = threads_get(get_ident())
            if ts is None:
                ts = new_thread()
            stack = ts.stack
            top = stack[-1] if stack else None
            if top is None or top[3] is not code:
                top = resync(ts, code, getframe(1))
                if top is None:
                    return DISABLE
            prev = top[1]
            top[1] = line
            ev_append(ts.bits | top[0] | line << 32)
            if prev:
                entry = top[2].get(prev)
                if entry is not None:
                    capture(getframe(1), entry, base + len(events) - 1)
            if len(events) >= limit:
                roll()
        except Exception:  # never raise into the program
            return None

    def leave(code, kind, key, value):
        ts = threads_get(get_ident())
        if ts is None:
            return
        stack = ts.stack
        if not stack or stack[-1][3] is not code:
            if resync(ts, code, None) is None:
                return
        record = stack.pop()
        ev_append(ts.bits | kind | record[0])
        if key is not None:
            vals_extend((base + len(events) - 1, key, snap(value)))

    def on_return(code, offset, value):
        leave(code, ev.RETURN, ev.RETURN_KEY, value)

    def on_yield(code, offset, value):
        leave(code, ev.YIELD, ev.YIELD_KEY, value)

    def on_unwind(code, offset, exc):
        idx = by_id_get(id(code))
        if idx is not None and idx >= 0:
            leave(code, ev.UNWIND, None, None)

    def on_exception(kind):
        def callback(code, offset, exc):
            idx = by_id_get(id(code))
            if idx is None or idx < 0:
                return
            ts = threads_get(get_ident())
            if ts is None or not ts.stack:
                return
            top = ts.stack[-1]
            if top[3] is not code:
                return
            ev_append(ts.bits | kind | top[0])
            if kind == ev.RAISE:
                vals_extend((base + len(events) - 1, ev.EXCEPTION_KEY, snap(exc)))
        return callback

    mon.use_tool_id(tool, "apex-recorder")
    callbacks = {
        E.PY_START: on_start, E.PY_RESUME: on_resume, E.LINE: on_line,
        E.PY_RETURN: on_return, E.PY_YIELD: on_yield, E.PY_UNWIND: on_unwind,
        E.RAISE: on_exception(ev.RAISE), E.EXCEPTION_HANDLED: on_exception(ev.HANDLED),
    }
    for event, fn in callbacks.items():
        if fn is not on_line and fn is not on_start:
            fn = _guarded(fn)
        mon.register_callback(tool, event, fn)
    mon.set_events(tool, E.PY_START | E.PY_UNWIND | E.RAISE | E.EXCEPTION_HANDLED)
    # Code already running (the frames that started us) gets local events too, so
    # recording started mid-program picks up those frames at their next line.
    for frame in sys._current_frames().values():
        while frame is not None:
            code = frame.f_code
            idx = by_id_get(id(code))
            if idx is None:
                idx = classify(code)
            if idx >= 0:
                mon.set_local_events(tool, code, local_events)
            frame = frame.f_back

    def uninstall():
        try:
            mon.set_events(tool, 0)
            for code in rec.codes.codes:
                if by_id_get(id(code), -1) >= 0:
                    mon.set_local_events(tool, code, 0)
            for event in callbacks:
                mon.register_callback(tool, event, None)
        finally:
            mon.free_tool_id(tool)

    def current_chunk():
        return chunk

    rec.current_chunk = current_chunk
    return uninstall
