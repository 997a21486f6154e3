"""Every configurable key, read from the dataclasses' field metadata, and its validator.

A key is named as it is written in TOML relative to ``[tool.apex]``:
``mode``, ``extend-select``, ``taint.sinks``, ``capabilities.network.action``,
``debug.state_edit``, ``limits.open-files``, ``audit.path``, ``permissions``.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from .analysis_settings import AnalysisSettings, TaintSettings
from .capabilities import (ACTIONS, CAPABILITIES, CAPABILITY_DOCS, DEBUG_OPERATION_DOCS,
                           DEBUG_OPERATIONS, GATES, MODES)
from .model import (AuditSettings, CapabilityOverride, CapabilityRule, DebugOptions, Limits,
                    Permission)
from .units import parse_duration, parse_size

SEVERITIES = ("info", "low", "medium", "high", "critical")
CONFIDENCES = ("low", "medium", "high")
_RULE_ID = re.compile(r"ALL|APX\d{0,3}")


@dataclass(frozen=True)
class Key:
    name: str
    kind: str
    doc: str
    scope: str
    #: "analysis" or "policy": which part of the tree the key fills.
    section: str
    #: (dataclass, field name) the value ends up in, when there is one.
    attribute: Optional[Tuple[type, str]] = None


def fold(name: str) -> str:
    return name.replace("_", "-")


def _toml_name(f: dataclasses.Field) -> str:
    return f.metadata.get("key") or fold(f.name)


def _from_fields(cls: type, prefix: str, section: str) -> List[Key]:
    keys = []
    for f in dataclasses.fields(cls):
        if "kind" not in f.metadata:
            continue
        keys.append(Key(prefix + _toml_name(f), f.metadata["kind"], f.metadata["doc"],
                        f.metadata.get("scope", "resource"), section, (cls, f.name)))
    return keys


def _build_keys() -> Dict[str, Key]:
    keys: List[Key] = [Key("mode", "mode", "The mode: `isolation`, `development` or `hybrid`. "
                                           "It chooses the defaults of every policy key.",
                           "resource", "policy")]
    keys += _from_fields(AnalysisSettings, "", "analysis")
    keys += _from_fields(TaintSettings, "taint.", "analysis")
    rule_fields = {f.name: f for f in dataclasses.fields(CapabilityRule)}
    for cap in CAPABILITIES:
        for name in ("action", "allow"):
            f = rule_fields[name]
            doc = f.metadata["doc"]
            if name == "action":
                doc = f"{CAPABILITY_DOCS[cap]} {doc}"
            keys.append(Key(f"capabilities.{cap}.{name}", f.metadata["kind"], doc,
                            f.metadata["scope"], "policy"))
    for op in DEBUG_OPERATIONS:
        keys.append(Key(f"debug.{op}", "gate", f"{DEBUG_OPERATION_DOCS[op]} `allow`, "
                                               "`permission` (needs a grant) or `deny`.",
                        "resource", "policy"))
    keys += _from_fields(DebugOptions, "debug.", "policy")
    keys.append(Key("permissions", "permissions",
                    "Grants of debug operations for hybrid mode (an array of tables, "
                    "`[[tool.apex.permissions]]`; see below).", "resource", "policy"))
    keys.append(Key("overrides", "overrides",
                    "Capability rules for some paths (an array of tables, "
                    "`[[tool.apex.overrides]]`; see below).", "resource", "policy"))
    keys += _from_fields(Limits, "limits.", "policy")
    keys += _from_fields(AuditSettings, "audit.", "policy")
    return {k.name: k for k in keys}


KEYS: Dict[str, Key] = _build_keys()

#: Tables whose members are keys (everything else in [tool.apex] is a leaf).
TABLES = ("taint", "capabilities", "debug", "limits", "audit", "modes") + tuple(
    f"capabilities.{fold(c)}" for c in CAPABILITIES)

OVERRIDE_FIELDS = {fold(f.name): f for f in dataclasses.fields(CapabilityOverride)
                   if "kind" in f.metadata}

PERMISSION_FIELDS = {fold(f.name): f for f in dataclasses.fields(Permission)
                     if "kind" in f.metadata}


def lookup(name: str) -> Optional[Key]:
    """The key named ``name`` (dashes and underscores are interchangeable)."""
    wanted = fold(name)
    for key in KEYS.values():
        if fold(key.name) == wanted:
            return key
    return None


# -- validators: value -> normalized value, or ValueError("expected ...") --------

def _choice(options: Tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        raise ValueError(f"expected one of {'/'.join(options)}, got {_show(value)}")
    return check


def _strings(value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        bad = [i for i, v in enumerate(value) if not isinstance(v, str)]
        if bad:
            raise IndexedError(bad[0], f"expected a string, got {_show(value[bad[0]])}")
        return tuple(value)
    raise ValueError(f"expected a list of strings, got {_show(value)}")


def _rule_ids(value: Any) -> Tuple[str, ...]:
    items = _strings(value)
    for i, item in enumerate(items):
        if not _RULE_ID.fullmatch(item.strip().upper()):
            raise IndexedError(i, f"expected a rule id or prefix like APX101 or APX1, "
                                  f"got {_show(item)}")
    return tuple(i.strip().upper() for i in items)


def _severity_map(value: Any) -> Dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of rule id = severity, got {_show(value)}")
    out = {}
    for rule, sev in value.items():
        if not _RULE_ID.fullmatch(str(rule).upper()):
            raise IndexedError(rule, f"expected a rule id like APX101, got {_show(rule)}")
        try:
            out[str(rule).upper()] = _choice(SEVERITIES)(sev)
        except ValueError as exc:
            raise IndexedError(rule, str(exc)) from None
    return out


def _rule_map(value: Any) -> Dict[str, Tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of glob = [rule ids], got {_show(value)}")
    out = {}
    for glob, ids in value.items():
        try:
            out[str(glob)] = _rule_ids(ids)
        except ValueError as exc:
            raise IndexedError(glob, str(exc)) from None
    return out


def _sinks(value: Any) -> Dict[str, Tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a table of sink kind = [qualified names], got {_show(value)}")
    out = {}
    for kind, names in value.items():
        try:
            out[str(kind)] = _strings(names)
        except ValueError as exc:
            raise IndexedError(kind, str(exc)) from None
    return out


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {_show(value)}")


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a string, got {_show(value)}")


def _count(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number of at least 0, got {_show(value)}")
    return value


def _operations(value: Any) -> Tuple[str, ...]:
    items = _strings(value)
    for i, item in enumerate(items):
        if item not in DEBUG_OPERATIONS:
            raise IndexedError(i, f"expected one of {'/'.join(DEBUG_OPERATIONS)}, "
                                  f"got {_show(item)}")
    return items


def _size(value: Any) -> int:
    return parse_size(value)


def _duration(value: Any) -> float:
    return parse_duration(value)


VALIDATORS: Dict[str, Callable[[Any], Any]] = {
    "mode": _choice(MODES),
    "action": _choice(ACTIONS),
    "gate": _choice(GATES),
    "severity": _choice(SEVERITIES),
    "confidence": _choice(CONFIDENCES),
    "strings": _strings,
    "scopes": _strings,
    "rule-ids": _rule_ids,
    "severity-map": _severity_map,
    "rule-map": _rule_map,
    "sinks": _sinks,
    "bool": _bool,
    "string": _string,
    "count": _count,
    "size": _size,
    "duration": _duration,
    "operations": _operations,
}

#: How each kind is described in the docs and the JSON schema.
KIND_TYPES: Dict[str, Dict[str, Any]] = {
    "mode": {"type": "string", "enum": list(MODES)},
    "action": {"type": "string", "enum": list(ACTIONS)},
    "gate": {"type": "string", "enum": list(GATES)},
    "severity": {"type": "string", "enum": list(SEVERITIES)},
    "confidence": {"type": "string", "enum": list(CONFIDENCES)},
    "strings": {"type": "array", "items": {"type": "string"}},
    "scopes": {"type": "array", "items": {"type": "string"}},
    "rule-ids": {"type": "array", "items": {"type": "string", "pattern": "^(ALL|APX[0-9]{0,3})$"}},
    "severity-map": {"type": "object",
                     "additionalProperties": {"type": "string", "enum": list(SEVERITIES)}},
    "rule-map": {"type": "object", "additionalProperties": {"type": "array",
                                                            "items": {"type": "string"}}},
    "sinks": {"type": "object", "additionalProperties": {"type": "array",
                                                         "items": {"type": "string"}}},
    "bool": {"type": "boolean"},
    "string": {"type": "string"},
    "count": {"type": ["integer", "null"], "minimum": 0},
    "size": {"type": ["integer", "string", "null"],
             "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*([kKmMgGtT]i?[bB]?|[bB])?\\s*$"},
    "duration": {"type": ["number", "string", "null"]},
    "expiry": {"type": "string"},
    "operations": {"type": "array", "items": {"type": "string", "enum": list(DEBUG_OPERATIONS)}},
    "capability-rules": {"type": "object", "additionalProperties": False, "properties": {
        cap: {"anyOf": [{"type": "string", "enum": list(ACTIONS)},
                        {"type": "object", "additionalProperties": False,
                         "properties": {"action": {"type": "string", "enum": list(ACTIONS)},
                                        "allow": {"type": "array",
                                                  "items": {"type": "string"}}}}]}
        for cap in CAPABILITIES}},
}


class IndexedError(ValueError):
    """A validation error about one element (list index or table key) of a value."""

    def __init__(self, index: Any, message: str) -> None:
        super().__init__(message)
        self.index = index


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
