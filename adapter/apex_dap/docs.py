"""Generate the launch/attach attribute tables of docs/debugging.md from the msgspec Structs.

``python -m apex_dap.docs`` rewrites the generated block; tests/dap/test_docs.py fails when
the checked-in file is out of date. The VS Code extension's ``configurationAttributes``
are meant to come from :func:`attribute_schema` too.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any

import msgspec

from .protocol import messages as m

BEGIN = "<!-- BEGIN GENERATED: apex_dap.docs -->"
END = "<!-- END GENERATED: apex_dap.docs -->"
DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "docs", "debugging.md")


def attribute_schema(struct: type) -> dict[str, Any]:
    """JSON Schema of one request's arguments (``$defs`` resolved one level)."""
    schema = msgspec.json.schema(struct)
    defs = schema.get("$defs", {})
    ref = schema.get("$ref", "")
    return defs.get(ref.rsplit("/", 1)[-1], schema) | {"$defs": defs}


def configuration_attributes() -> dict[str, Any]:
    """``contributes.debuggers[].configurationAttributes`` for the VS Code extension."""
    result = {}
    for request, struct in (("launch", m.LaunchArguments), ("attach", m.AttachArguments)):
        schema = attribute_schema(struct)
        defs = schema.pop("$defs")
        # package.json has no $defs: inline nested objects
        result[request] = {"properties": _inline(schema.get("properties", {}), defs)}
    return result


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = dict(defs[node["$ref"].rsplit("/", 1)[-1]])
            target.pop("title", None)
            return _inline(target, defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _nested(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema behind ``prop`` (directly or as the non-null arm of anyOf)."""
    for arm in [prop, *prop.get("anyOf", [])]:
        if "$ref" in arm:
            return defs[arm["$ref"].rsplit("/", 1)[-1]]
    return None


def _type_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        return "object"
    if "anyOf" in prop:
        return " \\| ".join(_type_text(p, defs) for p in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in prop["enum"])
    if prop.get("type") == "array":
        return f"{_type_text(prop.get('items', {}), defs)}[]"
    if prop.get("type") == "object" and "additionalProperties" in prop:
        return "object"
    return prop.get("type", "any")


def table(struct: type, prefix: str = "") -> list[str]:
    schema = attribute_schema(struct)
    defs = schema["$defs"]
    rows = []
    for name, prop in schema.get("properties", {}).items():
        default = json.dumps(prop["default"]) if "default" in prop else "required"
        rows.append(f"| `{prefix}{name}` | {_type_text(prop, defs)} | {default} | "
                    f"{prop.get('description', '')} |")
        nested = _nested(prop, defs)
        if nested is not None:
            for sub, sprop in nested.get("properties", {}).items():
                default = json.dumps(sprop["default"]) if "default" in sprop else "required"
                rows.append(f"| `{prefix}{name}.{sub}` | {_type_text(sprop, defs)} | {default} | "
                            f"{sprop.get('description', '')} |")
    return rows


def generated() -> str:
    head = ["| attribute | type | default | meaning |", "|---|---|---|---|"]
    out = [BEGIN, "", "### `launch`", "", *head, *table(m.LaunchArguments), "",
           "### `attach`", "", *head, *table(m.AttachArguments), "", END]
    return "\n".join(out)


def render(text: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + generated() + text[end:]


def main() -> int:
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    new = render(text)
    if "--configuration-attributes" in sys.argv:
        print(json.dumps(configuration_attributes(), indent=2))
        return 0
    if "--check" in sys.argv:
        return 0 if new == text else 1
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
