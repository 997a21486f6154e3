"""Settings per project: the nearest ``apex.toml`` / ``pyproject.toml`` to each file.

Like ruff, a file is governed by the configuration nearest to it, so a monorepo
can hold projects with different rules. Loading is delegated to
``apex_policy.load_settings``; command-line flags are applied on top here, the
same way for every project (``--select`` replaces ``select``, ``--extend-select``
and ``--ignore`` add to the configured lists).
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Callable

from apex_policy.analysis_settings import AnalysisSettings

from .discovery import CONFIG_FILES, ExcludeRules
from .selection import RuleSelection, SelectionError, select_rules

DEFAULT_EXCLUDE = AnalysisSettings().exclude


@dataclass(frozen=True)
class ConfigProblem:
    """A configuration error, located as precisely as the loader knows."""

    path: str | None
    line: int | None
    column: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.path or "<settings>"
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}:{key} {self.message}"


class ConfigError(Exception):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class CliOverrides:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: str | None = None
    min_confidence: str | None = None
    report_unused_suppressions: bool = False

    def changed_keys(self) -> set[str]:
        keys = {"select": self.select is not None, "extend-select": bool(self.extend_select),
                "ignore": bool(self.ignore), "min-severity": self.min_severity is not None,
                "min-confidence": self.min_confidence is not None,
                "report-unused-suppressions": self.report_unused_suppressions}
        return {k for k, on in keys.items() if on}

    def apply(self, settings: AnalysisSettings) -> AnalysisSettings:
        changes: dict[str, Any] = {}
        if self.select is not None:
            changes["select"] = self.select
        if self.extend_select:
            changes["extend_select"] = settings.extend_select + self.extend_select
        if self.ignore:
            changes["ignore"] = settings.ignore + self.ignore
        if self.min_severity is not None:
            changes["min_severity"] = self.min_severity
        if self.min_confidence is not None:
            changes["min_confidence"] = self.min_confidence
        if self.report_unused_suppressions:
            changes["report_unused_suppressions"] = True
        return dataclasses.replace(settings, **changes) if changes else settings


@dataclass(frozen=True)
class Project:
    root: str
    analysis: AnalysisSettings
    selection: RuleSelection
    excludes: ExcludeRules
    #: What the loader returned (origins for --show-settings), when it returned anything.
    loaded: Any = None
    cli_keys: frozenset = frozenset()

    def rel_path(self, path: str) -> str | None:
        rel = os.path.relpath(path, self.root)
        if rel.startswith(os.pardir):
            return None
        return rel.replace(os.sep, "/")


def _loader() -> Callable[..., Any] | None:
    try:
        from apex_policy import load_settings  # type: ignore[attr-defined]
    except ImportError:
        return None
    return load_settings


def _problems_from(loaded: Any) -> list[ConfigProblem]:
    out = []
    for err in getattr(loaded, "errors", ()) or ():
        out.append(ConfigProblem(getattr(err, "path", None), getattr(err, "line", None),
                                 getattr(err, "column", None), getattr(err, "key", None),
                                 getattr(err, "message", str(err))))
    return out


def _selection_problem(exc: SelectionError, root: str, loaded: Any) -> ConfigProblem:
    """Locate a bad rule id at the line the loader recorded for its key."""
    config = getattr(loaded, "path", None) or next(
        (os.path.join(root, n) for n in CONFIG_FILES if os.path.isfile(os.path.join(root, n))), None)
    origins = getattr(loaded, "origins", None) or {}
    origin = origins.get(exc.key) or origins.get(exc.key.split(".")[0])
    line = None
    where = str(getattr(origin, "where", "") or "")
    if getattr(origin, "kind", "") == "file" and where.rpartition(":")[2].isdigit():
        line = int(where.rpartition(":")[2])
    elif origin is not None and getattr(origin, "kind", "") != "file":
        config = str(origin)  # the editor or the command line set it
    return ConfigProblem(config, line, None, exc.key, exc.message)


def _has_config(directory: str) -> bool:
    return any(os.path.isfile(os.path.join(directory, name)) for name in CONFIG_FILES)


class ProjectResolver:
    """Finds and caches the Project governing each directory.

    Raises ConfigError from ``for_directory`` when the governing configuration
    is invalid; the caller decides whether that ends the run (`apex check`
    exits 2) or is shown and the defaults used (the language server).
    """

    def __init__(self, cli: CliOverrides | None = None, *, mode: str | None = None,
                 loader: Callable[..., Any] | None = None) -> None:
        self.cli = cli or CliOverrides()
        self.mode = mode
        self._load = loader if loader is not None else _loader()
        self._by_dir: dict[str, Project] = {}
        self._by_root: dict[str, Project] = {}

    def for_path(self, path: str) -> Project:
        path = os.path.abspath(path)
        return self.for_directory(path if os.path.isdir(path) else os.path.dirname(path))

    def for_directory(self, directory: str) -> Project:
        directory = os.path.abspath(directory)
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        parent = os.path.dirname(directory)
        if not _has_config(directory) and parent != directory:
            project = self.for_directory(parent)
        else:
            project = self._load_project(directory)
        self._by_dir[directory] = project
        return project

    def _load_project(self, directory: str) -> Project:
        loaded = None
        if self._load is not None:
            loaded = self._load(directory, mode=self.mode)
            problems = _problems_from(loaded)
            if problems:
                raise ConfigError(problems)
            root = os.path.abspath(getattr(loaded, "root", None) or directory)
            analysis = loaded.settings.analysis
        else:
            root, analysis = directory, AnalysisSettings()
        cached = self._by_root.get(root)
        if cached is not None:
            return cached
        analysis = self.cli.apply(analysis)
        try:
            selection = select_rules(analysis)
        except SelectionError as exc:
            raise ConfigError([_selection_problem(exc, root, loaded)]) from None
        excludes = ExcludeRules.build(root, analysis.exclude, analysis.extend_exclude,
                                      DEFAULT_EXCLUDE, analysis.respect_gitignore)
        project = Project(root, analysis, selection, excludes, loaded,
                          frozenset(self.cli.changed_keys()))
        self._by_root[root] = project
        return project

    def projects(self) -> list[Project]:
        return sorted(self._by_root.values(), key=lambda p: p.root)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}"
                                for k, v in value.items()) + " }"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def describe(project: Project) -> str:
    """The effective settings of a project as TOML, each key with where it came from."""
    origins = getattr(project.loaded, "origins", None) or {}
    config = getattr(project.loaded, "path", None)
    lines = [f"# project root: {project.root}",
             f"# configuration: {config or 'none found (defaults)'}",
             "[tool.apex]"]
    mode = getattr(getattr(project.loaded, "settings", None), "mode", None)
    if mode:
        origin = "command line" if "mode" in project.cli_keys else origins.get("mode")
        lines.append(f"mode = {_toml_value(mode)}" + (f"  # from {origin}" if origin else ""))
    for item in dataclasses.fields(project.analysis):
        value = getattr(project.analysis, item.name)
        key = item.name.replace("_", "-")
        if dataclasses.is_dataclass(value):
            continue
        origin = "command line" if key in project.cli_keys else (
            origins.get(key) or origins.get(item.name) or origins.get(f"analysis.{key}"))
        lines.append(f"{key} = {_toml_value(value)}" + (f"  # from {origin}" if origin else ""))
    for item in dataclasses.fields(project.analysis):
        table = getattr(project.analysis, item.name)
        if not dataclasses.is_dataclass(table):
            continue
        prefix = item.name.replace("_", "-")
        lines.append(f"[tool.apex.{prefix}]")
        for sub in dataclasses.fields(table):
            key = sub.name.replace("_", "-")
            origin = origins.get(f"{prefix}.{key}")
            lines.append(f"{key} = {_toml_value(getattr(table, sub.name))}"
                         + (f"  # from {origin}" if origin else ""))
    selected = [r.id for r in project.selection.rules]
    lines.append(f"# {len(selected)} rules selected: {', '.join(selected)}")
    if project.selection.severity_overrides:
        lines.append("# severity overrides: " + ", ".join(
            f"{k}={v}" for k, v in sorted(project.selection.severity_overrides.items())))
    return "\n".join(lines) + "\n"
