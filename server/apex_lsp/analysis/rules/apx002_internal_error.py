"""A rule crashed on this code; its findings here may be missing.

## What it does
Reports that one of Apex's own rules (or a whole-file pass over the tree)
raised an exception while looking at this statement. The other rules
and the other files are analysed as usual; only the crashed rule's findings for
this file may be incomplete. The message names the rule, the exception and the
place in the rule's code, and says how often it happened in the file (each rule
is reported once per file, at its first crash).

## Why is this bad
A silent crash would look like a clean result: a real problem the rule exists
to catch could go unreported. This is a bug in Apex, not in your code; please
report it with the message. Until it is fixed, `ignore = ["APX002"]` hides
these reports (syntax errors stay `APX000`).

## Example
What `apex check` prints when a rule raises (the code itself may be fine):
```text
app/views.py:12:5: APX002 [low] rule APX150 crashed: AttributeError: 'NoneType' object has no attribute 'id' (at apx150_os_system.py:41)
```

## Use instead
Nothing to change in your code: upgrade Apex, or report the crash with the
message above.
"""
from __future__ import annotations

import ast
import os
import traceback

from ..model import Confidence, Finding, Severity
from ..rule import Rule


class InternalRuleError(Rule):
    id = "APX002"
    name = "internal-rule-error"
    category = "meta"
    # Not a weakness in the analysed code (no CWE), but coverage lost: low, so editors
    # show it (as information, where info would be a barely visible hint). Certain: the
    # rule did raise.
    severity = Severity.LOW
    confidence = Confidence.HIGH


INTERNAL_ERROR_ID = InternalRuleError.id


def crash_finding(path: str, culprit: str, node: ast.AST | None, exc: BaseException,
                  lines: list[str] | None = None) -> Finding:
    """The finding for ``culprit`` ("rule APX150", "file pass X") raising ``exc`` at
    ``node`` (None: the file as a whole).

    ``lines`` (the source's lines) turn the AST's UTF-8 byte offset into a character column."""
    line = getattr(node, "lineno", None) or 1
    offset = getattr(node, "col_offset", 0) or 0
    if lines is not None and 1 <= line <= len(lines):
        offset = len(lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "replace"))
    column = offset + 1
    return Finding(path, line, column, line, column, INTERNAL_ERROR_ID,
                   InternalRuleError.severity, InternalRuleError.confidence, None, None,
                   f"{culprit} crashed: {type(exc).__name__}: {exc}{_where(exc)}")


def crashed_rule(finding: Finding) -> str | None:
    """The id of the rule an APX002 finding reports (None for a file pass or another rule)."""
    if finding.rule != INTERNAL_ERROR_ID:
        return None
    culprit = finding.message.partition(" crashed:")[0]
    kind, _, name = culprit.partition(" ")
    return name if kind == "rule" and name else None


def _where(exc: BaseException) -> str:
    """' (at module.py:LINE)': the innermost frame, so a bug report can point at it."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {os.path.basename(last.filename)}:{last.lineno})"


def collapse_crashes(findings: list[Finding]) -> list[Finding]:
    """One APX002 per crashed rule per file: the first, with how often it happened.

    A rule that fails on every call would otherwise bury the file's real findings."""
    first: dict[str, Finding] = {}
    counts: dict[str, int] = {}
    kept = []
    for finding in findings:
        if finding.rule != INTERNAL_ERROR_ID:
            kept.append(finding)
            continue
        key = finding.message.partition(":")[0]  # "<culprit> crashed"
        counts[key] = counts.get(key, 0) + 1
        if key not in first:
            first[key] = finding
            kept.append(finding)
    for key, count in counts.items():
        if count > 1:
            first[key].message += f" [{count} times in this file; the first is shown]"
    return kept
