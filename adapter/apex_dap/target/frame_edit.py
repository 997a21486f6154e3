"""Live state edits, run inside the target on the suspended thread (sent as source text).

The adapter installs this module into a paused target with one ``evaluate`` and then
calls :func:`edit` / :func:`undo` through ``evaluate`` on the thread that owns the frame,
so every write happens while that thread sits in the debugger's trace callback.

Why Apex does the write instead of debugpy's setVariable/setExpression: debugpy
assigns through ``exec`` in a copy of the frame's locals, which puts an edited global
into the frame's locals, loses ``globals()[...] = v``, and on 3.11/3.12 can lose edits to
frames other than the top one. Here:

* locals/cells of any frame: write ``frame.f_locals`` and, before 3.13, push it into the
  fast slots with ``PyFrame_LocalsToFast`` (3.13's f_locals writes through, PEP 667);
* globals: write ``frame.f_globals`` directly;
* attributes, dict and list items: ``setattr``/``__setitem__`` on the evaluated container.

Each edit keeps the previous value object (not its repr) so undo restores it exactly.
Standard library only, Python 3.9+.
"""
from __future__ import annotations

import ast
import json
import sys

_MISSING = object()
_REPR_LIMIT = 300
_journal = {}  # edit id -> (frame, kind, target, old value)


def _repr(value):
    if value is _MISSING:
        return "<unbound>"
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not break the edit
        text = "<repr failed: %s>" % type(exc).__name__
    return text if len(text) <= _REPR_LIMIT else text[:_REPR_LIMIT - 3] + "..."


def _find_frame(frame_id):
    # DAP frame ids are pydevd's own translation of id(frame).
    from _pydevd_bundle._debug_adapter.pydevd_base_schema import BaseSchema
    import pydevd
    frame_id = BaseSchema._translate_id_from_dap(frame_id)
    manager = pydevd.get_global_debugger().suspended_frames_manager
    for thread_id, tracker in list(manager._thread_id_to_tracker.items()):
        frame = tracker.find_frame(thread_id, frame_id)
        if frame is not None:
            return frame
    raise LookupError("frame %s is not suspended any more" % frame_id)


def _is_local_name(frame, name):
    if frame.f_locals is frame.f_globals:
        return False  # module level: its "locals" are the globals
    code = frame.f_code
    return name in code.co_varnames or name in code.co_cellvars or name in code.co_freevars


def _write_local(frame, name, value):
    if frame.f_locals is frame.f_globals:
        frame.f_globals[name] = value
        return
    if sys.version_info >= (3, 13):
        frame.f_locals[name] = value
        return
    import ctypes
    frame.f_locals[name] = value  # refreshes the snapshot dict from the fast slots first
    ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))


def _eval(frame, source):
    return eval(compile(source, "<apex edit>", "eval"), frame.f_globals, dict(frame.f_locals))


def _resolve(frame, kind, name, expression):
    """Return (kind, target) where target identifies the storage to write."""
    if kind == "global":
        return "global", name
    if kind == "local":
        if _is_local_name(frame, name):
            return "local", name
        if frame.f_locals is frame.f_globals or name in frame.f_globals:
            return "global", name
        return "local", name
    node = ast.parse(expression.strip(), mode="eval").body
    if isinstance(node, ast.Name):
        return _resolve(frame, "local", node.id, None)
    if isinstance(node, ast.Attribute):
        return "attribute", (_eval(frame, ast.unparse(node.value)), node.attr)
    if isinstance(node, ast.Subscript):
        container = node.value
        key = _eval(frame, ast.unparse(node.slice))
        if (isinstance(container, ast.Call) and isinstance(container.func, ast.Name)
                and container.func.id == "globals" and not container.args):
            return "global", key
        return "item", (_eval(frame, ast.unparse(container)), key)
    raise ValueError("cannot assign to %s: only names, attributes and items can be edited"
                     % expression)


def _read(frame, kind, target):
    try:
        if kind == "global":
            return frame.f_globals[target]
        if kind == "local":
            return frame.f_locals[target]
        if kind == "attribute":
            return getattr(target[0], target[1])
        return target[0][target[1]]
    except (KeyError, AttributeError, IndexError, NameError):
        return _MISSING


def _write(frame, kind, target, value):
    if kind == "global":
        if value is _MISSING:
            frame.f_globals.pop(target, None)
        else:
            frame.f_globals[target] = value
    elif kind == "local":
        if value is _MISSING:
            raise ValueError("the variable had no value before the edit; it cannot be unbound again")
        _write_local(frame, target, value)
    elif kind == "attribute":
        if value is _MISSING:
            delattr(target[0], target[1])
        else:
            setattr(target[0], target[1], value)
    else:
        if value is _MISSING:
            del target[0][target[1]]
        else:
            target[0][target[1]] = value


def _describe(kind, target):
    if kind in ("global", "local"):
        return "%s %s" % (kind, target)
    if kind == "attribute":
        return "attribute %s of %s" % (target[1], type(target[0]).__name__)
    return "item %s of %s" % (_repr(target[1]), type(target[0]).__name__)


def _frame_live(frame):
    for top in sys._current_frames().values():
        while top is not None:
            if top is frame:
                return True
            top = top.f_back
    return False


def edit(request_json):
    """Apply one edit; returns a JSON string (never raises into the debugger)."""
    try:
        request = json.loads(request_json)
        frame = _find_frame(request["frameId"])
        kind, target = _resolve(frame, request["kind"], request.get("name"), request.get("expression"))
        value = _eval(frame, request["value"])
        old = _read(frame, kind, target)
        _write(frame, kind, target, value)
        _journal[request["id"]] = (frame, kind, target, old)
        return json.dumps({"ok": True, "kind": kind, "target": _describe(kind, target),
                           "old": _repr(old), "new": _repr(value),
                           "type": type(value).__name__, "python": list(sys.version_info[:3])})
    except Exception as exc:
        return json.dumps({"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})


def undo(edit_id):
    try:
        if edit_id not in _journal:
            raise LookupError("edit %s is not known to the target" % edit_id)
        frame, kind, target, old = _journal[edit_id]
        if kind == "local" and not _frame_live(frame):
            raise LookupError("the frame of edit %s has returned" % edit_id)
        current = _read(frame, kind, target)
        _write(frame, kind, target, old)
        del _journal[edit_id]
        return json.dumps({"ok": True, "target": _describe(kind, target),
                           "old": _repr(current), "new": _repr(old)})
    except Exception as exc:
        return json.dumps({"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})
