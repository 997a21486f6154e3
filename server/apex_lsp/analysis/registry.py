"""The rule catalogue: every Rule subclass in the ``rules`` package."""
from __future__ import annotations

import functools
import importlib
import pkgutil

from . import rules as _rules_pkg
from .rule import Rule


@functools.cache
def all_rules() -> tuple[type[Rule], ...]:
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(_rules_pkg.__path__):
        module = importlib.import_module(f"{_rules_pkg.__name__}.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Rule) and value is not Rule
                    and value.__module__ == module.__name__ and hasattr(value, "id")):
                if value.id in found:
                    raise RuntimeError(f"duplicate rule id {value.id}: {module.__name__}")
                found[value.id] = value
    return tuple(sorted(found.values(), key=lambda r: r.id))


def rules_by_id() -> dict[str, type[Rule]]:
    return {r.id: r for r in all_rules()}


def get(rule_id: str) -> type[Rule] | None:
    return rules_by_id().get(rule_id)
