"""Capturing values safely: never run the program's code, always bounded.

Two forms are kept in the history:

* **raw** — immutable builtin scalars (``int``, ``float``, ``bool``, ``None``,
  ``complex``, short ``str``/``bytes``, tuples of those) are kept as the object itself:
  they cannot change, so holding a reference is an exact snapshot, and costs nothing at
  capture time. They are rendered by :func:`to_wire` when the adapter fetches them.
* **node** — everything else is rendered *now*, into a list
  ``[type_name, repr_text, children, flags]`` where ``children`` is ``None`` or a list of
  ``[label, node]`` and ``flags`` has ``TRUNCATED`` set when items, depth or text were
  cut. Builtin containers (``list``/``dict``/``set``/``tuple``/``frozenset``/
  ``bytearray``/``deque``) are walked through their C-level methods (never a subclass
  override); other objects show their class and the entries of their instance
  ``__dict__``. ``repr()`` is only called on types whose ``__repr__`` is a known
  side-effect-free one (builtins and a list of stdlib types); a user ``__repr__`` is
  never called.

Fidelity limits are documented in docs/time-travel.md.
"""
from __future__ import annotations

import sys
import types

MAX_ITEMS = 24       # children shown per container
MAX_DEPTH = 3        # levels of nested containers
MAX_TEXT = 160       # characters of one repr
MAX_RAW_STR = 200    # longer strings are stored truncated (as nodes)
MAX_INT_BITS = 2048  # larger ints are summarised (int -> str is quadratic)
TRUNCATED = 1
UNBOUND_FLAG = 2

_NONE = type(None)
#: Exact types stored as the object itself (immutable, repr is builtin and cheap).
RAW_SCALARS = frozenset((int, float, bool, _NONE, complex))
#: Exact types a line can never mutate in place: skipped as mutation candidates.
IMMUTABLE = frozenset((int, float, bool, _NONE, complex, str, bytes, tuple, frozenset, range,
                       types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                       types.ModuleType, type, types.BuiltinMethodType, type(len.__call__),
                       staticmethod, classmethod, property))

#: Marker stored when a name a line wrote is no longer bound (``del x``).
UNBOUND = ["<unbound>", "<unbound>", None, UNBOUND_FLAG]


def _safe_reprs():
    funcs = set()
    for mod, names in (("decimal", ("Decimal",)), ("fractions", ("Fraction",)),
                       ("datetime", ("date", "datetime", "time", "timedelta", "timezone")),
                       ("uuid", ("UUID",)), ("pathlib", ("PurePath",))):
        module = sys.modules.get(mod)
        for name in names:
            cls = getattr(module, name, None) if module is not None else None
            if cls is not None:
                funcs.add(cls.__repr__)
    funcs.add(BaseException.__repr__)
    enum = sys.modules.get("enum")
    if enum is not None:
        funcs.add(enum.Enum.__repr__)
    return funcs


def _type_name(t) -> str:
    try:
        module = type.__getattribute__(t, "__module__")
        name = type.__getattribute__(t, "__qualname__")
    except Exception:
        return "?"
    if module in ("builtins", None) or not isinstance(module, str):
        return name if isinstance(name, str) else "?"
    return "%s.%s" % (module, name)


def _cut(text: str):
    if len(text) > MAX_TEXT:
        return text[:MAX_TEXT] + "…", TRUNCATED
    return text, 0


def _scalar_text(v, t):
    """repr of a builtin scalar, bounded; (text, flags)."""
    if t is int or t is bool:
        if t is int and v.bit_length() > MAX_INT_BITS:
            return "<int of %d bits>" % v.bit_length(), TRUNCATED
        return _cut(int.__repr__(v) if t is int else repr(v))
    if t is str:
        if len(v) > MAX_TEXT:
            return str.__repr__(v[:MAX_TEXT]) + "…", TRUNCATED
        return str.__repr__(v), 0
    if t is bytes:
        if len(v) > MAX_TEXT:
            return bytes.__repr__(v[:MAX_TEXT]) + "…", TRUNCATED
        return bytes.__repr__(v), 0
    return _cut(repr(v))


class Shallow:
    """A container or object captured cheaply: its type, size and (bounded) items, each
    item itself captured (raw, Shallow or node). Rendered to a node only when fetched."""

    __slots__ = ("type", "size", "items", "flags")

    def __init__(self, t, size, items, flags):
        self.type = t
        self.size = size
        self.items = items   # list of values, or of (key, value) pairs for dict/object
        self.flags = flags


def _raw(x) -> bool:
    t = type(x)
    return t in RAW_SCALARS or ((t is str or t is bytes) and len(x) <= MAX_RAW_STR)


def snap(v, depth: int = 0):
    """The history form of ``v``: the object itself when immutable, else a Shallow
    capture (builtin containers, plain objects) or a node (everything else)."""
    t = type(v)
    if t in RAW_SCALARS:  # immutable: held as is (a huge int is summarised when fetched)
        return v
    if t is str or t is bytes:
        return v if len(v) <= MAX_RAW_STR else encode(v)
    try:
        if t is list or t is tuple:
            items = v[:MAX_ITEMS]
            if t is tuple:
                if len(v) <= MAX_ITEMS and all(_raw(x) for x in v):
                    return v
                items = list(items)
            if depth >= MAX_DEPTH:
                return encode(v, MAX_DEPTH)
            for i, x in enumerate(items):
                if not _raw(x):
                    items[i] = snap(x, depth + 1)
            return Shallow(t, len(v), items, 0)
        if t is dict:
            if depth >= MAX_DEPTH:
                return encode(v, MAX_DEPTH)
            items = []
            for k, x in dict.items(v):
                if len(items) >= MAX_ITEMS:
                    break
                items.append((k if _raw(k) else snap(k, MAX_DEPTH), x if _raw(x) else snap(x, depth + 1)))
            return Shallow(t, dict.__len__(v), items, 0)
    except Exception:
        return encode(v)
    return encode(v, depth)


def rebuild(v):
    """A live object equal to a captured value; ValueError when it was not captured whole."""
    if type(v) is list:
        raise ValueError("only a description was recorded")
    if type(v) is not Shallow:
        return v
    if v.flags or v.size > len(v.items):
        raise ValueError("the value was truncated")
    if v.type is dict:
        return {rebuild(k): rebuild(x) for k, x in v.items}
    items = [rebuild(x) for x in v.items]
    return items if v.type is list else tuple(items)


def render(v, depth: int = 0):
    """A Shallow (or raw value, or node) as a node."""
    if type(v) is list:
        return v
    if type(v) is not Shallow:
        return _Encoder().node(v, depth)
    t = v.type
    name = _type_name(t)
    children, parts = [], []
    flags = v.flags | (TRUNCATED if v.size > len(v.items) else 0)
    if t is dict:
        for k, x in v.items:
            child = render(x, depth + 1)
            label = render(k, MAX_DEPTH)[1]
            flags |= child[3] & TRUNCATED
            parts.append("%s: %s" % (label, child[1]))
            children.append([label, child])
        text = "{" + ", ".join(parts) + (", …" if v.size > len(v.items) else "") + "}"
    else:
        for i, x in enumerate(v.items):
            child = render(x, depth + 1)
            flags |= child[3] & TRUNCATED
            parts.append(child[1])
            children.append(["[%d]" % i, child])
        body = ", ".join(parts) + (", …" if v.size > len(v.items) else "")
        text = "[" + body + "]" if t is list else "(" + body + ("," if v.size == 1 else "") + ")"
    text, cut = _cut(text)
    return [name, text, children, flags | cut]


class _Encoder:
    """One bounded walk; ``seen`` breaks reference cycles."""

    __slots__ = ("seen", "safe")

    def __init__(self):
        self.seen = set()
        self.safe = None

    def node(self, v, depth):
        t = type(v)
        if t in RAW_SCALARS or t is str or t is bytes:
            text, flags = _scalar_text(v, t)
            return [_type_name(t), text, None, flags]
        key = id(v)
        if key in self.seen:
            return [_type_name(t), "<cycle>", None, 0]
        try:
            if t is list or t is tuple or t is set or t is frozenset or t is dict \
                    or t is bytearray or _is_deque(t):
                self.seen.add(key)
                try:
                    return self.container(v, t, depth)
                finally:
                    self.seen.discard(key)
            return self.other(v, t, depth)
        except Exception as exc:  # a value that cannot even be walked: say so
            return [_type_name(t), "<unreadable: %s>" % type(exc).__name__, None, TRUNCATED]

    def container(self, v, t, depth):
        name = _type_name(t)
        if t is bytearray:
            text, flags = _cut(bytearray.__repr__(v))
            return [name, text, None, flags]
        if t is dict:
            size = dict.__len__(v)
            items = []
            for i, (k, item) in enumerate(dict.items(v)):
                if i >= MAX_ITEMS:
                    break
                items.append((k, item))
        else:
            size = len(v) if t in (list, tuple, set, frozenset) else v.__len__()
            items = []
            iterator = list.__iter__(v) if t is list else (tuple.__iter__(v) if t is tuple else iter(v))
            for i, item in enumerate(iterator):
                if i >= MAX_ITEMS:
                    break
                items.append((i, item))
            if t is set or t is frozenset:
                items = [(None, item) for _, item in items]
        flags = TRUNCATED if size > len(items) else 0
        if depth >= MAX_DEPTH:
            return [name, "<%s of %d>" % (name, size), None, TRUNCATED if size else 0]
        children = []
        parts = []
        for k, item in items:
            child = self.node(item, depth + 1)
            flags |= child[3] & TRUNCATED
            if t is dict:
                label = self.node(k, MAX_DEPTH)[1]
                parts.append("%s: %s" % (label, child[1]))
            else:
                label = "[%d]" % k if k is not None else "{%d}" % len(children)
                parts.append(child[1])
            children.append([label, child])
        more = ", …" if size > len(items) else ""
        body = ", ".join(parts) + more
        if t is list:
            text = "[" + body + "]"
        elif t is tuple:
            text = "(" + body + ("," if size == 1 else "") + ")"
        elif t is dict:
            text = "{" + body + "}"
        elif t is set:
            text = "{" + body + "}" if size else "set()"
        else:
            text = "%s([%s])" % (name, body)
        text, cut = _cut(text)
        return [name, text, children, flags | cut]

    def other(self, v, t, depth):
        name = _type_name(t)
        if self.safe is None:
            self.safe = _safe_reprs()
        if t is type:
            return [name, "<class %s>" % _type_name(v), None, 0]
        if t in (types.FunctionType, types.BuiltinFunctionType, types.MethodType):
            qual = getattr(v, "__qualname__", "?")
            return [name, "<function %s>" % (qual if isinstance(qual, str) else "?"), None, 0]
        if t is types.ModuleType:
            mname = v.__dict__.get("__name__", "?")
            return [name, "<module %s>" % mname, None, 0]
        if t is range:
            text, flags = _cut(repr(v))
            return [name, text, None, flags]
        try:
            rep = type.__getattribute__(t, "__repr__")
        except Exception:
            rep = None
        if rep in self.safe:
            text, flags = _cut(rep(v))
            return [name, text, None, flags]
        try:
            attrs = object.__getattribute__(v, "__dict__")
        except Exception:
            attrs = None
        text = "<%s object>" % name
        if type(attrs) is not dict or depth >= MAX_DEPTH:
            return [name, text, None, TRUNCATED if type(attrs) is dict and attrs else 0]
        key = id(v)
        self.seen.add(key)
        try:
            children = []
            flags = 0
            for i, (k, item) in enumerate(dict.items(attrs)):
                if i >= MAX_ITEMS:
                    flags |= TRUNCATED
                    break
                child = self.node(item, depth + 1)
                flags |= child[3] & TRUNCATED
                children.append([k if type(k) is str else "?", child])
        finally:
            self.seen.discard(key)
        return [name, text, children, flags]


def _is_deque(t) -> bool:
    collections = sys.modules.get("collections")
    return collections is not None and t is collections.deque


def encode(v, depth: int = 0):
    """A bounded node for any value (see the module docstring)."""
    return _Encoder().node(v, depth)


_WIRE_RAW = frozenset((bool, _NONE))


def to_wire(v):
    """A history value as sent to the adapter: JSON-native scalars (int within 64 bits,
    finite float, short str, bool, None) as themselves, everything else as a node."""
    t = type(v)
    if t in _WIRE_RAW:
        return v
    if t is float:
        return v if v - v == 0.0 else [_type_name(t), float.__repr__(v), None, 0]
    if t is int:
        return v if -(1 << 63) <= v < (1 << 63) else render(v)
    if t is str:
        return v if len(v) <= MAX_TEXT else render(v)
    if t is list:  # already a node
        return v
    return render(v)
