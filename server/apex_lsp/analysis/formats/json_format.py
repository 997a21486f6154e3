"""``--format json``: the stable, versioned schema documented in docs/check.md.

    {"version": 1,
     "findings": [{"path", "line", "column", "end_line", "end_column", "rule",
                   "severity", "confidence", "cwe", "capability", "message"}],
     "errors": [{"path", "message"}]}

Lines and columns are 1-based (columns count characters); ``path`` is as given
on the command line. Adding a key is a new version.
"""
from __future__ import annotations

import json
from typing import TextIO

SCHEMA_VERSION = 1


def document(report) -> dict:
    return {
        "version": SCHEMA_VERSION,
        "findings": [f.as_json() for f in report.findings],
        "errors": [e.as_json() for e in report.errors],
    }


def write(report, out: TextIO, **_options) -> None:
    json.dump(document(report), out, indent=2, ensure_ascii=False)
    out.write("\n")
