"""The analyzer's part of the `[tool.apex]` settings tree.

The loader (policy files, editor settings, CLI flags) fills this; the analyzer
and `apex check` only read it. Keys in TOML use dashes (``extend-select``),
attributes use underscores. Field metadata (``doc``, ``kind``, ``scope``)
drives validation, the editor settings schema and ``docs/configuration.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .fields import setting

DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox",
                   "__pycache__", "node_modules", "build", "dist",
                   ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages")


@dataclass(frozen=True)
class TaintSettings:
    #: Extra sources/sinks/sanitizers as qualified names, e.g. "myapp.db.run_sql".
    sources: tuple[str, ...] = setting(
        (), kind="strings",
        doc="Extra taint sources: qualified names of calls whose results are untrusted "
            "(`myapp.web.param`).")
    sinks: dict[str, tuple[str, ...]] = setting(
        kind="sinks", default_factory=dict,
        doc="Extra taint sinks by kind: `{ sql = [\"myapp.db.run_sql\"] }`.")
    sanitizers: tuple[str, ...] = setting(
        (), kind="strings",
        doc="Qualified names of calls whose results are clean (`myapp.html.escape`).")
    enabled: bool = setting(True, kind="bool", doc="Run the taint analysis.")


@dataclass(frozen=True)
class AnalysisSettings:
    #: Rule ids or id prefixes ("APX1" selects APX100-APX199). Empty: the default set.
    select: tuple[str, ...] = setting(
        (), kind="rule-ids",
        doc="Rule ids or prefixes to run (`APX1` selects APX100-APX199; `ALL` selects "
            "every rule, opt-in ones included). Empty: the rules enabled by default.")
    extend_select: tuple[str, ...] = setting(
        (), kind="rule-ids", doc="Rule ids or prefixes added to `select`.")
    ignore: tuple[str, ...] = setting(
        (), kind="rule-ids", doc="Rule ids or prefixes never reported.")
    #: Rule id -> severity name ("info", "low", "medium", "high", "critical").
    severity: dict[str, str] = setting(
        kind="severity-map", default_factory=dict,
        doc="Severity overrides by rule id: `{ APX101 = \"critical\" }`.")
    #: Glob (relative to the project root) -> rule ids/prefixes ignored in matching files.
    per_file_ignores: dict[str, tuple[str, ...]] = setting(
        kind="rule-map", default_factory=dict,
        doc="Rule ids or prefixes ignored in files matching a glob (relative to the project "
            "root): `{ \"tests/**\" = [\"APX1\"] }`.")
    exclude: tuple[str, ...] = setting(
        DEFAULT_EXCLUDE, kind="strings",
        doc="Directory and file names or globs never analysed. Replaces the defaults; "
            "prefer `extend-exclude`.")
    extend_exclude: tuple[str, ...] = setting(
        (), kind="strings", doc="Names or globs excluded in addition to `exclude`.")
    min_severity: str = setting(
        "info", kind="severity", doc="Findings below this severity are not reported.")
    min_confidence: str = setting(
        "low", kind="confidence", doc="Findings below this confidence are not reported.")
    respect_gitignore: bool = setting(
        True, kind="bool", doc="Skip files ignored by `.gitignore` when walking directories.")
    report_unused_suppressions: bool = setting(
        False, kind="bool", doc="Report `# apex: ignore` / `# nosec` comments that suppress "
                                "nothing (APX001).")
    taint: TaintSettings = field(default_factory=TaintSettings)
