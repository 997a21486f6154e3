"""Turning linked taint paths into Findings, and reconciling them with pattern rules."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ..model import Confidence, Finding, Severity
from .kinds import KINDS, PATTERN_CWES, RULE_TO_KIND
from .link import RawFinding


def taint_rules() -> dict:
    """kind -> the Rule class reporting it."""
    from ..registry import rules_by_id
    rules = rules_by_id()
    return {kind.name: rules[kind.rule_id] for kind in KINDS.values() if kind.rule_id in rules}


def to_finding(raw: RawFinding, rule, severity_overrides: dict | None = None) -> Finding:
    kind = KINDS[raw.kind]
    via = f" via {' -> '.join(f'`{name}()`' for name in raw.via)}" if raw.via else ""
    if kind.family == "secret":
        message = f"secret value ({raw.source}) is written to {raw.sink}{via}"
    else:
        message = f"untrusted data ({raw.source}) reaches {kind.title} sink {raw.sink}{via}"
    severity = (severity_overrides or {}).get(rule.id, rule.severity)
    confidence = Confidence(min(int(rule.confidence), raw.confidence))
    return Finding(raw.path, raw.span[0], raw.span[1], raw.span[2], raw.span[3], rule.id,
                   severity, confidence, rule.cwe, rule.capability, message,
                   path_steps=raw.steps, stmt_lines=raw.stmt_lines)


def verdict_lines(findings: Iterable[Finding]) -> set[int]:
    """Lines of pattern findings that a taint verdict could downgrade (see reconcile)."""
    return {f.line for f in findings
            if f.cwe in _RECONCILED_CWES and f.rule not in RULE_TO_KIND
            and f.severity > Severity.LOW}


_RECONCILED_CWES = frozenset().union(*PATTERN_CWES.values())


def reconcile(findings: list[Finding], verdicts: Iterable = (), *,
              dominate: bool = True) -> list[Finding]:
    """Let taint findings dominate the pattern findings on the same sink call.

    * A pattern finding (any rule outside APX800-849 whose CWE belongs to the
      sink kind) at the location of a taint finding of that kind is dropped:
      the taint finding says the same, more precisely, at a higher severity.
    * A pattern finding on a sink call whose dangerous argument the taint
      engine proved constant or sanitized (``verdicts``: (path, Verdict)
      pairs) is downgraded to low severity and says why.

    The taint pass calls this on each file's findings; a checker that merges
    findings from elsewhere (workspace, other passes) may call it again. A pass
    whose taint findings may still be overruled by cross-file linking applies
    only the verdicts (``dominate=False``), and the checker reconciles after.
    Returns the new list; ``findings`` is not modified.
    """
    tainted = {(f.path, f.line, f.column, RULE_TO_KIND[f.rule]) for f in findings
               if f.rule in RULE_TO_KIND} if dominate else set()
    proven = {}
    for path, verdict in verdicts:
        proven[(path, verdict.span[0], verdict.span[1], verdict.kind)] = verdict
    if not tainted and not proven:
        return list(findings)
    out = []
    for finding in findings:
        if finding.rule in RULE_TO_KIND or finding.cwe is None:
            out.append(finding)
            continue
        kinds = [k for k, cwes in PATTERN_CWES.items() if finding.cwe in cwes]
        where = (finding.path, finding.line, finding.column)
        if any(where + (k,) in tainted for k in kinds):
            continue
        verdict = next((proven[where + (k,)] for k in kinds if where + (k,) in proven), None)
        if verdict is not None and finding.severity > Severity.LOW:
            reason = "argument is constant" if verdict.verdict == "constant" else verdict.detail
            finding = replace(finding, severity=Severity.LOW,
                              message=f"{finding.message} (downgraded: {reason})")
        out.append(finding)
    return out
