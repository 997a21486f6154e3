"""The analyzer and the mode policy as the server sees them.

This module knows nothing about LSP. It is the one place that calls into
``apex_policy`` (settings loading, the policy) and ``apex_lsp.analysis`` (the
:class:`Checker` that ``apex check`` uses, and the policy filter), so an editor
shows exactly what ``apex check`` reports for the same text and settings.

The server's differences from ``apex check``: the editor's settings are a layer
of the policy (``load_settings(editor=...)``), and an invalid policy never stops
analysis: its problems are kept for diagnostics in the policy file and the
values before the bad key (or the defaults) are used.
"""
from __future__ import annotations

import dataclasses
import functools
import logging
import os
import threading
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable

from apex_lsp.analysis import FileResult, Finding
from apex_lsp.analysis.checker import Checker
from apex_lsp.analysis.projects import ConfigError, Project, ProjectResolver
from apex_lsp.analysis.taint.checking import taint_passes
from apex_lsp.analysis.taint.report import reconcile
from apex_lsp.analysis.taint.workspace import TaintWorkspace, overruled

from .config import ServerConfig

log = logging.getLogger(__name__)

POLICY_FILES = ("apex.toml", "pyproject.toml")


@dataclass(frozen=True)
class SettingsProblem:
    """An invalid key in a policy file (or in the editor settings), located."""

    path: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    key: str
    message: str


def _problem(err: Any) -> SettingsProblem:
    return SettingsProblem(str(getattr(err, "path", "") or ""), int(getattr(err, "line", 0) or 0),
                           int(getattr(err, "column", 0) or 0), str(getattr(err, "key", "") or ""),
                           str(getattr(err, "message", err)))


@dataclass
class ProjectState:
    root: str
    #: The policy file, or None for built-in defaults.
    source: str | None
    #: How the loader names the source: "pyproject.toml [tool.apex]", "built-in defaults".
    source_label: str
    mode: str
    checker: Checker
    policy: Any = None
    problems: list[SettingsProblem] = field(default_factory=list)
    project: Project | None = None
    #: The workspace-wide taint index (cross-file findings), when there is one.
    taint: Any = None
    taint_lock: Any = None

    # -- analysis (called on worker threads) ------------------------------------
    def analyze(self, text: str, path: str) -> FileResult:
        return self.analyze_with_dependents(text, path)[0]

    def analyze_with_dependents(self, text: str, path: str) -> tuple[FileResult, set[str]]:
        """The findings for ``text``, and the other files whose cross-file taint
        findings may have changed because of it (open ones need re-analysing)."""
        result = self.checker.check_source(path, text)
        dependents = self._add_cross_file(result, os.path.abspath(path))
        # The taint pass left the pattern findings its taint findings dominate for now.
        result.findings = reconcile(result.findings)
        return self._filtered(result), dependents

    def _add_cross_file(self, result: FileResult, path: str) -> set[str]:
        if self.taint is None or self.project is None:
            return set()
        try:
            with self.taint_lock:
                changed = set(self.taint.changed)
                cross, spots = self.taint.cross_file(paths=[path])
        except Exception:  # the index must never cost the file its own findings
            log.exception("cross-file taint findings for %s failed", path)
            return set()
        if spots:  # calls into other files that the file's own pass could not see into
            result.findings = [f for f in result.findings if not overruled(f, spots)]
        if cross:
            selection = self.project.selection
            ignored = selection.ignored_in(self.project.rel_path(path))
            seen = {(f.line, f.column, f.rule) for f in result.findings}
            added = [f for f in cross if (f.line, f.column, f.rule) not in seen
                     and selection.keep(f, ignored)]
            if added:
                result.findings = sorted(result.findings + added, key=Finding.sort_key)
        changed.discard(path)
        return changed

    def analyze_file(self, path: str) -> FileResult:
        result = self.checker.check_file(path)
        result.findings = reconcile(result.findings)
        return self._filtered(result)

    def _filtered(self, result: FileResult) -> FileResult:
        if self.policy is not None and result.findings:
            result.findings = _apply_policy(result.findings, self.policy, self.source_label)
        return result

    # -- the policy, for hover and commands ---------------------------------------
    def capability_action(self, capability: str | None, path: str | None = None
                          ) -> str | None:
        """``allow`` / ``audit`` / ``deny`` for a capability in this policy (for code
        in ``path``: a per-path override covering it decides)."""
        if capability is None or self.policy is None:
            return None
        try:
            if path is not None and getattr(self.policy, "overrides", None):
                return str(self.policy.capability(capability, path).action)
            return str(self.policy.capability(capability).action)
        except Exception:  # an unknown capability name must not break a hover
            log.debug("policy.capability(%r) failed", capability, exc_info=True)
            return None

    def describe_source(self) -> str:
        if self.source is None:
            return self.source_label or "built-in defaults"
        return f"{self.source} [tool.apex]" if os.path.basename(self.source) == \
            "pyproject.toml" else self.source

    def policy_summary(self) -> dict:
        """A JSON-able view of the effective policy."""
        from apex_policy.capabilities import CAPABILITIES
        out: dict = {"mode": self.mode, "source": self.describe_source(), "root": self.root,
                     "problems": [dataclasses.asdict(p) for p in self.problems]}
        if self.policy is not None:
            out["capabilities"] = {c: self.capability_action(c) for c in CAPABILITIES}
            out["debug"] = dict(getattr(self.policy, "debug", {}) or {})
        return out


class Projects:
    """Project states for one settings generation; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.config = ServerConfig()
        self.generation = 0
        self._build(self.config)

    def _build(self, config: ServerConfig) -> None:
        self._problems: dict[str, list[SettingsProblem]] = {}
        # Taint keeps per-function facts between analyses (cache=True): an edit
        # re-analyses only the functions whose text changed. Every analysed file's
        # facts also go to one workspace index, which links calls across files.
        self.taint = TaintWorkspace()
        # The index's own lock (it guards record/link_all): holding it around our
        # reads and bulk updates keeps a concurrent record from mutating the linker
        # while findings are collected.
        self.taint_lock = getattr(self.taint, "_lock", None) or threading.RLock()
        passes = functools.partial(_taint_passes, workspace=self.taint)
        self._checker = Checker(ProjectResolver(mode=config.mode,
                                                loader=_lenient_loader(config, self._problems)),
                                passes_factory=passes)
        self._fallback = Checker(ProjectResolver(mode=config.mode,
                                                 loader=_defaults_loader(config)),
                                 passes_factory=passes)
        self._states: dict[str, ProjectState] = {}

    def reset(self, config: ServerConfig | None = None) -> None:
        with self._lock:
            if config is not None:
                self.config = config
            self._build(self.config)
            self.generation += 1

    def for_path(self, path: str) -> ProjectState:
        path = os.path.abspath(path or os.getcwd())
        with self._lock:
            try:
                project = self._checker.project_for(path)
                checker, extra = self._checker, []
            except ConfigError as exc:  # e.g. an unknown rule id in select
                project = self._fallback.project_for(path)
                checker, extra = self._fallback, [_problem(p) for p in exc.problems]
            state = self._states.get(project.root)
            if state is None:
                state = _state(project, checker,
                               self._problems.get(project.root, []) + extra)
                state.taint, state.taint_lock = self.taint, self.taint_lock
                self._states[project.root] = state
            return state

    def refresh_from_disk(self, path: str) -> None:
        self.refresh_files([path])

    def refresh_files(self, paths: list[str]) -> None:
        """Re-read files from disk into the taint index (gone files are dropped)."""
        with self._lock:
            taint, lock = self.taint, self.taint_lock
        for path in paths:
            with lock:
                taint.update_files([path])

    def index(self, roots: list[str], max_files: int,
              wait_idle: Callable[[], None] | None = None) -> int:
        """Put every workspace file's taint facts in the index (for cross-file findings);
        returns how many files' facts changed. ``wait_idle`` is called before each file
        so open documents' own diagnostics are not delayed by a large workspace."""
        with self._lock:
            taint, lock = self.taint, self.taint_lock
        paths = [t.path for t in self.discover(roots).targets][:max_files]
        changed = 0
        for path in paths:  # one file at a time, so open documents can interleave
            if wait_idle is not None:
                wait_idle()
            with lock:
                changed += len(taint.update_files([path]))
        return changed

    def discover(self, roots: list[str]):
        with self._lock:
            checker = self._checker
        return checker.discover(roots)


def _state(project: Project, checker: Checker, problems: list[SettingsProblem]) -> ProjectState:
    loaded = project.loaded
    settings = getattr(loaded, "settings", None)
    policy = getattr(settings, "policy", None)
    mode = str(getattr(policy, "mode", None) or getattr(settings, "mode", None) or "development")
    return ProjectState(root=project.root, source=getattr(loaded, "path", None),
                        source_label=str(getattr(loaded, "source", "") or "built-in defaults"),
                        mode=mode, checker=checker, policy=policy, problems=problems,
                        project=project)


def _taint_passes(analysis: Any, workspace: Any) -> list:
    passes = taint_passes(analysis, cache=True, reconcile_later=True)
    for taint_pass in passes:
        taint_pass.workspace = workspace
    return passes


def _load(directory: str, mode: str | None, config: ServerConfig):
    from apex_policy import load_settings
    return load_settings(directory, mode=mode, editor=dict(config.policy) or None)


def _lenient_loader(config: ServerConfig, sink: dict[str, list[SettingsProblem]]
                    ) -> Callable[..., Any]:
    """The policy loader, with its errors moved aside so analysis goes on."""
    def load(directory: str, mode: str | None = None):
        loaded = _load(directory, mode, config)
        errors = list(getattr(loaded, "errors", ()) or ())
        if errors:
            sink[os.path.abspath(loaded.root)] = [_problem(e) for e in errors]
            loaded = dataclasses.replace(loaded, errors=[])
        return loaded
    return load


def _defaults_loader(config: ServerConfig) -> Callable[..., Any]:
    """The policy as loaded, but the analysis settings at their defaults."""
    from apex_policy.analysis_settings import AnalysisSettings

    def load(directory: str, mode: str | None = None):
        try:
            loaded = _load(directory, mode, config)
            settings = dataclasses.replace(loaded.settings, analysis=AnalysisSettings())
            return dataclasses.replace(loaded, settings=settings, errors=[])
        except Exception:
            log.exception("loading the policy for %s failed; using defaults", directory)
            from apex_policy import Settings
            return SimpleNamespace(settings=Settings(), errors=[], root=directory,
                                   source="built-in defaults", path=None, origins={})
    return load


def _apply_policy(findings: list[Finding], policy: Any, source: str | None) -> list[Finding]:
    try:
        from apex_lsp.analysis.policy_filter import apply_policy  # type: ignore[import-not-found]
    except ImportError:
        return findings
    try:
        return list(apply_policy(findings, policy, source=source))
    except Exception:
        log.exception("apply_policy failed; showing unfiltered findings")
        return findings


def policy_problems(directory: str, name: str, config: ServerConfig) -> list[SettingsProblem]:
    """Every problem in the policy file ``name`` in ``directory`` (loader and rule selection)."""
    problems: dict[str, list[SettingsProblem]] = {}
    resolver = ProjectResolver(mode=config.mode, loader=_lenient_loader(config, problems))
    found: list[SettingsProblem] = []
    try:
        resolver.for_directory(directory)
    except ConfigError as exc:
        found.extend(_problem(p) for p in exc.problems)
    for items in problems.values():
        found.extend(items)
    return [p for p in found if os.path.basename(p.path or "") == name]
