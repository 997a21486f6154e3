"""The typed, frozen settings tree.

Every field carries metadata (``doc``, ``kind``, ``scope``, the TOML ``key``)
from which the loader validates, ``apex_policy.schema`` exports the editor
settings schema and ``apex_policy.docs`` writes the reference pages. Nothing
about a key is written down twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional, Tuple

from .analysis_settings import AnalysisSettings
from .fields import setting
from .capabilities import (CAPABILITY_LABELS, DEBUG_OPERATION_LABELS, DEBUG_OPERATIONS,
                           DEFAULT_MODE)
from .runtime import RuntimePolicy


@dataclass(frozen=True)
class CapabilityRule:
    """What the policy says about one capability."""

    action: str = setting("allow", doc="`allow`, `audit` (allowed and written to the audit "
                                       "log) or `deny`.", kind="action")
    allow: Tuple[str, ...] = setting((), doc="Scopes (hosts, executables, path globs) that are "
                                             "allowed whatever the action says.",
                                     kind="scopes")


@dataclass(frozen=True)
class CapabilityOverride:
    """Capability rules for the files under some paths (``[[tool.apex.overrides]]``),
    like ruff's per-file settings: the last override whose paths match a file wins."""

    paths: Tuple[str, ...] = setting((), doc="Path globs (relative to the project root) of "
                                             "the source files the override governs: calls "
                                             "made from code in these files.", kind="strings")
    capabilities: Mapping[str, CapabilityRule] = setting(
        None, default_factory=dict, doc="Capability rules for those files, written like "
        "`[tool.apex.capabilities]` (`{ network = \"allow\" }` or `{ network = { action = "
        "\"deny\", allow = [...] } }`); a key not given keeps the project's value.",
        kind="capability-rules")
    #: Where the override was written ("pyproject.toml:12").
    source: str = field(default="", compare=False)

    def covers(self, root: str, path: str) -> bool:
        return any(_path_match(root, p, path) for p in self.paths)


@dataclass(frozen=True)
class Permission:
    """A grant of debug operations in hybrid mode, optionally scoped and expiring."""

    operations: Tuple[str, ...] = setting((), doc="Debug operations granted (`state_edit`, "
                                                  "`hot_reload`, ...).", kind="operations")
    paths: Tuple[str, ...] = setting((), doc="Path globs (relative to the project root) the "
                                             "grant is limited to; empty: every path.",
                                     kind="strings")
    modules: Tuple[str, ...] = setting((), doc="Module names or globs (`app.*`) the grant is "
                                               "limited to; empty: every module.",
                                       kind="strings")
    expires: Optional[datetime] = setting(None, doc="An ISO timestamp (`2026-12-31T18:00:00Z`) "
                                                    "or a duration (`2h`) counted from when "
                                                    "the policy file was last written (for "
                                                    "editor/CLI grants: from when they were "
                                                    "given).", kind="expiry")
    reason: str = setting("", doc="Why the grant exists; shown in gate messages and the "
                                  "audit log.", kind="string")
    #: Where the grant was written ("pyproject.toml [tool.apex] permissions[0]").
    source: str = field(default="", compare=False)

    def expired(self, now: datetime) -> bool:
        return self.expires is not None and now >= self.expires

    def covers(self, operation: str, root: str, path: Optional[str],
               module: Optional[str]) -> bool:
        if operation not in self.operations:
            return False
        if self.paths:
            if path is None or not any(_path_match(root, p, path) for p in self.paths):
                return False
        if self.modules:
            if module is None or not any(_module_match(p, module) for p in self.modules):
                return False
        return True


@dataclass(frozen=True)
class Limits:
    """Resource limits for isolated runs. Unset: unlimited."""

    memory: Optional[int] = setting(None, doc="Address-space limit per process, e.g. `512MB`, "
                                              "`1GiB`.", kind="size")
    cpu: Optional[float] = setting(None, doc="CPU time per process, e.g. `30s`, `5m`.",
                                   kind="duration")
    wall: Optional[float] = setting(None, doc="Wall-clock time for the whole run; the parent "
                                              "kills the process tree when it passes.",
                                    kind="duration")
    processes: Optional[int] = setting(None, doc="Maximum number of processes.", kind="count")
    threads: Optional[int] = setting(None, doc="Maximum number of threads per process.",
                                     kind="count")
    open_files: Optional[int] = setting(None, doc="Maximum number of open file descriptors.",
                                        kind="count")
    file_size: Optional[int] = setting(None, doc="Largest file a process may write, e.g. "
                                                 "`64MB`.", kind="size")
    disk: Optional[int] = setting(None, doc="Total disk usage of the allowed write "
                                            "directories, e.g. `256MB`.", kind="size")


@dataclass(frozen=True)
class AuditSettings:
    """Where and whether audit records are written."""

    enabled: bool = setting(True, doc="Write audit records (audited capability uses, every "
                                      "debug mutation, every mode switch).", kind="bool")
    path: str = setting(".apex/audit.jsonl", doc="The audit log, relative to the project root "
                                                 "or absolute.", kind="string")
    actor: str = setting("", doc="Who is acting, recorded in each record; empty: the login "
                                 "name.", kind="string", scope="machine")


@dataclass(frozen=True)
class DebugOptions:
    """Debug session settings beside the per-operation gates of ``[tool.apex.debug]``."""

    allow_mode_override: bool = setting(
        False, doc="Let the `mode` of a debug configuration (launch/attach) be less strict "
                   "than this policy's mode. Off: a configuration can only make the mode "
                   "stricter (isolation > hybrid > development). Read from the policy "
                   "file only: an editor setting cannot loosen the project's mode.",
        kind="bool", scope="file")


@dataclass(frozen=True)
class GateDecision:
    """The answer to "may I do this debug operation here, now?"."""

    allowed: bool
    reason: str
    #: When denied but a permission would allow it: the TOML that grants it.
    permission_hint: Optional[str] = None

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Policy:
    """The effective policy: one mode with its capability rules, gates and limits."""

    mode: str = DEFAULT_MODE
    capabilities: Mapping[str, CapabilityRule] = field(default_factory=dict)
    #: Debug operation -> ``allow`` | ``permission`` | ``deny``.
    debug: Mapping[str, str] = field(default_factory=dict)
    debug_options: DebugOptions = field(default_factory=DebugOptions)
    permissions: Tuple[Permission, ...] = ()
    #: Per-path capability rules; the last one matching a file wins.
    overrides: Tuple[CapabilityOverride, ...] = ()
    limits: Limits = field(default_factory=Limits)
    audit: AuditSettings = field(default_factory=AuditSettings)
    #: The project root: scopes and audit paths are relative to it.
    root: str = "."
    #: Where the policy came from, for messages: "pyproject.toml [tool.apex]".
    source: str = "built-in defaults"

    # -- capabilities -----------------------------------------------------
    def capability(self, name: str, path: Optional[str] = None) -> CapabilityRule:
        """The rule for ``name``; with ``path`` (the file making the call), the last
        override covering that file and naming the capability wins."""
        override = self.override_for(name, path)
        if override is not None:
            return override.capabilities[name]
        return self.capabilities.get(name, CapabilityRule())

    def override_for(self, name: str, path: Optional[str]) -> Optional[CapabilityOverride]:
        if path is None:
            return None
        for override in reversed(self.overrides):
            if name in override.capabilities and override.covers(self.root, path):
                return override
        return None

    def decide(self, capability: str, target: Any = None, path: Optional[str] = None) -> str:
        """``allow`` | ``audit`` | ``deny`` for a use of ``capability`` on ``target``
        by code in the file ``path`` (None: the project-wide rule)."""
        return self.runtime().decide(capability, target, path=path)

    def runtime(self) -> RuntimePolicy:
        """The same policy as the harness sees it (built once per Policy)."""
        cached = self.__dict__.get("_runtime")
        if cached is None:
            cached = RuntimePolicy.from_dict(self.to_runtime())
            object.__setattr__(self, "_runtime", cached)  # a cache, not state
        return cached

    def describe(self, capability: str, api: str, action: Optional[str] = None) -> str:
        """"network access (requests.get) is denied in isolation mode — policy: ..."."""
        action = action or self.capability(capability).action
        verb = {"allow": "allowed", "audit": "audited", "deny": "denied"}[action]
        label = CAPABILITY_LABELS.get(capability, capability)
        return f"{label} ({api}) is {verb} in {self.mode} mode — policy: {self.source}"

    # -- debug operations ---------------------------------------------------
    def gate(self, operation: str, *, path: Optional[str] = None, module: Optional[str] = None,
             now: Optional[datetime] = None, anywhere: bool = False) -> GateDecision:
        """May ``operation`` run (on code in ``path`` / ``module``) at ``now``?

        ``anywhere``: may it run on some code, for a request that names files only
        later (a hot reload checks each changed file then): a permission limited to
        paths or modules counts."""
        if operation not in DEBUG_OPERATIONS:
            return GateDecision(False, f"unknown debug operation {operation!r}; expected one "
                                       f"of {', '.join(DEBUG_OPERATIONS)}")
        label = DEBUG_OPERATION_LABELS[operation]
        gate = self.debug.get(operation, "allow")
        where = f" — policy: {self.source}"
        if gate == "allow":
            return GateDecision(True, f"{label} is allowed in {self.mode} mode{where}")
        if gate == "deny":
            return GateDecision(False, f"{label} is denied in {self.mode} mode{where}")
        moment = _utc(now)
        expired = None
        for permission in self.permissions:
            if not (operation in permission.operations if anywhere
                    else permission.covers(operation, self.root, path, module)):
                continue
            if permission.expired(moment):
                expired = expired or permission
                continue
            until = (f" until {permission.expires.strftime('%Y-%m-%dT%H:%M:%SZ')}"
                     if permission.expires else "")
            why = f" ({permission.reason})" if permission.reason else ""
            return GateDecision(True, f"{label} is allowed in {self.mode} mode by the permission "
                                      f"in {permission.source}{until}{why}")
        hint = _permission_hint(operation, self.root, path, module, self.source)
        if expired is not None:
            stamp = expired.expires.strftime("%Y-%m-%dT%H:%M:%SZ") if expired.expires else ""
            return GateDecision(False, f"{label} is denied in {self.mode} mode: the permission "
                                       f"in {expired.source} expired at {stamp}{where}", hint)
        scope = f" for {path}" if path else (f" for module {module}" if module else "")
        return GateDecision(False, f"{label} is denied in {self.mode} mode without a "
                                   f"permission{scope}{where}", hint)

    # -- export -------------------------------------------------------------
    def to_runtime(self) -> Dict[str, Any]:
        """A JSON-able dict the harness turns back into a :class:`RuntimePolicy`."""
        limits = {name: getattr(self.limits, name) for name in _LIMIT_NAMES}
        return {
            "version": 1,
            "mode": self.mode,
            "root": self.root,
            "source": self.source,
            "capabilities": {name: {"action": rule.action, "allow": list(rule.allow)}
                             for name, rule in self.capabilities.items()},
            "overrides": [{"paths": list(o.paths), "source": o.source,
                           "capabilities": {name: {"action": rule.action,
                                                   "allow": list(rule.allow)}
                                            for name, rule in o.capabilities.items()}}
                          for o in self.overrides],
            "limits": limits,
            "audit": {"enabled": self.audit.enabled,
                      "path": audit_path(self.root, self.audit.path),
                      "actor": self.audit.actor},
        }


_LIMIT_NAMES = ("memory", "cpu", "wall", "processes", "threads", "open_files", "file_size",
                "disk")


@dataclass(frozen=True)
class Settings:
    """Everything ``[tool.apex]`` configures."""

    mode: str = DEFAULT_MODE
    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    policy: Policy = field(default_factory=Policy)


def audit_path(root: str, path: str) -> str:
    import os
    expanded = os.path.expanduser(path)
    return os.path.normpath(expanded if os.path.isabs(expanded) else os.path.join(root, expanded))


def _utc(now: Optional[datetime]) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


def _path_match(root: str, pattern: str, path: str) -> bool:
    from .runtime import path_matches
    return path_matches(pattern, path, root)


def _module_match(pattern: str, module: str) -> bool:
    from fnmatch import fnmatchcase
    return module == pattern or module.startswith(pattern + ".") or fnmatchcase(module, pattern)


def _permission_hint(operation: str, root: str, path: Optional[str], module: Optional[str],
                     source: str) -> str:
    import os
    target = source.split(" [")[0] if source and not source.startswith("built-in") \
        else "pyproject.toml"
    header = "[[permissions]]" if target.endswith("apex.toml") else "[[tool.apex.permissions]]"
    lines = [header, f'operations = ["{operation}"]']
    if path:
        shown = path
        try:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
            if not rel.startswith(".."):
                shown = rel.replace(os.sep, "/")
        except ValueError:
            pass
        lines.append(f'paths = ["{shown}"]')
    elif module:
        lines.append(f'modules = ["{module}"]')
    lines.append('expires = "2h"')
    return f"grant it in {target}:\n" + "\n".join(lines)
