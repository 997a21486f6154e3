"""The analyzer's part of the `[tool.apex]` settings tree.

The loader (policy files, editor settings, CLI flags) fills this; the analyzer
and `apex check` only read it. Keys in TOML use dashes (``extend-select``),
attributes use underscores.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TaintSettings:
    #: Extra sources/sinks/sanitizers as qualified names, e.g. "myapp.db.run_sql".
    sources: tuple[str, ...] = ()
    sinks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> qualnames
    sanitizers: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class AnalysisSettings:
    #: Rule ids or id prefixes ("APX1" selects APX100-APX199). Empty: the default set.
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: Rule id -> severity name ("info", "low", "medium", "high", "critical").
    severity: dict[str, str] = field(default_factory=dict)
    #: Glob (relative to the project root) -> rule ids/prefixes ignored in matching files.
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox",
                                "__pycache__", "node_modules", "build", "dist",
                                ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages")
    extend_exclude: tuple[str, ...] = ()
    min_severity: str = "info"
    min_confidence: str = "low"
    respect_gitignore: bool = True
    report_unused_suppressions: bool = False
    taint: TaintSettings = field(default_factory=TaintSettings)
