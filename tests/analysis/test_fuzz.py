"""Generated programs and random bytes never make the analyzer raise.

Bounded so CI stays quick: hypothesmith's grammar-based programs (valid and
nearly valid Python) and arbitrary bytes, through every rule and the taint pass.
"""
from __future__ import annotations

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from apex_lsp.analysis import Analyzer, FileResult

ANALYZER = Analyzer()  # every rule, plus the whole-file passes they bring
# hypothesmith compiles what it generates; its SyntaxWarnings are not ours.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
SLOW_GENERATION = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def _well_formed(result: FileResult, source_lines: int) -> None:
    assert isinstance(result, FileResult)
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
        assert (finding.end_line, finding.end_column) >= (finding.line, finding.column) or \
            finding.rule == "APX000"
        assert finding.message
        # A rule (or the taint pass) that raised is a bug even though it was contained.
        assert finding.rule != "APX002" and "internal error" not in finding.message, \
            finding.message


@settings(max_examples=100, deadline=None, suppress_health_check=SLOW_GENERATION)
@given(hypothesmith.from_grammar())
def test_generated_programs_never_raise(source):
    result = ANALYZER.analyze_source(source, "generated.py")
    _well_formed(result, source.count("\n") + 1)


@settings(max_examples=50, deadline=None, suppress_health_check=SLOW_GENERATION)
@given(hypothesmith.from_grammar(), st.sampled_from([
    "  # apex: ignore", "  # nosec B307", "  # apex: ignore[APX101,", " # nosec:", "\\"]))
def test_generated_programs_with_suppressions_never_raise(source, comment):
    lines = source.splitlines() or [""]
    lines[len(lines) // 2] += comment
    result = ANALYZER.analyze_source("\n".join(lines), "generated.py")
    _well_formed(result, len(lines))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    result = ANALYZER.analyze_bytes(data, "bytes.py")
    assert isinstance(result, FileResult)
