"""Definitions of a compiled module, by qualified name, and how two versions differ.

The diff works on code objects, not on the syntax tree: compiling the new source is
the one unavoidable cost of a reload, and everything the patcher needs to know
(which functions changed, which class bodies changed, what was added or removed) is
in the code objects the compiler already made. The syntax tree is parsed only for
the few things bytecode cannot give back (default values, decorators, class-level
statements), and then only for the definitions that need it.
"""
from __future__ import annotations

import types

CO_OPTIMIZED = 0x1
CO_GENERATOR = 0x20
CO_COROUTINE = 0x80
CO_ASYNC_GENERATOR = 0x200


class Definition:
    """One ``def`` or ``class`` of a module version: qualname, kind, code, children."""

    __slots__ = ("children", "code", "kind", "name", "qualname")

    def __init__(self, qualname: str, kind: str, code: types.CodeType) -> None:
        self.qualname = qualname
        self.name = code.co_name
        self.kind = kind            # "function" | "class"
        self.code = code
        #: name -> [Definition], in source order (a property's getter and setter share one)
        self.children = {}

    def __repr__(self) -> str:
        return "<%s %s line %d>" % (self.kind, self.qualname, self.code.co_firstlineno)


def is_class_body(code: types.CodeType) -> bool:
    return not code.co_flags & CO_OPTIMIZED


def is_generator(code: types.CodeType) -> bool:
    return bool(code.co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR))


def _named_children(code: types.CodeType):
    for const in code.co_consts:
        if isinstance(const, types.CodeType) and not const.co_name.startswith("<"):
            yield const


def definitions(module_code: types.CodeType) -> dict:
    """``name -> [Definition]`` for the module's top level, classes recursively."""
    return _collect(module_code, "")


def _collect(code: types.CodeType, prefix: str) -> dict:
    found = {}
    for child in _named_children(code):
        qualname = prefix + child.co_name
        if is_class_body(child):
            definition = Definition(qualname, "class", child)
            definition.children = _collect(child, qualname + ".")
        else:
            definition = Definition(qualname, "function", child)
        found.setdefault(child.co_name, []).append(definition)
    return found


def same_logic(a: types.CodeType, b: types.CodeType) -> bool:
    """True when two code objects behave the same (line numbers may differ)."""
    if a is b:
        return True
    if (a.co_code != b.co_code or a.co_names != b.co_names or a.co_varnames != b.co_varnames
            or a.co_freevars != b.co_freevars or a.co_cellvars != b.co_cellvars
            or a.co_flags != b.co_flags or a.co_argcount != b.co_argcount
            or a.co_kwonlyargcount != b.co_kwonlyargcount
            or a.co_posonlyargcount != b.co_posonlyargcount
            or len(a.co_consts) != len(b.co_consts)):
        return False
    if getattr(a, "co_exceptiontable", b"") != getattr(b, "co_exceptiontable", b""):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType) and isinstance(y, types.CodeType):
            if not same_logic(x, y):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def same_class_body(a: types.CodeType, b: types.CodeType) -> bool:
    """The class-level statements are the same (methods compared separately)."""
    if a.co_code != b.co_code or a.co_names != b.co_names \
            or len(a.co_consts) != len(b.co_consts):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType) and isinstance(y, types.CodeType):
            if x.co_name != y.co_name:
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def signature_shape(code: types.CodeType) -> tuple:
    count = code.co_argcount + code.co_kwonlyargcount
    return (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
            code.co_varnames[:count], code.co_flags & 0xC)


def nested_codes(code: types.CodeType) -> dict:
    """``co_name -> [code]`` of functions defined inside ``code`` (any depth)."""
    found = {}
    stack = [code]
    while stack:
        current = stack.pop()
        for const in current.co_consts:
            if isinstance(const, types.CodeType):
                found.setdefault(const.co_name, []).append(const)
                stack.append(const)
    return found


def last_line(code: types.CodeType) -> int:
    """The last source line a code object (with its nested code) covers."""
    last = code.co_firstlineno
    stack = [code]
    while stack:
        current = stack.pop()
        positions = getattr(current, "co_positions", None)
        if positions is not None:
            for _, end, _, _ in positions():
                if end is not None and end > last:
                    last = end
        else:
            import dis
            for _, line in dis.findlinestarts(current):
                if line is not None and line > last:
                    last = line
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return last
