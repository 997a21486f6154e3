"""Run the taint rules over a snippet and compare with its ``# expect:`` markers."""
from __future__ import annotations

import re
import textwrap

from apex_lsp.analysis import Analyzer
from apex_lsp.analysis.taint.kinds import KINDS
from apex_lsp.analysis.registry import rules_by_id

EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def taint_rules():
    rules = rules_by_id()
    return [rules[k.rule_id] for k in KINDS.values()]


def analyze(source: str, path: str = "snippet.py", rules=None):
    source = textwrap.dedent(source)
    return Analyzer(rules if rules is not None else taint_rules()).analyze_source(source, path)


def expected(source: str) -> set[tuple[int, str]]:
    out = set()
    for number, line in enumerate(textwrap.dedent(source).splitlines(), 1):
        match = EXPECT.search(line)
        if match:
            out |= {(number, i.strip()) for i in match.group(1).split(",") if i.strip()}
    return out


def check(source: str, path: str = "snippet.py") -> None:
    result = analyze(source, path)
    taint_ids = {k.rule_id for k in KINDS.values()}
    found = {(f.line, f.rule) for f in result.findings if f.rule in taint_ids}
    want = expected(source)
    assert found == want, (f"missing {sorted(want - found)}, unexpected {sorted(found - want)}\n"
                           + "\n".join(f"{f.line}: {f.rule} {f.message}" for f in result.findings))
