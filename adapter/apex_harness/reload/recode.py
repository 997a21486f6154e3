"""Put new code into live function objects, keeping their identity.

Every reference to a function (a module global, a bound method, a callback stored in
a registry, a ``from x import f`` in another module) points at the same function
object, so replacing ``__code__`` is what makes all of them see the new code at their
next call. Frames already running keep their code object: Python semantics, and the
reason restartFrame exists.
"""
from __future__ import annotations

import functools
import gc
import sys
import types

from . import codetools

#: How deep a ``__wrapped__`` chain is followed (decorators stacked on one function).
MAX_WRAPPERS = 16


class Refused(Exception):
    """This definition cannot be patched safely; the message says why."""


def unwrap(obj, code_name: str, filename: str):
    """The plain function a live object runs for a definition named ``code_name``.

    Follows staticmethod/classmethod (``__func__``) and ``functools.wraps`` chains
    (``__wrapped__``) to the innermost function compiled from ``filename``; None when
    ``obj`` is not (a wrapper of) such a function.
    """
    seen = 0
    while obj is not None and seen < MAX_WRAPPERS:
        seen += 1
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
            continue
        if isinstance(obj, types.FunctionType):
            code = code_of(obj)
            if code.co_name == code_name and _same_file(code.co_filename, filename):
                return obj
        if isinstance(obj, functools.partial):
            obj = obj.func
            continue
        obj = getattr(obj, "__wrapped__", None) if not isinstance(obj, type) else None
    return None


def code_of(function) -> types.CodeType:
    """The code a function really runs (behind a frame-restart trampoline, its impl's)."""
    restart = sys.modules.get(__package__ + ".restart")
    if restart is not None:
        function = restart.impl_of(function)
    return function.__code__


def _same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    import os
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


def closure_for(code: types.CodeType, old_function, owner=None):
    """Cells for ``code``'s free variables: the old function's cell of the same name,
    a cell holding ``owner`` for ``__class__`` (zero-argument super), else a new empty
    cell (reading it raises NameError, as an unassigned free variable does)."""
    if not code.co_freevars:
        return None
    old = {}
    if old_function is not None and old_function.__closure__:
        old = dict(zip(old_function.__code__.co_freevars, old_function.__closure__))
    cells = []
    for name in code.co_freevars:
        if name in old:
            cells.append(old[name])
        elif name == "__class__" and owner is not None:
            cells.append(types.CellType(owner))
        else:
            cells.append(types.CellType())
    return tuple(cells)


def rebuild(function, code: types.CodeType, owner=None) -> types.FunctionType:
    """A new function object for ``code`` carrying everything of ``function`` (for free
    variable changes, which ``__code__`` assignment cannot express)."""
    new = types.FunctionType(code, function.__globals__, function.__name__,
                             function.__defaults__, closure_for(code, function, owner))
    new.__kwdefaults__ = function.__kwdefaults__
    new.__qualname__ = function.__qualname__
    new.__module__ = function.__module__
    new.__doc__ = function.__doc__
    new.__dict__.update(function.__dict__)
    try:
        new.__annotations__ = dict(function.__annotations__)
    except AttributeError:
        pass
    return new


def set_code(function, code: types.CodeType) -> None:
    """``function.__code__ = code``, raising Refused when the free variables differ."""
    old = function.__code__
    if old.co_freevars != code.co_freevars:
        raise Refused("its free variables changed (%s -> %s); a live function's closure "
                      "cannot be replaced" % (", ".join(old.co_freevars) or "none",
                                              ", ".join(code.co_freevars) or "none"))
    function.__code__ = code


def patch_nested(old: types.CodeType, new: types.CodeType) -> tuple:
    """Give live inner functions (closures made by earlier calls of the outer function)
    the new code of their definition.

    Same free variables: ``__code__`` is replaced in place. Different free variables:
    a new function object with rebuilt cells replaces the old one where it is bound
    (``rebind_closure``). Returns ``(rebuilt, stale)``: ``rebuilt`` lists
    ``(name, note)`` for closures replaced by new objects, ``stale`` lists
    ``(name, reason)`` for closures that keep the old code.
    """
    rebuilt, stale = [], []
    old_nested = codetools.nested_codes(old)
    new_nested = codetools.nested_codes(new)
    for name, olds in old_nested.items():
        news = new_nested.get(name) or []
        if name.startswith("<") or len(news) != len(olds):
            continue
        for old_code, new_code in zip(olds, news):
            if codetools.same_logic(old_code, new_code):
                continue
            # Tuples, not lists: _rebind replaces the function in every list referring to it.
            live = tuple(f for f in gc.get_referrers(old_code)
                         if isinstance(f, types.FunctionType) and f.__code__ is old_code)
            siblings = _closures_by_cell() if any(
                old_code.co_freevars != new_code.co_freevars for _ in live[:1]) else {}
            for function in live:
                if old_code.co_freevars == new_code.co_freevars:
                    function.__code__ = new_code
                    continue
                try:
                    note = rebind_closure(function, new_code, siblings,
                                          _parent_of(old, old_code))
                except Refused as exc:
                    stale.append((name, str(exc)))
                else:
                    rebuilt.append((name, note))
    return rebuilt, stale


def _parent_of(outer: types.CodeType, inner: types.CodeType):
    """The code object (``outer`` or one nested in it) that defines ``inner``."""
    stack = [outer]
    while stack:
        current = stack.pop()
        consts = [c for c in current.co_consts if isinstance(c, types.CodeType)]
        if any(c is inner for c in consts):
            return current
        stack.extend(consts)
    return None


def _enclosing_frame(function, parent: types.CodeType):
    """A frame still running ``parent`` (on any thread) that made ``function``: every
    cell of the closure holds that frame's variable of the same name. With no cell to
    compare, only when exactly one such frame runs. None when none is known."""
    if parent is None:
        return None
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    candidates = []
    for top in sys._current_frames().values():
        frame = top
        while frame is not None:
            if frame.f_code is parent:
                candidates.append(frame)
            frame = frame.f_back
    matching = []
    for frame in candidates:
        values = frame.f_locals
        try:
            if all(name in values and values[name] is cell.cell_contents
                   for name, cell in cells.items()):
                matching.append(frame)
        except ValueError:       # an empty cell
            continue
    if len(matching) == 1 or (cells and matching):
        return matching[0]
    return None


def _closures_by_cell() -> dict:
    """id(cell) -> the live functions whose closure holds it (closures made by one call
    of an enclosing function share that call's cells)."""
    index = {}
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType) and obj.__closure__:
            for cell in obj.__closure__:
                index[id(cell)] = index.get(id(cell), ()) + (obj,)
    return index


def sibling_cells(function, siblings: dict) -> dict:
    """Cells by name of the call that made ``function``: its own, and those of every
    closure sharing one of its cells (made by the same call of the enclosing function)."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    for cell in list(cells.values()):
        for other in siblings.get(id(cell), ()):
            for name, other_cell in zip(other.__code__.co_freevars, other.__closure__ or ()):
                cells.setdefault(name, other_cell)
    return cells


def rebind_closure(function, code: types.CodeType, siblings: dict, parent=None) -> str:
    """Replace the live closure ``function`` by a new function running ``code`` whose
    free variables differ: cells are reused by name (its own, or a sibling closure's of
    the same enclosing call); a variable of an enclosing call still running (``parent``
    is its code) gets a new cell holding the variable's current value (a snapshot: that
    call runs its old code, which does not write to the new cell); a free variable none
    of these holds is refused (the enclosing call that would have set it has returned).
    The new function is rebound in every dict and list that held the old one; returns a
    note saying where, and which references could not be updated."""
    known = sibling_cells(function, siblings)
    missing = [n for n in code.co_freevars if n not in known]
    snapshots = []
    if missing:
        frame = _enclosing_frame(function, parent)
        values = frame.f_locals if frame is not None else {}
        for name in list(missing):
            if name in values:
                known[name] = types.CellType(values[name])
                snapshots.append(name)
                missing.remove(name)
    if missing:
        raise Refused("its new free variable%s %s %s local to the enclosing function, and "
                      "no live closure of the call that made it holds %s (that call has "
                      "returned): it keeps the old code"
                      % ("s" if len(missing) > 1 else "", ", ".join(missing),
                         "are" if len(missing) > 1 else "is",
                         "them" if len(missing) > 1 else "it"))
    closure = tuple(known[n] for n in code.co_freevars) or None
    fresh = types.FunctionType(code, function.__globals__, function.__name__,
                               function.__defaults__, closure)
    fresh.__kwdefaults__ = function.__kwdefaults__
    fresh.__qualname__ = function.__qualname__
    fresh.__module__ = function.__module__
    fresh.__doc__ = function.__doc__
    fresh.__dict__.update(function.__dict__)
    updated, missed = _rebind(function, fresh)
    note = "closure rebuilt (free variables %s -> %s): rebound in %d place%s" % (
        ", ".join(function.__code__.co_freevars) or "none",
        ", ".join(code.co_freevars) or "none", updated, "" if updated == 1 else "s")
    if snapshots:
        note += "; %s: value%s taken from the running %s call" % (
            ", ".join(snapshots), "s" if len(snapshots) > 1 else "", parent.co_name)
    if missed:
        note += "; not updated (still the old closure): " + ", ".join(sorted(set(missed)))
    return note


def _rebind(old, new) -> tuple:
    """Replace ``old`` by ``new`` in the dicts (module globals, class namespaces,
    instance attributes) and lists that refer to it. Returns (count, what was missed)."""
    updated, missed = 0, []
    for referrer in gc.get_referrers(old):
        if isinstance(referrer, types.FrameType) or referrer is new.__dict__:
            continue
        if isinstance(referrer, dict):
            keys = [k for k, v in referrer.items() if v is old]
            owner = _class_of_namespace(referrer)
            for key in keys:
                if owner is not None:
                    setattr(owner, key, new)     # through the type: keeps its caches right
                else:
                    referrer[key] = new
                updated += 1
        elif isinstance(referrer, list):
            for index, value in enumerate(referrer):
                if value is old:
                    referrer[index] = new
                    updated += 1
        elif isinstance(referrer, types.MethodType):
            missed.append("a bound method")
        elif not isinstance(referrer, type) and isinstance(getattr(referrer, "__dict__", None), dict):
            # An instance whose attributes live inline (3.11+): set them through it.
            keys = [k for k, v in vars(referrer).items() if v is old]
            for key in keys:
                setattr(referrer, key, new)
                updated += 1
            if not keys:
                missed.append("a " + type(referrer).__name__)
        elif isinstance(referrer, types.CellType):
            missed.append("a closure cell")
        else:
            missed.append("a " + type(referrer).__name__)
    return updated, missed


def _class_of_namespace(namespace: dict):
    """The class whose namespace this dict is (a class's attributes must be set through
    the class, so its method cache sees the change), else None."""
    for referrer in gc.get_referrers(namespace):
        if isinstance(referrer, type):
            return referrer
    return None
