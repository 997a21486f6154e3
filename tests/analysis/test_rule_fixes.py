"""Fixes attached to findings rewrite the source into code the rule accepts."""
from __future__ import annotations

import pytest

from apex_lsp.analysis import Analyzer
from apex_lsp.analysis.registry import get


def _apply(source: str, edits) -> str:
    lines = source.split("\n")
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        assert edit.line == edit.end_line, "single-line edits only in these fixes"
        text = lines[edit.line - 1]
        lines[edit.line - 1] = text[: edit.column - 1] + edit.text + text[edit.end_column - 1:]
    return "\n".join(lines)


@pytest.mark.parametrize("before, after", [
    ("import yaml\nconfig = yaml.load(stream)\n", "import yaml\nconfig = yaml.safe_load(stream)\n"),
    ("import yaml as y\nfor d in y.load_all(s): pass\n",
     "import yaml as y\nfor d in y.safe_load_all(s): pass\n"),
    # Non-ASCII text before the call: columns count characters, not bytes.
    ('import yaml\nd = {"é": yaml.load(s)}\n', 'import yaml\nd = {"é": yaml.safe_load(s)}\n'),
])
def test_yaml_load_fix_gives_safe_load(before, after):
    analyzer = Analyzer([get("APX205")])
    findings = analyzer.analyze_source(before).findings
    assert len(findings) == 1 and findings[0].fix is not None
    fixed = _apply(before, findings[0].fix.edits)
    assert fixed == after
    assert analyzer.analyze_source(fixed).findings == []


@pytest.mark.parametrize("source", [
    "from yaml import load\nload(stream)\n",  # would need a new import
    "import yaml\nyaml.load(stream, Loader=yaml.Loader)\n",  # changes behaviour beyond the name
])
def test_yaml_load_without_mechanical_fix(source):
    findings = Analyzer([get("APX205")]).analyze_source(source).findings
    assert len(findings) == 1 and findings[0].fix is None
