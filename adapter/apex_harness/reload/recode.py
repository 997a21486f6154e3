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


def patch_nested(old: types.CodeType, new: types.CodeType) -> list:
    """Give live inner functions (closures made by earlier calls of the outer function)
    the new code of their definition. Returns the names whose closures stay stale."""
    stale = []
    old_nested = codetools.nested_codes(old)
    new_nested = codetools.nested_codes(new)
    for name, olds in old_nested.items():
        news = new_nested.get(name) or []
        if name.startswith("<") or len(news) != len(olds):
            continue
        for old_code, new_code in zip(olds, news):
            if codetools.same_logic(old_code, new_code):
                continue
            for referrer in gc.get_referrers(old_code):
                if isinstance(referrer, types.FunctionType) and referrer.__code__ is old_code:
                    try:
                        set_code(referrer, new_code)
                    except Refused:
                        stale.append(name)
    return sorted(set(stale))
