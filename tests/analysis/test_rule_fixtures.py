"""Every rule has a fixture whose ``# expect: ID`` lines are exactly its findings."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from apex_lsp.analysis import Analyzer, all_rules

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
#: Path-dependent rules (settings modules, ...) analyse the fixture under this path.
FIXTURE_PATH = re.compile(r"^#\s*fixture-path:\s*(\S+)", re.MULTILINE)
#: Made by the engine itself, covered by the engine tests (test_engine, test_rule_crashes).
META_RULES = {r.id for r in all_rules() if r.category == "meta"}


def _expected_lines(text: str, rule_id: str) -> set[int]:
    lines = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = EXPECT.search(line)
        if match and rule_id in {i.strip() for i in match.group(1).split(",")}:
            lines.add(number)
    return lines


@pytest.mark.parametrize("rule", [r for r in all_rules() if r.id not in META_RULES],
                         ids=lambda r: r.id)
def test_rule_fixture(rule):
    fixture = FIXTURES / f"{rule.id}.py"
    assert fixture.exists(), f"{rule.id} needs a fixture at {fixture}"
    text = fixture.read_text(encoding="utf-8")
    expected = _expected_lines(text, rule.id)
    assert expected, "the fixture needs positive cases (# expect: ID)"
    assert "# safe" in text, "the fixture needs negative cases (# safe: why)"
    path_hint = FIXTURE_PATH.search(text)
    result = Analyzer([rule]).analyze_source(text, path_hint.group(1) if path_hint else str(fixture))
    found = {f.line for f in result.findings if f.rule == rule.id}
    assert not [f for f in result.findings if f.rule == "APX000"], result.findings
    assert found == expected, (
        f"missing on lines {sorted(expected - found)}, unexpected on lines {sorted(found - expected)}")


def test_every_rule_is_documented():
    required = ("## What it does", "## Why is this bad", "## Example", "## Use instead")
    for rule in all_rules():
        doc = rule.doc()
        missing = [s for s in required if s not in doc]
        assert not missing, f"{rule.id} docstring lacks {missing}"


def test_rule_metadata_is_complete():
    ids = [r.id for r in all_rules()]
    assert len(ids) == len(set(ids))
    for rule in all_rules():
        assert re.fullmatch(r"APX\d{3}", rule.id), rule.id
        assert re.fullmatch(r"[a-z0-9-]+", rule.name), rule.name
        assert rule.category
        if rule.id not in META_RULES:
            assert rule.cwe, f"{rule.id} has no CWE"
            assert rule.calls or rule.methods or rule.node_types, f"{rule.id} asks for nothing"


def test_columns_count_characters_not_bytes():
    from apex_lsp.analysis import rules_by_id
    source = 'x = "héllo"; eval(data)\n'
    result = Analyzer([rules_by_id()["APX101"]]).analyze_source(source, "t.py")
    (finding,) = result.findings
    assert source[finding.column - 1:].startswith("eval(")
    assert source[finding.end_column - 2] == ")"


def test_relative_imports_resolve_with_one_dot_per_level():
    import ast

    from apex_lsp.analysis.context import FileContext
    ctx = FileContext("t.py", "")
    for stmt in ast.parse("from . import a\nfrom .. import b\nfrom .m import c\n").body:
        ctx.bind_import(stmt)
    assert ctx.aliases == {"a": ".a", "b": "..b", "c": ".m.c"}
