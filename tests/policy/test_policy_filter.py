"""Capability findings become policy verdicts; pattern findings absorb them."""
from __future__ import annotations

import pytest

from apex_lsp.analysis import Analyzer, Severity, all_rules
from apex_lsp.analysis.policy_filter import CAPABILITY_RULES, apply_policy, source_label
from apex_policy import CAPABILITIES, load_settings

SOURCE = """\
import os
import pickle
import requests
import subprocess
requests.get(url, timeout=5)
subprocess.run(["/bin/ls"])
eval(code)
pickle.loads(payload)
os.environ["HOME"]
open("notes.txt")
"""


def _verdicts(project, mode, body=""):
    root = project(f'mode = "{mode}"\n{body}')
    policy = load_settings(str(root)).settings.policy
    findings = Analyzer().analyze_source(SOURCE, "app.py").findings
    return apply_policy(findings, policy)


def test_capability_rules_cover_every_capability():
    assert sorted(CAPABILITY_RULES.values()) == sorted(CAPABILITIES)


def test_isolation_denies_with_the_documented_message(project):
    findings = _verdicts(project, "isolation")
    by_line = {}
    for f in findings:
        by_line.setdefault(f.line, []).append(f)
    network = [f for f in by_line[5] if "network access" in f.message]
    assert len(network) == 1
    assert "network access (requests.get) is denied in isolation mode — policy: " \
           "pyproject.toml [tool.apex]" in network[0].message
    assert network[0].severity >= Severity.HIGH
    (subprocess_use,) = [f for f in by_line[6] if f.rule == "APX902"]
    assert subprocess_use.message == ("starting a subprocess (subprocess.run) on /bin/ls is "
                                      "denied in isolation mode — policy: pyproject.toml "
                                      "[tool.apex]")
    assert subprocess_use.severity == Severity.HIGH
    (env,) = by_line[9]
    assert env.rule == "APX908" and env.severity == Severity.INFO
    assert "is audited in isolation mode" in env.message
    assert 10 not in by_line  # reading is allowed in isolation: no finding


def test_pattern_finding_absorbs_the_verdict(project):
    findings = _verdicts(project, "isolation")
    on_eval = [f for f in findings if f.line == 7]
    assert [f.rule for f in on_eval] == ["APX101"]
    assert "running dynamic code (eval) is denied in isolation mode" in on_eval[0].message
    on_pickle = [f for f in findings if f.line == 8]
    assert len(on_pickle) == 1 and on_pickle[0].rule != "APX907"
    assert "unsafe deserialization (pickle.loads) is denied" in on_pickle[0].message


def test_development_drops_every_capability_finding(project):
    findings = _verdicts(project, "development")
    assert not [f for f in findings if f.rule in CAPABILITY_RULES]
    assert not [f for f in findings if "mode — policy" in f.message]
    # The pattern findings stay as the analyzer reported them.
    assert any(f.rule == "APX101" for f in findings)


def test_hybrid_audits_as_info_and_mentions_scopes(project):
    findings = _verdicts(project, "hybrid")
    (run,) = [f for f in findings if f.rule == "APX902"]
    assert run.severity == Severity.INFO and "is audited in hybrid mode" in run.message
    network = [f for f in findings if f.line == 5 and "network access" in f.message]
    assert "(allowed for localhost, 127.0.0.0/8, ::1)" in network[0].message


def test_file_overrides_change_the_verdict(project):
    findings = _verdicts(project, "isolation", 'capabilities.subprocess = "allow"\n')
    assert not [f for f in findings if f.rule == "APX902"]


def test_inputs_are_not_modified(project):
    policy = load_settings(str(project('mode = "isolation"\n'))).settings.policy
    findings = Analyzer().analyze_source(SOURCE, "app.py").findings
    before = [(f.rule, f.message, f.severity) for f in findings]
    apply_policy(findings, policy)
    assert [(f.rule, f.message, f.severity) for f in findings] == before


@pytest.mark.parametrize("given,expected", [
    (None, None), ("/a/b/pyproject.toml", "pyproject.toml [tool.apex]"),
    ("/a/apex.toml", "apex.toml"), ("pyproject.toml [tool.apex]", "pyproject.toml [tool.apex]"),
])
def test_source_label(given, expected):
    assert source_label(given) == expected


def test_each_project_gets_its_own_policy(tmp_path):
    from apex_lsp.analysis.policy_filter import apply_project_policies
    from apex_lsp.analysis.projects import ProjectResolver
    from apex_lsp.analysis.registry import all_rules

    code = "import requests\nrequests.get(url, timeout=5)\n"
    for name, mode in (("strict", "isolation"), ("loose", "development")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(f'[tool.apex]\nmode = "{mode}"\n')
        (tmp_path / name / "app.py").write_text(code)
    analyzer = Analyzer([r for r in all_rules() if r.id in CAPABILITY_RULES])
    findings = []
    for name in ("strict", "loose"):
        path = str(tmp_path / name / "app.py")
        findings += analyzer.analyze_file(path).findings
    resolver = ProjectResolver()
    judged = apply_project_policies(findings, resolver.for_path)
    assert [(f.path.split("/")[-2], f.rule, f.severity) for f in judged] == \
        [("strict", "APX901", Severity.HIGH)]
    assert "denied in isolation mode" in judged[0].message


def test_literal_targets_are_judged_against_scopes(project):
    root = project('''
        mode = "isolation"
        [capabilities]
        network = { allow = ["localhost:8000", "10.0.0.0/8"] }
        subprocess = { allow = ["git"] }
        filesystem_write = { allow = ["build"] }
        environment = { allow = ["APP_*"] }
    ''')
    source = (
        "import os, requests, socket, subprocess\n"
        "from pathlib import Path\n"
        "requests.get('http://localhost:8000/x', timeout=1)\n"      # 3 allowed
        "requests.get('https://api.example.com/v1', timeout=1)\n"   # 4 denied
        "requests.get(url, timeout=1)\n"                            # 5 unknown: action
        "socket.create_connection(('10.1.2.3', 5432))\n"            # 6 allowed (CIDR)
        "subprocess.run(['git', 'status'])\n"                       # 7 allowed
        "subprocess.run(['/usr/bin/curl', 'x'])\n"                  # 8 denied
        "open('build/out.txt', 'w')\n"                              # 9 allowed
        "open('../elsewhere.txt', 'w')\n"                           # 10 denied
        "Path('build/x').write_text('a')\n"                         # 11 allowed
        "os.getenv('APP_MODE')\n"                                   # 12 allowed
        "os.getenv('SECRET')\n"                                     # 13 audited
    )
    policy = load_settings(str(root)).settings.policy
    rules = [r for r in all_rules() if r.id in CAPABILITY_RULES]
    judged = apply_policy(Analyzer(rules).analyze_source(source, "app.py").findings, policy)
    assert {f.line: f.severity for f in judged} == {
        4: Severity.HIGH, 5: Severity.HIGH, 8: Severity.HIGH, 10: Severity.HIGH,
        13: Severity.INFO}
    messages = {f.line: f.message for f in judged}
    assert messages[4].startswith("network access (requests.get) on api.example.com:443 is "
                                  "denied in isolation mode")
    assert "(allowed for localhost:8000, 10.0.0.0/8)" in messages[5]
    assert "on SECRET is audited" in messages[13]


def test_shell_commands_are_not_judged_by_their_first_word(project):
    root = project('mode = "isolation"\n[capabilities]\nsubprocess = { allow = ["git"] }\n')
    source = ("import os, subprocess\n"
              "subprocess.run('git status; rm -rf ~', shell=True)\n"
              "os.system('git log')\n"
              "subprocess.run(['git', 'log'])\n")
    policy = load_settings(str(root)).settings.policy
    rules = [r for r in all_rules() if r.id in CAPABILITY_RULES]
    judged = apply_policy(Analyzer(rules).analyze_source(source, "app.py").findings, policy)
    assert sorted(f.line for f in judged) == [2, 3]
