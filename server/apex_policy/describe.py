"""The effective settings as a flat, JSON-able table of key -> value.

Used by ``apex policy show`` and the editor integrations; key names are the
ones ``[tool.apex]`` uses (see ``apex_policy.keys``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from .keys import KEYS
from .model import Permission, Settings


def flatten(settings: Settings) -> Dict[str, Any]:
    """Every key's effective value (tuples as lists, sizes in bytes, durations in seconds)."""
    policy = settings.policy
    out: Dict[str, Any] = {"mode": settings.mode}
    for key in KEYS.values():
        name = key.name
        if name in ("mode", "permissions", "overrides"):
            continue
        if key.section == "analysis":
            holder: Any = settings.analysis.taint if name.startswith("taint.") else settings.analysis
            value = getattr(holder, key.attribute[1])
        elif name.startswith("capabilities."):
            _, cap, part = name.split(".")
            value = getattr(policy.capability(cap), part)
        elif name.startswith("debug.") and key.kind != "gate":
            value = getattr(policy.debug_options, key.attribute[1])
        elif name.startswith("debug."):
            value = policy.debug.get(name.split(".", 1)[1])
        elif name.startswith("limits."):
            value = getattr(policy.limits, key.attribute[1])
        else:
            value = getattr(policy.audit, key.attribute[1])
        out[name] = jsonable(value)
    out["permissions"] = [permission_json(p) for p in policy.permissions]
    out["overrides"] = [{"paths": list(o.paths), "source": o.source,
                         "capabilities": {cap: {"action": rule.action, "allow": list(rule.allow)}
                                          for cap, rule in o.capabilities.items()}}
                        for o in policy.overrides]
    return out


def permission_json(permission: Permission) -> Dict[str, Any]:
    return {"operations": list(permission.operations), "paths": list(permission.paths),
            "modules": list(permission.modules),
            "expires": permission.expires.strftime("%Y-%m-%dT%H:%M:%SZ")
            if permission.expires else None,
            "reason": permission.reason, "source": permission.source}


def jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def toml_value(value: Any) -> str:
    """A value as TOML text, for showing settings."""
    import json
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items: List[str] = [f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    return json.dumps(str(value))
