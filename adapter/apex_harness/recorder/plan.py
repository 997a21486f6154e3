"""Which names to snapshot after each line, read once per code object from its bytecode.

After a line runs, the recorder snapshots (at the next line event of the frame):

* every name the line binds or deletes (``STORE_*``/``DELETE_*``), whatever its type;
* every name the line *loads* when the line also calls, subscripts-assigns or touches an
  attribute (``items.append(x)``, ``d[k] = v``, ``obj.n += 1``, ``helper(items)``) —
  the mutation candidates — but only when the value's type is not immutable.

So ``items.append(x)`` records the list after the append; the value before it is the
previous snapshot. A plan is ``{line: (local_names, global_pairs, candidate_locals)}``
with ``global_pairs`` = ``((name, key, is_store), ...)``.
"""
from __future__ import annotations

import dis

from .events import GLOBAL_PREFIX

_LOCAL_STORE = {"STORE_FAST", "DELETE_FAST", "STORE_DEREF", "DELETE_DEREF",
                "STORE_FAST_STORE_FAST", "STORE_FAST_MAYBE_NULL"}
_GLOBAL_STORE = {"STORE_GLOBAL", "DELETE_GLOBAL"}
_NAME_STORE = {"STORE_NAME", "DELETE_NAME"}
_LOCAL_LOAD = {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_LOAD_FAST", "LOAD_DEREF",
               "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF", "LOAD_CLOSURE"}
_GLOBAL_LOAD = {"LOAD_GLOBAL"}
_NAME_LOAD = {"LOAD_NAME", "LOAD_FROM_DICT_OR_GLOBALS"}
_MUTATING = {"CALL", "CALL_FUNCTION", "CALL_METHOD", "CALL_FUNCTION_KW", "CALL_FUNCTION_EX",
             "CALL_KW", "PRECALL", "STORE_SUBSCR", "DELETE_SUBSCR", "STORE_ATTR", "DELETE_ATTR",
             "LOAD_METHOD", "LOAD_ATTR", "STORE_SLICE", "LIST_APPEND", "SET_ADD", "MAP_ADD",
             "DICT_UPDATE", "LIST_EXTEND", "SET_UPDATE"}


def _names(argval):
    if isinstance(argval, tuple):
        return argval
    return (argval,) if isinstance(argval, str) else ()


def _line_of(instr, current):
    positions = getattr(instr, "positions", None)
    if positions is not None and positions.lineno is not None:
        return positions.lineno
    line = getattr(instr, "line_number", None)
    if line is not None:
        return line
    start = instr.starts_line
    if start is not None and start is not True and start is not False:
        return start
    return current


def build(code) -> dict:
    """The capture plan of one code object (not of nested code objects)."""
    module_level = code.co_name == "<module>" or code.co_name.startswith("<class")
    lines = {}
    current = code.co_firstlineno
    try:
        instructions = list(dis.get_instructions(code))
    except Exception:
        return {}
    for instr in instructions:
        current = _line_of(instr, current)
        entry = lines.get(current)
        if entry is None:
            entry = lines[current] = [[], [], [], False]  # stores, global pairs, loads, mutates
        op = instr.opname
        if op in _MUTATING:
            entry[3] = True
        if op in _LOCAL_STORE or op == "STORE_FAST_LOAD_FAST":
            names = _names(instr.argval)
            if op == "STORE_FAST_LOAD_FAST":
                names, loaded = names[:1], names[1:]
                entry[2].extend(loaded)
            entry[0].extend(names)
        elif op in _GLOBAL_STORE or (op in _NAME_STORE and module_level):
            for name in _names(instr.argval):
                entry[1].append((name, GLOBAL_PREFIX + name, True))
        elif op in _NAME_STORE:
            entry[0].extend(_names(instr.argval))
        elif op in _LOCAL_LOAD:
            entry[2].extend(_names(instr.argval))
        elif op in _GLOBAL_LOAD or op in _NAME_LOAD:
            for name in _names(instr.argval):
                if op in _NAME_LOAD and not module_level:
                    entry[2].append(name)
                else:
                    entry[1].append((name, GLOBAL_PREFIX + name, False))
    plan = {}
    for line, (stores, globals_, loads, mutates) in lines.items():
        store_set = tuple(dict.fromkeys(stores))
        if mutates:
            candidates = tuple(n for n in dict.fromkeys(loads) if n not in store_set)
            pairs = tuple(dict.fromkeys(globals_))
        else:
            candidates = ()
            pairs = tuple(p for p in dict.fromkeys(globals_) if p[2])
        # a name both loaded and stored is captured once, as a store
        stored_globals = {p[0] for p in pairs if p[2]}
        pairs = tuple(p for p in pairs if p[2] or p[0] not in stored_globals)
        if store_set or pairs or candidates:
            plan[line] = (store_set, pairs, candidates)
    return plan
