"""The field helper every settings dataclass uses to describe its keys."""
from __future__ import annotations

from dataclasses import field
from typing import Any, Optional


def setting(default: Any = None, *, doc: str, kind: str, scope: str = "resource",
            key: Optional[str] = None, default_factory: Any = None, **extra: Any) -> Any:
    """A dataclass field with the metadata the loader, schema and docs read.

    ``kind`` names the validator (see ``apex_policy.keys``); ``scope`` is the
    editor settings scope (``resource``: per workspace folder, ``window``,
    ``machine``; ``file``: the policy file only, never an editor setting); ``key``
    is the TOML spelling when it is not the field name with ``_`` turned into ``-``.
    """
    metadata = {"doc": doc, "kind": kind, "scope": scope, **extra}
    if key is not None:
        metadata["key"] = key
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)
