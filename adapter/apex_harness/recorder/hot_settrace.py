"""The recording hot path on Python 3.9–3.11: ``sys.settrace``, chained.

A second ``sys.settrace`` would silently replace debugpy's tracer (breakpoints would stop
hitting), so the recorder *wraps* whatever tracer is there: our global tracer calls the
previous one first and, for user frames, returns a local tracer that records the event
and then passes it on to the previous local tracer. When pydevd (debugpy) is loaded, its
``SetTrace``/``set_trace_to_threads`` are wrapped too, so every tracer it installs later
(new threads, breakpoint changes, stepping) is chained the same way.

Like hot_monitoring, this module is the replaceable part (``install(rec)``).
"""
from __future__ import annotations

import dis
import sys
import threading

from . import events as ev
from .values import IMMUTABLE, RAW_SCALARS, UNBOUND, snap

_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # GENERATOR | COROUTINE | ASYNC_GENERATOR
_YIELD_OPS = {dis.opmap[name] for name in ("YIELD_VALUE", "YIELD_FROM") if name in dis.opmap}
_MISSING = object()


def install(rec):
    store = rec.store
    by_id_get = rec.codes.by_id.get
    threads_get = rec.threads.get
    get_ident = threading.get_ident
    plans = rec.plans
    immutable = IMMUTABLE
    scalars = RAW_SCALARS
    unbound = UNBOUND
    missing = _MISSING
    new_thread = rec.new_thread
    classify = rec.classify
    limit = store.chunk_events
    state = {"chunk": store.current, "on": True}
    chunk = store.current
    events = chunk.events
    ev_append = events.append
    vals_extend = chunk.values.extend
    base = chunk.base

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
                v = loc.get(name, missing)
                if v is missing:
                    vals_extend((step, name, unbound))
                else:
                    vals_extend((step, name, v if type(v) in scalars else snap(v)))
            for name in candidates:
                v = loc.get(name, missing)
                if v is not missing and type(v) not in immutable:
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
        module_level = frame.f_code.co_name == "<module>"
        for name, v in list(frame.f_locals.items()):
            if module_level:
                if name.startswith("__") or type(v) in immutable and type(v) not in (int, float, str, bool):
                    continue
                name = ev.GLOBAL_PREFIX + name
            vals_extend((step, name, snap(v)))

    def sync(ts, record):
        stack = ts.stack
        if stack and stack[-1] is record:
            return True
        if record in stack:
            while stack[-1] is not record:
                gone = stack.pop()
                ev_append(ts.bits | ev.UNWIND | gone[0])
            return True
        return False

    def make_local(ts, record, lp):
        raised = False

        def local(frame, event, arg):
            nonlocal lp, raised
            if state["on"]:
                try:
                    if event == "line":
                        if not sync(ts, record):
                            ts.stack.append(record)
                            ev_append(ts.bits | ev.ENTER | record[0] | frame.f_code.co_firstlineno << 32)
                        if raised:
                            ev_append(ts.bits | ev.HANDLED | record[0])
                            raised = False
                        prev = record[1]
                        line = frame.f_lineno
                        record[1] = line
                        ev_append(ts.bits | record[0] | line << 32)
                        if prev:
                            entry = record[2].get(prev)
                            if entry is not None:
                                capture(frame, entry, base + len(events) - 1)
                        if len(events) >= limit:
                            roll()
                    elif event == "return":
                        if sync(ts, record):
                            ts.stack.pop()
                            if raised:
                                ev_append(ts.bits | ev.UNWIND | record[0])
                            else:
                                code = frame.f_code
                                yielded = code.co_flags & _GENERATOR_FLAGS and frame.f_lasti >= 0 \
                                    and code.co_code[frame.f_lasti] in _YIELD_OPS
                                ev_append(ts.bits | (ev.YIELD if yielded else ev.RETURN) | record[0])
                                vals_extend((base + len(events) - 1,
                                             ev.YIELD_KEY if yielded else ev.RETURN_KEY, snap(arg)))
                    elif event == "exception":
                        if sync(ts, record) and not raised:
                            raised = True
                            ev_append(ts.bits | ev.RAISE | record[0])
                            vals_extend((base + len(events) - 1, ev.EXCEPTION_KEY, snap(arg[1])))
                except Exception:  # never raise into the program
                    pass
            if lp is not None:
                lp = lp(frame, event, arg)
            return local

        return local

    def chain(prev):
        while getattr(prev, "_apex_chained", False):  # unwrap an earlier recording's chain
            prev = prev._apex_prev
        if prev is None:
            return global_trace_plain

        def global_trace(frame, event, arg):
            lp = prev(frame, event, arg)
            return start_frame(frame, lp)

        global_trace._apex_chained = True
        global_trace._apex_prev = prev
        return global_trace

    def start_frame(frame, lp):
        if not state["on"]:
            return lp
        try:
            return _start_frame(frame, lp)
        except Exception:  # never raise into the program
            return lp

    def _start_frame(frame, lp):
        code = frame.f_code
        idx = by_id_get(id(code))
        if idx is None:
            idx = classify(code)
        if idx < 0:
            return lp
        ts = threads_get(get_ident()) or new_thread()
        record = [idx << 12, 0, plans[idx], code]
        ts.stack.append(record)
        resumed = code.co_flags & _GENERATOR_FLAGS and frame.f_lasti > 0
        if resumed:
            ev_append(ts.bits | ev.RESUME | record[0])
        else:
            ev_append(ts.bits | ev.CALL | record[0] | code.co_firstlineno << 32)
            record.append(base + len(events) - 1)  # [4]: where the arguments are
        capture_all(frame, base + len(events) - 1)
        return make_local(ts, record, lp)

    def global_trace_plain(frame, event, arg):
        return start_frame(frame, None)

    global_trace_plain._apex_chained = True
    global_trace_plain._apex_prev = None

    original_settrace = sys.settrace
    patched = []
    pydevd_tracing = sys.modules.get("pydevd_tracing")
    if pydevd_tracing is not None:
        orig_set, orig_threads = pydevd_tracing.SetTrace, pydevd_tracing.set_trace_to_threads

        def SetTrace(tracing_func):
            return orig_set(chain(tracing_func) if tracing_func is not None else None)

        def set_trace_to_threads(tracing_func, *args, **kwargs):
            return orig_threads(chain(tracing_func), *args, **kwargs)

        pydevd_tracing.SetTrace = SetTrace
        pydevd_tracing.set_trace_to_threads = set_trace_to_threads
        patched.append((pydevd_tracing, "SetTrace", orig_set))
        patched.append((pydevd_tracing, "set_trace_to_threads", orig_threads))
        original_settrace = getattr(pydevd_tracing, "_original_settrace", sys.settrace)
    # Frames already running on this thread are picked up at their next line (done
    # before our tracer is set, so that our own calls here are not traced).
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        idx = by_id_get(id(code))
        if idx is None:
            idx = classify(code)
        if idx >= 0 and frame.f_trace is None:
            ts = threads_get(get_ident()) or new_thread()
            frame.f_trace = make_local(ts, [idx << 12, 0, plans[idx], code], None)
        frame = frame.f_back
    previous_thread_trace = threading._trace_hook if hasattr(threading, "_trace_hook") else None
    original_settrace(chain(sys.gettrace()))
    threading.settrace(chain(previous_thread_trace))

    def uninstall():
        state["on"] = False
        for module, name, fn in patched:
            setattr(module, name, fn)
        # A chained tracer stays (it now only passes events on to the debugger's);
        # ours alone is removed.
        if sys.gettrace() is global_trace_plain:
            original_settrace(None)
        threading.settrace(previous_thread_trace)

    return uninstall
