"""The settings schema, generated from the model, for editors and validators.

``settings_schema()`` is a JSON Schema (draft 2020-12) of the ``[tool.apex]``
table (also what editor settings and ``initializationOptions`` accept). Each
property has a ``description``, a ``default`` where it does not depend on the
mode, and ``scope`` (VS Code's setting scope). ``flat_settings()`` lists the
same keys one per entry, for generating an editor's settings contribution.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Dict, List

from .capabilities import CAPABILITIES, MODES
from .describe import jsonable
from .keys import KEYS, KIND_TYPES, OVERRIDE_FIELDS, PERMISSION_FIELDS, Key
from .modes import CAPABILITY_DEFAULTS, DEBUG_DEFAULTS, LIMIT_DEFAULTS


def key_default(key: Key) -> Any:
    """The key's default, or None when it depends on the mode (see ``mode_defaults``)."""
    if key.attribute is None or key.name.startswith("limits."):
        return None
    cls, attr = key.attribute
    f = {f.name: f for f in dataclasses.fields(cls)}[attr]
    value = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    return jsonable(value)


def mode_defaults(key: Key) -> Dict[str, Any]:
    """mode -> default for keys whose default depends on the mode; {} otherwise."""
    name = key.name
    out: Dict[str, Any] = {}
    for mode in MODES:
        if name.startswith("capabilities."):
            _, cap, part = name.split(".")
            action, allow = CAPABILITY_DEFAULTS[mode][cap]
            out[mode] = action if part == "action" else list(allow)
        elif name.startswith("debug.") and key.kind == "gate":
            out[mode] = DEBUG_DEFAULTS[mode][name.split(".", 1)[1]]
        elif name.startswith("limits."):
            out[mode] = LIMIT_DEFAULTS[mode].get(key.attribute[1]) if key.attribute else None
        else:
            return {}
    return out


def _property(key: Key) -> Dict[str, Any]:
    prop = dict(KIND_TYPES.get(key.kind, {}))
    prop["description"] = key.doc
    prop["scope"] = key.scope
    by_mode = mode_defaults(key)
    if by_mode:
        prop["x-mode-defaults"] = by_mode
    else:
        default = key_default(key)
        if default is not None or key.kind in ("string",):
            prop["default"] = default
    return prop


def _insert(tree: Dict[str, Any], parts: List[str], prop: Dict[str, Any]) -> None:
    node = tree
    for part in parts[:-1]:
        node = node.setdefault("properties", {}).setdefault(
            part, {"type": "object", "additionalProperties": False})
    node.setdefault("properties", {})[parts[-1]] = prop


def _permission_schema() -> Dict[str, Any]:
    props = {}
    for name, f in PERMISSION_FIELDS.items():
        prop = dict(KIND_TYPES.get(f.metadata["kind"], {}))
        prop["description"] = f.metadata["doc"]
        props[name] = prop
    return {"type": "array", "description": KEYS["permissions"].doc, "scope": "resource",
            "items": {"type": "object", "additionalProperties": False,
                      "required": ["operations"], "properties": props}}


def _override_schema() -> Dict[str, Any]:
    props = {}
    for name, f in OVERRIDE_FIELDS.items():
        prop = dict(KIND_TYPES.get(f.metadata["kind"], {}))
        prop["description"] = f.metadata["doc"]
        props[name] = prop
    return {"type": "array", "description": KEYS["overrides"].doc, "scope": "resource",
            "items": {"type": "object", "additionalProperties": False,
                      "required": ["paths", "capabilities"], "properties": props}}


def settings_schema() -> Dict[str, Any]:
    """A JSON Schema of ``[tool.apex]``."""
    schema: Dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Apex settings ([tool.apex] in pyproject.toml, or apex.toml)",
        "type": "object",
        "additionalProperties": False,
    }
    for key in KEYS.values():
        if key.name in ("permissions", "overrides"):
            continue
        _insert(schema, key.name.split("."), _property(key))
    caps = schema["properties"]["capabilities"]["properties"]
    for cap in CAPABILITIES:
        table = caps[cap]
        action = dict(table["properties"]["action"])
        action.pop("x-mode-defaults", None)
        caps[cap] = {"description": action["description"],
                     "anyOf": [{"type": "string", "enum": ["allow", "audit", "deny"]}, table]}
    schema["properties"]["permissions"] = _permission_schema()
    schema["properties"]["overrides"] = _override_schema()
    per_mode = {k: v for k, v in schema["properties"].items() if k not in ("mode",)}
    schema["properties"]["modes"] = {
        "type": "object", "additionalProperties": False,
        "description": "Per-mode overrides: `[tool.apex.modes.isolation]` holds any of the "
                       "keys above and applies only in that mode.",
        "properties": {m: {"type": "object", "additionalProperties": False,
                           "properties": per_mode} for m in MODES},
    }
    return schema


def flat_settings() -> List[Dict[str, Any]]:
    """One entry per key: name, JSON type, description, scope, default or per-mode defaults."""
    out = []
    for key in KEYS.values():
        entry = {"key": key.name, "section": key.section, "kind": key.kind,
                 "description": key.doc, "scope": key.scope}
        entry.update({k: v for k, v in KIND_TYPES.get(key.kind, {}).items()})
        by_mode = mode_defaults(key)
        if by_mode:
            entry["modeDefaults"] = by_mode
        else:
            entry["default"] = key_default(key)
        out.append(entry)
    return out



def _camel(name: str) -> str:
    head, *rest = name.replace("_", "-").split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def vscode_configuration(prefix: str = "apex") -> Dict[str, Any]:
    """``contributes.configuration.properties`` for a VS Code extension.

    Keys are ``<prefix>.<dotted key>`` with camelCase parts (``apex.extendSelect``,
    ``apex.limits.openFiles``); VS Code hands them to the server as nested tables,
    which the loader reads as editor settings. Every default is ``null``: an editor
    must not send a value the user did not set, or it would override the policy
    file (the loader skips nulls).
    """
    out: Dict[str, Any] = {}
    for key in KEYS.values():
        if key.name in ("permissions", "overrides"):  # arrays of tables: files only
            continue
        if key.scope == "file":  # only the policy file may set it, never an editor
            continue
        parts = key.name.split(".")
        name = ".".join([prefix] + [p if p in CAPABILITIES else _camel(p) for p in parts])
        prop = dict(KIND_TYPES.get(key.kind, {}))
        kind_type = prop.get("type", "string")
        types = kind_type if isinstance(kind_type, list) else [kind_type]
        prop["type"] = types + (["null"] if "null" not in types else [])
        prop.pop("pattern", None)
        prop["default"] = None
        prop["scope"] = key.scope
        by_mode = mode_defaults(key)
        shown = ", ".join(f"{m}: {json.dumps(v)}" for m, v in by_mode.items()) if by_mode \
            else json.dumps(key_default(key))
        prop["markdownDescription"] = f"{key.doc} Default: {shown}. Overrides `[tool.apex]`."
        out[name] = prop
    return out
