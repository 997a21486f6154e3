"""``--format text``: one line per finding, then a summary grouped by rule and severity.

    app/views.py:12:5: APX101 [high] eval() of a non-literal expression ...

Errors (files that could not be analysed) go to stderr, so stdout stays a
clean list of findings for editors' "problem matchers" and grep.
"""
from __future__ import annotations

import sys
from collections import Counter
from typing import TextIO

from ..registry import rules_by_id


def finding_line(f) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.rule} [{f.severity}] {f.message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_lines(report) -> list[str]:
    files_with = len({f.path for f in report.findings})
    head = (f"Found {_plural(len(report.findings), 'finding')} in {files_with} of "
            f"{_plural(report.files, 'file')} checked" if report.findings
            else f"No findings in {_plural(report.files, 'file')} checked")
    extras = []
    if report.suppressed:
        extras.append(f"{report.suppressed} suppressed")
    if report.errors:
        extras.append(_plural(len(report.errors), "error"))
    lines = [head + (f" ({', '.join(extras)})" if extras else "") + "."]
    if not report.findings:
        return lines
    by_severity = Counter(f.severity for f in report.findings)
    lines.append("By severity: " + ", ".join(
        f"{sev} {by_severity[sev]}" for sev in sorted(by_severity, reverse=True)))
    names = {rule_id: rule.name for rule_id, rule in rules_by_id().items()}
    by_rule = Counter((f.rule, f.severity) for f in report.findings)
    width = max(len(names.get(r, "")) for r, _ in by_rule)
    lines.append("By rule:")
    for (rule_id, sev), count in sorted(by_rule.items(),
                                        key=lambda kv: (-int(kv[0][1]), -kv[1], kv[0][0])):
        lines.append(f"  {rule_id}  {names.get(rule_id, ''):<{width}}  {str(sev):<8}  {count:>5}")
    return lines


def write(report, out: TextIO, *, errors_to: TextIO | None = None, **_options) -> None:
    err = errors_to if errors_to is not None else sys.stderr
    for f in report.findings:
        out.write(finding_line(f) + "\n")
    for e in report.errors:
        err.write(f"{e.path}: error: {e.message}\n")
    if report.findings:
        out.write("\n")
    out.write("\n".join(summary_lines(report)) + "\n")

