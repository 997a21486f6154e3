"""Taint verdicts dominate or downgrade the pattern rules' findings on the same sink."""
import textwrap

from apex_lsp.analysis import Analyzer, Severity, all_rules
from apex_lsp.analysis.taint import build_spec
from apex_lsp.analysis.taint.kinds import KINDS, PATTERN_CWES

SOURCE = textwrap.dedent("""\
    import os, shlex, subprocess, sys
    subprocess.run("ls " + sys.argv[1], shell=True)
    cmd = "ls -l"
    subprocess.run(cmd, shell=True)
    subprocess.run("ls " + shlex.quote(sys.argv[1]), shell=True)
    def unknown(arg):
        subprocess.run("ls " + arg, shell=True)
""")


def _by_line(rules):
    result = Analyzer(rules).analyze_source(SOURCE, "tool.py")
    out = {}
    for finding in result.findings:
        out.setdefault(finding.line, {})[finding.rule] = finding
    return out


def test_pattern_findings_are_replaced_or_downgraded():
    rules = [r for r in all_rules() if r.id in ("APX155", "APX801")]
    if not any(r.id == "APX155" for r in rules):
        import pytest
        pytest.skip("the subprocess shell=True pattern rule (APX155) is not in the catalogue")
    lines = _by_line(rules)
    assert set(lines[2]) == {"APX801"}  # proven tainted: the taint finding replaces it
    assert lines[4]["APX155"].severity == Severity.LOW  # proven constant
    assert "downgraded" in lines[4]["APX155"].message
    assert lines[5]["APX155"].severity == Severity.LOW  # sanitized
    assert lines[7]["APX155"].severity > Severity.LOW  # unknown parameter: left alone


def test_without_taint_rules_nothing_changes():
    rules = [r for r in all_rules() if r.id == "APX155"]
    lines = _by_line(rules)
    assert all(f.severity > Severity.LOW for line in (2, 7) for f in lines.get(line, {}).values())


def test_taint_rules_outrank_the_pattern_rules_for_the_same_weakness():
    by_id = {r.id: r for r in all_rules()}
    for kind in KINDS.values():
        taint_rule = by_id[kind.rule_id]
        for rule in all_rules():
            if rule.id.startswith("APX8") or rule.cwe not in PATTERN_CWES[kind.name] | {
                    taint_rule.cwe}:
                continue
            assert rule.severity < taint_rule.severity or rule.severity == Severity.CRITICAL, (
                f"{rule.id} ({rule.severity}) is not below {taint_rule.id} "
                f"({taint_rule.severity})")


def test_configuration_problems_are_reported_not_fatal():
    class Settings:
        sources = ("ok.name", "not a name")
        sinks = {"sql": ("db.run",), "teleport": ("x.y",)}
        sanitizers = ("",)
    spec = build_spec(Settings())
    assert "db.run" in spec.sinks and "ok.name" in spec.source_calls
    assert any("teleport" in p for p in spec.problems)
    assert any("not a name" in p for p in spec.problems)
    assert len(spec.problems) == 3


def test_sanitized_verdict_names_the_sanitizer():
    from apex_lsp.analysis.model import Confidence, Finding
    from apex_lsp.analysis.taint import reconcile
    from apex_lsp.analysis.taint.facts import Verdict
    pattern = Finding("t.py", 3, 1, 3, 20, "APX150", Severity.HIGH, Confidence.HIGH, 78,
                      "subprocess", "os.system() with a command built at run time")
    [out] = reconcile([pattern], [("t.py", Verdict((3, 1, 3, 20), "command", "sanitized",
                                                   "sanitized by shlex.quote()"))])
    assert out.severity == Severity.LOW and "shlex.quote" in out.message
    assert pattern.severity == Severity.HIGH  # the input is not modified
