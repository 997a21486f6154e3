"""A rule's docs page must tell the truth: its *Example* is flagged by the rule and
its *Use instead* is not.

Covers the rules written one per module (APX100-APX699); rules in other ranges
can opt in by extending ``CHECKED``.
"""
from __future__ import annotations

import re

import pytest

from apex_lsp.analysis import Analyzer, all_rules

CHECKED = re.compile(r"APX[1-6]\d\d")
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
#: Examples are analysed as a Django settings module so path-dependent rules apply.
EXAMPLE_PATH = "mysite/settings.py"


def _code(doc: str, section: str) -> str:
    match = re.search(rf"^## {section}\n(.*?)(?=^## |\Z)", doc, re.DOTALL | re.MULTILINE)
    return "\n".join(BLOCK.findall(match.group(1))) if match else ""


RULES = [r for r in all_rules() if CHECKED.fullmatch(r.id)]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_example_is_flagged_and_fix_is_not(rule):
    analyzer = Analyzer([rule])
    bad = _code(rule.doc(), "Example")
    assert bad, "the Example section needs a python code block"
    found = analyzer.analyze_source(bad, EXAMPLE_PATH).findings
    assert [f.rule for f in found if f.rule == rule.id], f"Example not flagged: {found}"
    good = _code(rule.doc(), "Use instead")
    if good:
        found = analyzer.analyze_source(good, EXAMPLE_PATH).findings
        assert not found, f"Use instead is flagged: {found}"
