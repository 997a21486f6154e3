"""The analyzer and the mode policy as the server sees them: one immutable
:class:`ProjectState` per project root, rebuilt when a policy file or the editor
settings change.

This module knows nothing about LSP. It is the one place that calls into
``apex_policy`` (settings loading, policy) and ``apex_lsp.analysis``
(rule selection, the analyzer, the policy filter), so the handlers stay thin.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable

from apex_lsp.analysis import Analyzer, FileResult, Finding, all_rules

from .config import ServerConfig

log = logging.getLogger(__name__)

POLICY_FILES = ("apex.toml", "pyproject.toml")


@dataclass(frozen=True)
class SettingsProblem:
    """An invalid key in a policy file, located for a diagnostic."""

    path: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based
    key: str
    message: str


@dataclass
class ProjectState:
    root: str | None
    #: The policy file the settings came from, or None for built-in defaults.
    source: str | None
    mode: str
    analyzer: Analyzer
    policy: Any = None
    settings: Any = None
    problems: list[SettingsProblem] = field(default_factory=list)

    def analyze(self, text: str, path: str) -> FileResult:
        result = self.analyzer.analyze_source(text, path)
        if self.policy is not None:
            result.findings = _apply_policy(result.findings, self.policy, self.source)
        return result

    def capability_action(self, capability: str | None) -> str | None:
        """``allow`` / ``audit`` / ``deny`` for a capability in this policy, if known."""
        if capability is None or self.policy is None:
            return None
        rule = getattr(self.policy, "capability", None)
        if callable(rule):
            try:
                return str(rule(capability).action)
            except Exception:  # a policy API mismatch must not break hover
                log.debug("policy.capability(%r) failed", capability, exc_info=True)
        return None

    def analyze_bytes(self, data: bytes, path: str) -> FileResult:
        result = self.analyzer.analyze_bytes(data, path)
        if self.policy is not None:
            result.findings = _apply_policy(result.findings, self.policy, self.source)
        return result

    def policy_summary(self) -> dict:
        """A JSON-able view of the effective policy."""
        policy = self.policy
        out = {"mode": self.mode, "source": self.describe_source(), "root": self.root,
               "problems": [{"path": p.path, "line": p.line, "key": p.key, "message": p.message}
                            for p in self.problems]}
        if policy is not None:
            from apex_policy.capabilities import CAPABILITIES
            out["capabilities"] = {c: self.capability_action(c) for c in CAPABILITIES}
            out["debug"] = dict(getattr(policy, "debug", {}) or {})
        return out

    def describe_source(self) -> str:
        if self.source is None:
            return "built-in defaults"
        name = os.path.basename(self.source)
        return f"{self.source} [tool.apex]" if name == "pyproject.toml" else self.source


class Projects:
    """Project states keyed by directory; thread-safe, invalidated as a whole."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_dir: dict[str, ProjectState] = {}
        self.config = ServerConfig()
        self.generation = 0

    def reset(self, config: ServerConfig | None = None) -> None:
        with self._lock:
            if config is not None:
                self.config = config
            self._by_dir.clear()
            self.generation += 1

    def for_path(self, path: str) -> ProjectState:
        directory = os.path.dirname(os.path.abspath(path)) if path else os.getcwd()
        with self._lock:
            state = self._by_dir.get(directory)
            config = self.config
        if state is None:
            state = load_project(directory, config)
            with self._lock:
                self._by_dir.setdefault(directory, state)
        return state


def find_policy_file(directory: str) -> str | None:
    """The nearest apex.toml, or pyproject.toml holding a [tool.apex] table."""
    current = os.path.abspath(directory)
    while True:
        for name in POLICY_FILES:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate) and (name == "apex.toml" or _has_tool_apex(candidate)):
                return candidate
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _has_tool_apex(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return any(line.strip().startswith("[tool.apex") for line in handle)
    except (OSError, UnicodeDecodeError):
        return False


def load_project(directory: str, config: ServerConfig) -> ProjectState:
    """Load the effective settings for files in ``directory``."""
    loaded = _load_settings(directory, config)
    if loaded is not None:
        return _state_from_loaded(loaded, config)
    # Policy loader not available: default rules, mode from the editor.
    source = find_policy_file(directory)
    problems = check_policy_file(source) if source else []
    return ProjectState(
        root=os.path.dirname(source) if source else None, source=source,
        mode=config.mode or "development", analyzer=_default_analyzer(), problems=problems)


def _load_settings(directory: str, config: ServerConfig):
    try:
        from apex_policy import load_settings  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return load_settings(directory, mode=config.mode, editor=dict(config.policy) or None)
    except Exception:
        log.exception("apex_policy.load_settings(%r) failed; using defaults", directory)
        return None


def _state_from_loaded(loaded: Any, config: ServerConfig) -> ProjectState:
    settings = getattr(loaded, "settings", None)
    policy = getattr(settings, "policy", None)
    analysis = getattr(settings, "analysis", None)
    mode = getattr(policy, "mode", None) or config.mode or "development"
    mode = str(getattr(mode, "value", mode))
    source = getattr(loaded, "source", None)
    source = str(source) if source else None
    root = getattr(loaded, "root", None)
    problems = [SettingsProblem(str(getattr(e, "path", "") or source or ""),
                                int(getattr(e, "line", 0) or 0), int(getattr(e, "column", 0) or 0),
                                str(getattr(e, "key", "") or ""), str(getattr(e, "message", e)))
                for e in (getattr(loaded, "errors", None) or ())]
    return ProjectState(root=str(root) if root else None, source=source, mode=mode,
                        analyzer=_analyzer_for(analysis), policy=policy, settings=settings,
                        problems=problems)


@functools.lru_cache(maxsize=1)
def _default_analyzer() -> Analyzer:
    return Analyzer([r for r in all_rules() if r.enabled_by_default])


def _analyzer_for(analysis: Any) -> Analyzer:
    if analysis is None:
        return _default_analyzer()
    try:
        from apex_lsp.analysis import selection  # type: ignore[attr-defined]
    except ImportError:
        return _default_analyzer()
    for name in ("build_analyzer", "analyzer_for", "make_analyzer"):
        factory = getattr(selection, name, None)
        if callable(factory):
            try:
                return factory(analysis)
            except Exception:
                log.exception("selection.%s failed; using the default rules", name)
                return _default_analyzer()
    return _default_analyzer()


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


def check_policy_file(path: str) -> list[SettingsProblem]:
    """TOML syntax problems in a policy file (the policy loader reports the rest)."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            tomllib.load(handle)
    except OSError as exc:
        return [SettingsProblem(path, 0, 0, "", f"cannot read policy file: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_position(str(exc))
        return [SettingsProblem(path, line, column, "", f"invalid TOML: {exc}")]
    return []


def _toml_error_position(message: str) -> tuple[int, int]:
    import re
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def iter_python_files(root: str, excludes: Iterable[str]) -> Iterable[str]:
    """Python files under ``root``, skipping excluded directory names and globs."""
    import fnmatch
    patterns = tuple(excludes)
    for current, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(current, root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not _excluded(d, os.path.normpath(os.path.join(rel_dir, d)),
                                           patterns, fnmatch))
        for name in sorted(files):
            if name.endswith((".py", ".pyi")):
                rel = os.path.normpath(os.path.join(rel_dir, name))
                if not _excluded(name, rel, patterns, fnmatch):
                    yield os.path.join(current, name)


def _excluded(name: str, rel: str, patterns: tuple[str, ...], fnmatch) -> bool:
    rel = rel.replace(os.sep, "/")
    return any(name == p or rel == p.rstrip("/") or fnmatch.fnmatch(rel, p)
               or rel.startswith(p.rstrip("/") + "/") for p in patterns)


def excludes_for(state: ProjectState) -> tuple[str, ...]:
    analysis = getattr(state.settings, "analysis", None)
    if analysis is None:
        from apex_policy.analysis_settings import AnalysisSettings
        analysis = AnalysisSettings()
    return tuple(analysis.exclude) + tuple(analysis.extend_exclude)
