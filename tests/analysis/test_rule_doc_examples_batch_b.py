"""The docs pages of the weak-crypto, TLS, secrets, XML, filesystem and misc rules
(APX400-APX699) tell the truth: *Example* is flagged by the rule, *Use instead* is not."""
from __future__ import annotations

import re

import pytest

from apex_lsp.analysis import Analyzer, all_rules

CHECKED = re.compile(r"APX[456]\d\d")
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _code(doc: str, section: str) -> str:
    match = re.search(rf"^## {section}\n(.*?)(?=^## |\Z)", doc, re.DOTALL | re.MULTILINE)
    return "\n".join(BLOCK.findall(match.group(1))) if match else ""


RULES = [r for r in all_rules() if CHECKED.fullmatch(r.id)]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_example_is_flagged_and_fix_is_not(rule):
    analyzer = Analyzer([rule])
    bad = _code(rule.doc(), "Example")
    assert bad, "the Example section needs a python code block"
    found = analyzer.analyze_source(bad, "example.py").findings
    assert [f.rule for f in found if f.rule == rule.id], f"Example not flagged: {found}"
    good = _code(rule.doc(), "Use instead")
    if good:
        found = analyzer.analyze_source(good, "example.py").findings
        assert not found, f"Use instead is flagged: {found}"
