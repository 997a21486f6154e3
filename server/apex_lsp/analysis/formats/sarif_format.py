"""``--format sarif``: SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps).

* ``tool.driver.rules``: every rule the run used, with its docstring as help,
  its docs page as ``helpUri``, ``security-severity`` and tags in
  ``properties``, and a relationship to its CWE entry;
* ``runs[0].taxonomies``: the CWE entries those rules refer to;
* ``results``: level from severity, a region per finding, and ``codeFlows``
  when a finding carries a taint path (``Finding.path_steps``);
* files that could not be analysed become tool execution notifications, and so
  does each rule crash (``APX002``, also a result), with ``associatedRule``
  naming the rule that raised.

Relative paths are resolved against ``%SRCROOT%`` (the working directory of
the run), so uploads line up with the repository.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from ... import __version__ as APEX_VERSION
from ..model import Severity
from ..registry import rules_by_id
from ..rules.apx002_internal_error import INTERNAL_ERROR_ID, crashed_rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/apex-ide/apex"
CWE_VERSION = "4.14"
SRCROOT = "%SRCROOT%"

#: GitHub reads ``security-severity`` (0.0-10.0) to rank alerts.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def _uri(path: str) -> dict:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def _region(line: int, column: int, end_line: int, end_column: int) -> dict:
    region = {"startLine": max(1, line), "startColumn": max(1, column)}
    if (end_line, end_column) >= (line, column):
        region["endLine"] = max(1, end_line)
        region["endColumn"] = max(1, end_column)
    return region


def _section(doc: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return match.group(1).strip() if match else ""


def _plain(markdown: str) -> str:
    text = re.sub(r"```\w*\n", "", markdown).replace("```", "")
    return re.sub(r"`([^`]*)`", r"\1", text).strip()


def _rule_descriptor(rule, cwe_index: dict[int, int]) -> dict:
    doc = rule.doc()
    summary = rule.summary()
    why = _section(doc, "Why is this bad") or _section(doc, "What it does") or summary
    tags = ["security", rule.category]
    if rule.cwe:
        tags.append(f"external/cwe/cwe-{rule.cwe}")
    if rule.capability:
        tags.append(f"capability/{rule.capability}")
    descriptor = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _plain(summary)},
        "fullDescription": {"text": _plain(why)},
        "help": {"text": _plain(doc) or summary, "markdown": doc or summary},
        "helpUri": rule.docs_url(),
        "defaultConfiguration": {"level": LEVEL[rule.severity],
                                 "enabled": bool(rule.enabled_by_default)},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": {3: "high", 2: "medium", 1: "low"}[int(rule.confidence)],
            "category": rule.category,
        },
    }
    if rule.capability:
        descriptor["properties"]["capability"] = rule.capability
    if rule.bandit:
        descriptor["properties"]["bandit"] = list(rule.bandit)
    if rule.cwe:
        descriptor["relationships"] = [{
            "target": {"id": str(rule.cwe), "index": cwe_index[rule.cwe],
                       "toolComponent": {"name": "CWE", "index": 0}},
            "kinds": ["superset"],
        }]
    return descriptor


def _used_rules(report) -> list:
    catalogue = rules_by_id()
    ids = {f.rule for f in report.findings}
    for project in getattr(report, "projects", ()):
        ids.update(r.id for r in project.selection.rules)
    return [catalogue[i] for i in sorted(ids) if i in catalogue]


def _result(finding, rule_index: dict[str, int]) -> dict:
    location = {"physicalLocation": {
        "artifactLocation": _uri(finding.path),
        "region": _region(finding.line, finding.column, finding.end_line, finding.end_column),
    }}
    result = {
        "ruleId": finding.rule,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "properties": {"severity": str(finding.severity),
                       "confidence": str(finding.confidence),
                       "security-severity": SECURITY_SEVERITY[finding.severity]},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.capability:
        result["properties"]["capability"] = finding.capability
    if finding.cwe:
        result["taxa"] = [{"id": str(finding.cwe), "toolComponent": {"name": "CWE", "index": 0}}]
    if finding.path_steps:
        steps = []
        for step in finding.path_steps:
            loc = step.location
            steps.append({"location": {
                "physicalLocation": {
                    "artifactLocation": _uri(loc.path),
                    "region": _region(loc.line, loc.column, loc.end_line, loc.end_column),
                },
                "message": {"text": step.message},
            }})
        result["codeFlows"] = [{"threadFlows": [{"locations": steps}]}]
        result["relatedLocations"] = [
            dict(step["location"], id=i) for i, step in enumerate(steps)]
    return result


def _crash_notification(finding, rule_index: dict[str, int]) -> dict:
    """A rule that raised, as SARIF says a tool reports its own failures (3.58)."""
    notification = {
        "level": "error",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": _uri(finding.path),
            "region": _region(finding.line, finding.column, finding.end_line,
                              finding.end_column)}}],
    }
    rule_id = crashed_rule(finding)  # None for a whole-file pass
    if rule_id is not None:
        notification["associatedRule"] = {"id": rule_id}
        if rule_id in rule_index:
            notification["associatedRule"]["index"] = rule_index[rule_id]
    return notification


def document(report, *, cwd: str | None = None) -> dict:
    rules = _used_rules(report)
    cwes = sorted({r.cwe for r in rules if r.cwe} | {f.cwe for f in report.findings if f.cwe})
    cwe_index = {cwe: i for i, cwe in enumerate(cwes)}
    rule_index = {r.id: i for i, r in enumerate(rules)}
    notifications = [{
        "level": "error",
        "message": {"text": error.message},
        "locations": [{"physicalLocation": {"artifactLocation": _uri(error.path)}}],
    } for error in report.errors]
    notifications.extend(_crash_notification(f, rule_index) for f in report.findings
                         if f.rule == INTERNAL_ERROR_ID)
    base = Path(cwd or os.getcwd()).as_uri().rstrip("/") + "/"
    run = {
        "tool": {"driver": {
            "name": "apex",
            "version": APEX_VERSION,
            "semanticVersion": APEX_VERSION,
            "informationUri": INFORMATION_URI,
            "rules": [_rule_descriptor(r, cwe_index) for r in rules],
            "supportedTaxonomies": [{"name": "CWE", "index": 0}],
        }},
        "taxonomies": [{
            "name": "CWE",
            "version": CWE_VERSION,
            "organization": "MITRE",
            "informationUri": "https://cwe.mitre.org/",
            "shortDescription": {"text": "The MITRE Common Weakness Enumeration"},
            "isComprehensive": False,
            "taxa": [{"id": str(cwe),
                      "helpUri": f"https://cwe.mitre.org/data/definitions/{cwe}.html"}
                     for cwe in cwes],
        }],
        "invocations": [{
            "executionSuccessful": True,
            "toolExecutionNotifications": notifications,
        }],
        "originalUriBaseIds": {SRCROOT: {"uri": base}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index) for f in report.findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write(report, out: TextIO, **_options) -> None:
    json.dump(document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
