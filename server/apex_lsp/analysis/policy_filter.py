"""Turn capability findings (APX901-APX909) into policy verdicts.

The capability rules report facts: "this calls requests.get (network)". The
mode policy decides what each fact means:

* a **denied** capability becomes a high-severity finding:
  "network access (requests.get) is denied in isolation mode — policy:
  pyproject.toml [tool.apex]";
* an **audited** one becomes an info-level note;
* an **allowed** one is dropped.

When a pattern rule (APX101 eval, APX200 pickle, ...) that carries the same
capability flagged the same call, that finding absorbs the verdict (and a
denial raises it to at least high severity) instead of a second finding at
the same place.

When the source spells the target out (``requests.get("https://api.example.com")``,
``open("build/out.txt", "w")``), it is judged against the capability's scopes
exactly as the runtime guard would judge it, relative paths from the project
root; otherwise the verdict is the capability's action and the message lists
the scopes.
"""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Any, Callable, Iterable

from apex_policy.capabilities import CAPABILITIES

from .model import Finding, Severity

#: The capability rules' ids, in CAPABILITIES order (APX901 network ... APX909 threads).
CAPABILITY_RULES = {f"APX9{index:02d}": cap for index, cap in enumerate(CAPABILITIES, 1)}

_VERBS = {"audit": "audited", "deny": "denied"}
#: The literal target a capability rule found: "network access (requests.get) on host:443".
_TARGET = re.compile(r"\) on (.+)$")


def apply_policy(findings: Iterable[Finding], policy: Any, *,
                 source: str | None = None) -> list[Finding]:
    """The findings as the policy sees them. Does not modify its arguments."""
    label = source_label(source) or getattr(policy, "source", None) or "built-in defaults"
    mode = getattr(policy, "mode", "development")
    kept: list[Finding] = []
    uses: list[Finding] = []
    for finding in findings:
        (uses if _is_use(finding) else kept).append(finding)
    if not uses:
        return kept
    # A pattern finding per (place, capability) that can absorb a verdict.
    partners: dict[tuple, int] = {}
    for index, finding in enumerate(kept):
        if finding.capability:
            partners.setdefault(_place(finding, finding.capability), index)
    extra: list[Finding] = []
    for use in uses:
        # A [[tool.apex.overrides]] entry covering the file replaces the project's rule.
        where = _override_path(use.path, policy)
        rule = policy.capability(use.capability, where) if where else \
            policy.capability(use.capability)
        target = _TARGET.search(use.message)
        if target is not None:
            # A literal target is judged as the runtime guard would judge it.
            static = _static_target(use.capability, target.group(1), policy)
            action = policy.decide(use.capability, static, path=where) if where else \
                policy.decide(use.capability, static)
        else:
            action = rule.action
        if action == "allow":
            continue
        verdict = f"is {_VERBS.get(action, action)} in {mode} mode"
        scopes = tuple(getattr(rule, "allow", ()) or ())
        if scopes and target is None:
            verdict += f" (allowed for {', '.join(_scope_text(s) for s in scopes)})"
        override = policy.override_for(use.capability, where) if where else None
        verdict += f" — policy: {override.source if override is not None else label}"
        severity = Severity.HIGH if action == "deny" else Severity.INFO
        partner = partners.get(_place(use, use.capability))
        if partner is not None:
            host = kept[partner]
            kept[partner] = dataclasses.replace(
                host, message=f"{host.message}; {use.message} {verdict}",
                severity=max(host.severity, severity))
            continue
        extra.append(dataclasses.replace(use, message=f"{use.message} {verdict}",
                                         severity=severity))
    out = kept + extra
    out.sort(key=Finding.sort_key)
    return out


def apply_project_policies(findings: Iterable[Finding],
                           project_for: Callable[[str], Any]) -> list[Finding]:
    """``apply_policy`` for findings from many projects (``apex check`` over a tree).

    ``project_for(path)`` returns the project governing a file: an object with
    ``loaded`` (what ``apex_policy.load_settings`` returned) and optionally
    ``selection.min_severity``, which is applied again after the verdicts since a
    verdict changes a finding's severity.
    """
    groups: dict[int, tuple[Any, list[Finding]]] = {}
    for finding in findings:
        project = project_for(finding.path)
        groups.setdefault(id(project), (project, []))[1].append(finding)
    out: list[Finding] = []
    for project, items in groups.values():
        loaded = getattr(project, "loaded", None)
        policy = getattr(getattr(loaded, "settings", None), "policy", None)
        if policy is None:
            out.extend(f for f in items if not _is_use(f))
            continue
        judged = apply_policy(items, policy, source=getattr(loaded, "source", None))
        floor = getattr(getattr(project, "selection", None), "min_severity", None)
        out.extend(f for f in judged if floor is None or f.severity >= floor)
    out.sort(key=Finding.sort_key)
    return out


def source_label(source: str | None) -> str | None:
    """"pyproject.toml [tool.apex]" for a path to a pyproject.toml; labels pass through."""
    if not source:
        return None
    if "[" in source or source.startswith("built-in") or not source.endswith(".toml"):
        return source
    name = os.path.basename(source)
    return f"{name} [tool.apex]" if name == "pyproject.toml" else name


def _static_target(capability: str, target: str, policy: Any) -> str:
    """Relative paths in source are taken from the project root (the runtime guard
    sees them from the working directory, usually the same place)."""
    if capability in ("filesystem_write", "filesystem_read") and not os.path.isabs(target):
        return os.path.join(getattr(policy, "root", "."), os.path.expanduser(target))
    return target


def _override_path(path: str | None, policy: Any) -> str | None:
    """The finding's file when the policy has per-path overrides (else None: no lookup)."""
    if not path or not getattr(policy, "overrides", None):
        return None
    return path


def _scope_text(scope: str) -> str:
    return "paths inside the project" if scope in ("**", "**/*") else scope


def _is_use(finding: Finding) -> bool:
    return CAPABILITY_RULES.get(finding.rule) is not None and finding.capability is not None


def _place(finding: Finding, capability: str) -> tuple:
    return (finding.path, finding.line, finding.column, capability)
