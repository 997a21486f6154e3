"""Minimal line edits to a policy file (``pyproject.toml`` under ``[tool.apex]``,
or ``apex.toml`` at the top level).

Every edit is checked by parsing the edited text: an edit that would not parse
or would not produce the intended value is never offered.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .convert import split_lines

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


@dataclass(frozen=True)
class LineEdit:
    """Replace ``count`` lines starting at 0-based ``line`` with ``text``."""

    line: int
    count: int
    text: str


def prefix_for(path: str) -> tuple[str, ...]:
    return ("tool", "apex") if os.path.basename(path) == "pyproject.toml" else ()


def _table_name(parts: tuple[str, ...]) -> str:
    return ".".join(_key(p) for p in parts)


def _key(part: str) -> str:
    return part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _lookup(data: dict, parts: tuple[str, ...]) -> Any:
    for part in parts:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def set_value(text: str, path: str, table: tuple[str, ...], key: str, value: Any
              ) -> LineEdit | None:
    """Set ``key = value`` in ``[prefix.table]`` of the policy file text."""
    parts = prefix_for(path) + table
    lines = split_lines(text)
    header_line, end_line = _find_table(lines, parts)
    assignment = f"{_key(key)} = {_value(value)}"
    if header_line is None:
        if not parts:  # apex.toml top level: before the first table
            first = next((i for i, t in enumerate(lines) if _HEADER.match(t)), len(lines))
            edit = LineEdit(first, 0, assignment + "\n")
        else:
            tail = "" if not text or text.endswith(("\n", "\r")) else "\n"
            block = f"{tail}\n[{_table_name(parts)}]\n{assignment}\n"
            last = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
            edit = LineEdit(last, 0, block.lstrip("\n") if not text.strip() else block)
    else:
        pattern = re.compile(r"^\s*(\"?)" + re.escape(key) + r"\1\s*=")
        existing = next((i for i in range(header_line + 1, end_line)
                         if pattern.match(lines[i])), None)
        if existing is not None:
            edit = LineEdit(existing, 1, assignment + "\n")
        else:
            insert = header_line + 1
            for i in range(header_line + 1, end_line):
                if lines[i].strip() and not lines[i].lstrip().startswith("#"):
                    insert = i + 1
            edit = LineEdit(insert, 0, assignment + "\n")
    return edit if _verify(text, edit, parts + (key,), value) else None


def add_override(text: str, path: str, paths: tuple[str, ...], capability: str,
                 action: str = "allow") -> LineEdit | None:
    """Append ``[[overrides]]`` (``[[tool.apex.overrides]]``) giving ``paths`` the
    capability ``action``. Offered only when the edited text parses and its last
    override is exactly this one."""
    parts = prefix_for(path) + ("overrides",)
    block = (f"[[{_table_name(parts)}]]\npaths = {_value(paths)}\n"
             f"capabilities = {{ {_key(capability)} = {_value(action)} }}\n")
    lines = split_lines(text)
    last = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    if text.strip():
        block = ("" if text.endswith(("\n", "\r")) else "\n") + "\n" + block
    edit = LineEdit(last, 0, block)
    try:
        data = tomllib.loads(apply(text, edit))
    except tomllib.TOMLDecodeError:
        return None
    found = _lookup(data, parts)
    wanted = {"paths": list(paths), "capabilities": {capability: action}}
    return edit if isinstance(found, list) and found and found[-1] == wanted else None


def _find_table(lines: list[str], parts: tuple[str, ...]) -> tuple[int | None, int]:
    """(header line or -1 for the top level, first line after the table)."""
    if not parts:
        first = next((i for i, t in enumerate(lines) if _HEADER.match(t)), len(lines))
        return -1, first
    for i, text in enumerate(lines):
        match = _HEADER.match(text)
        if match and _normalise(match.group(1)) == parts:
            end = next((j for j in range(i + 1, len(lines)) if _HEADER.match(lines[j])
                        or lines[j].lstrip().startswith("[[")), len(lines))
            return i, end
    return None, len(lines)


def _normalise(name: str) -> tuple[str, ...]:
    out = []
    for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', name):
        out.append(part[1:-1] if part[:1] in "\"'" else part)
    return tuple(out)


def apply(text: str, edit: LineEdit) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")) and edit.line >= len(lines):
        lines[-1] += "\n"
    lines[edit.line:edit.line + edit.count] = [edit.text]
    return "".join(lines)


def _verify(text: str, edit: LineEdit, keys: tuple[str, ...], value: Any) -> bool:
    try:
        data = tomllib.loads(apply(text, edit))
    except tomllib.TOMLDecodeError:
        return False
    found = _lookup(data, keys)
    expected = list(value) if isinstance(value, tuple) else value
    return found == expected


def current(text: str, path: str, keys: tuple[str, ...]) -> Any:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    return _lookup(data, prefix_for(path) + keys)
