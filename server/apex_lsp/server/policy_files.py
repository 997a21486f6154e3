"""Diagnostics in ``pyproject.toml`` / ``apex.toml`` for an invalid ``[tool.apex]``
policy, at the offending key.

The editor's unsaved text is what gets checked: it is written to a scratch
directory under its own name and loaded with the same loader the analyzer uses,
so the editor shows exactly the errors ``apex policy check`` would."""
from __future__ import annotations

import os
import re
import shutil
import tempfile

from lsprotocol import types

from .config import ServerConfig
from .convert import SOURCE, split_lines
from .project import POLICY_FILES, SettingsProblem, policy_problems

POLICY_CODE = "APX-POLICY"


def is_policy_document(uri: str) -> bool:
    return uri.rsplit("/", 1)[-1] in POLICY_FILES


def problems_for_text(text: str, name: str, config: ServerConfig) -> list[SettingsProblem]:
    scratch = tempfile.mkdtemp(prefix="apex-policy-")
    try:
        path = os.path.join(scratch, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return policy_problems(scratch, name, config)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def problem_range(problem: SettingsProblem, lines: list[str]) -> types.Range:
    line = problem.line
    if line <= 0:
        line = _find_key_line(problem.key, lines)
    index = min(max(line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index] if lines else ""
    start = min(max(problem.column - 1, 0), len(text)) if problem.column else \
        len(text) - len(text.lstrip())
    code_end = len(text.split("#", 1)[0].rstrip()) if "#" in text else len(text.rstrip())
    end = max(code_end, start)
    return types.Range(start=types.Position(line=index, character=start),
                       end=types.Position(line=index, character=end))


def _find_key_line(key: str, lines: list[str]) -> int:
    """Best effort for errors without a position: the line assigning the key."""
    leaf = key.rsplit(".", 1)[-1].strip('"') if key else ""
    if leaf:
        pattern = re.compile(r"^\s*\"?" + re.escape(leaf) + r"\"?\s*=")
        for number, text in enumerate(lines, 1):
            if pattern.match(text):
                return number
    for number, text in enumerate(lines, 1):
        if text.strip().startswith("[tool.apex"):
            return number
    return 1


def policy_diagnostics(text: str, name: str, config: ServerConfig) -> list[types.Diagnostic]:
    lines = split_lines(text)
    out = []
    for problem in problems_for_text(text, name, config):
        message = f"{problem.key}: {problem.message}" if problem.key and \
            problem.key not in problem.message else problem.message
        out.append(types.Diagnostic(range=problem_range(problem, lines), message=message,
                                    severity=types.DiagnosticSeverity.Error, code=POLICY_CODE,
                                    source=SOURCE))
    return out


def update_policy_document(ls, doc) -> list[types.Diagnostic]:
    name = doc.uri.rsplit("/", 1)[-1]
    diagnostics = policy_diagnostics(doc.source, name, ls.projects.config)
    ls.policy_results[doc.uri] = (doc.version, diagnostics)
    ls.publish_file(doc.uri, diagnostics, doc.version)
    return diagnostics


def refresh_policy_documents(ls) -> None:
    for uri, doc in list(ls.workspace.text_documents.items()):
        if is_policy_document(uri):
            update_policy_document(ls, doc)

