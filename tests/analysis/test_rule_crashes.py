"""A rule that raises costs only its own findings (APX002), never the other rules'
or the other files': in the engine, in `apex check` (every format, serial and in
worker processes) and in the language server.

The crashing rule is not in the shipped catalogue: the end-to-end tests add it to
the rules package of the real `apex` process through a ``sitecustomize`` module
(so worker processes get it too, however they start).
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from apex_lsp.analysis import Analyzer, rules_by_id
from apex_lsp.analysis.model import Severity
from apex_lsp.analysis.rule import Rule

RULES = rules_by_id()
DEADLINE = 60.0
SARIF_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())

CRASHING_RULE = '''\
"""Raises on every eval() and exec() call (test only, never shipped)."""
from apex_lsp.analysis.rule import Rule


class AlwaysCrashes(Rule):
    id = "APX990"
    name = "always-crashes"
    category = "test"
    calls = frozenset({"eval", "exec"})

    def check_call(self, node, ctx):
        raise ValueError("boom")
'''
SITECUSTOMIZE = '''\
import os
import apex_lsp.analysis.rules as rules
rules.__path__.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "extra_rules"))
'''
# Two crashes of the same rule (collapsed into one APX002), an eval for APX101 and an
# exec for APX102 on the same lines: the other rules still report them.
TWO_CALLS = "def f(x):\n    exec(x)\n    return eval(x)\n"
ONE_CALL = "y = eval(data)\n"


class Broken(Rule):
    """Raises on every call to eval (test helper)."""
    id = "APX991"
    name = "broken"
    category = "test"
    calls = frozenset({"eval"})

    def check_call(self, node, ctx):
        raise KeyError("missing")


def test_crashed_rule_reads_the_rule_back_from_the_finding():
    from apex_lsp.analysis.rules.apx002_internal_error import crashed_rule

    result = Analyzer([Broken, RULES["APX101"]]).analyze_source("eval(x)\n", "t.py")
    assert [crashed_rule(f) for f in result.findings] == ["APX991", None]


def test_each_crash_is_apx002_and_the_other_rules_still_report():
    result = Analyzer([Broken, RULES["APX101"]]).analyze_source(
        "a = eval(x)\nb = eval(y)\nc = eval(z)\n", "t.py")
    assert [(f.rule, f.line) for f in result.findings] == [
        ("APX002", 1), ("APX101", 1), ("APX101", 2), ("APX101", 3)]
    crash = result.findings[0]
    assert crash.message.startswith("rule APX991 crashed: KeyError: 'missing' (at test_rule_crashes.py:")
    assert crash.message.endswith("[3 times in this file; the first is shown]")
    assert (crash.severity, str(crash.confidence), crash.cwe) == (Severity.LOW, "high", None)


def test_crash_columns_count_characters():
    result = Analyzer([Broken]).analyze_source("s = 'é' + eval(x)\n", "t.py")
    assert [(f.rule, f.line, f.column) for f in result.findings] == [("APX002", 1, 11)]


def test_a_crashing_file_pass_costs_only_itself():
    def exploding_pass(tree, ctx):
        raise RuntimeError("pass broke")

    result = Analyzer([RULES["APX101"]], passes=[exploding_pass]).analyze_source(
        "eval(x)\n", "t.py")
    assert [(f.rule, f.line) for f in result.findings] == [("APX002", 1), ("APX101", 1)]
    assert result.findings[0].message.startswith(
        "file pass exploding_pass crashed: RuntimeError: pass broke")
    assert result.error is None


def test_crashes_survive_thresholds_and_obey_ignore():
    from apex_policy.analysis_settings import AnalysisSettings
    from apex_lsp.analysis.checker import finish
    from apex_lsp.analysis.selection import select_rules

    def kept(**settings):
        selection = select_rules(AnalysisSettings(**settings))
        result = Analyzer([Broken, RULES["APX101"]]).analyze_source("eval(x)\n", "t.py")
        return [f.rule for f in finish(result, selection, "t.py").findings]

    # Coverage lost is shown whatever the minimum severity, like a syntax error.
    assert kept(min_severity="high", min_confidence="high") == ["APX002", "APX101"]
    assert kept(ignore=("APX002",)) == ["APX101"]
    assert kept(ignore=("APX0",)) == ["APX101"]
    assert kept(ignore=("APX0",), extend_select=("APX002",)) == ["APX002", "APX101"]
    assert kept(per_file_ignores={"t.py": ("APX002",)}) == ["APX101"]


# -- the real `apex` process ---------------------------------------------------------

@pytest.fixture
def crash_env(tmp_path: Path) -> dict[str, str]:
    """Environment for an `apex` process whose catalogue has APX990 added."""
    plugin = tmp_path / "plugin"
    (plugin / "extra_rules").mkdir(parents=True)
    (plugin / "sitecustomize.py").write_text(SITECUSTOMIZE)
    (plugin / "extra_rules" / "apx990_always_crashes.py").write_text(CRASHING_RULE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugin), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.py").write_text(TWO_CALLS)
    (root / "b.py").write_text(ONE_CALL)
    return root


def apex_check(env, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "apex_cli", "check", "--no-taint", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_cli_text_reports_the_crash_once_per_file_and_every_other_finding(crash_env, project):
    done = apex_check(crash_env, project, "--jobs", "1", ".")
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith(("a.py", "b.py"))]
    assert [line.split(" ")[:2] for line in lines] == [
        ["a.py:2:5:", "APX002"], ["a.py:2:5:", "APX102"], ["a.py:3:12:", "APX101"],
        ["b.py:1:5:", "APX002"], ["b.py:1:5:", "APX101"]]
    assert "rule APX990 crashed: ValueError: boom (at apx990_always_crashes.py:12) " \
           "[2 times in this file; the first is shown]" in lines[0]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_cli_machine_formats_carry_the_crash(crash_env, project, fmt):
    done = apex_check(crash_env, project, "--jobs", "1", "--format", fmt, ".")
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    if fmt == "json":
        found = [(f["path"], f["rule"]) for f in doc["findings"]]
    else:
        run = doc["runs"][0]
        found = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
                 for r in run["results"]]
        rules = run["tool"]["driver"]["rules"]
        descriptor = next(r for r in rules if r["id"] == "APX002")
        assert descriptor["name"] == "internal-rule-error"
        assert descriptor["helpUri"].endswith("docs/rules/APX002.md")
        # Also reported the way SARIF tools report their own failures, naming the rule.
        notes = run["invocations"][0]["toolExecutionNotifications"]
        assert [(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                 n["associatedRule"]["id"], rules[n["associatedRule"]["index"]]["id"])
                for n in notes] == [("a.py", "APX990", "APX990"), ("b.py", "APX990", "APX990")]
        assert notes[0]["message"]["text"].startswith("rule APX990 crashed: ValueError: boom")
        jsonschema.Draft7Validator(SARIF_SCHEMA).validate(doc)
    assert found == [("a.py", "APX002"), ("a.py", "APX102"), ("a.py", "APX101"),
                     ("b.py", "APX002"), ("b.py", "APX101")]


def test_cli_worker_processes_contain_the_crash(crash_env, tmp_path):
    from apex_lsp.analysis.checker import PARALLEL_MIN_FILES

    root = tmp_path / "many"
    root.mkdir()
    count = PARALLEL_MIN_FILES + 2
    for index in range(count):
        (root / f"m{index:03}.py").write_text(ONE_CALL)
    done = apex_check(crash_env, root, "--jobs", "2", "--format", "json", ".")
    assert done.returncode == 1, done.stderr
    found = json.loads(done.stdout)
    assert not found["errors"]
    rules = [f["rule"] for f in found["findings"]]
    assert rules.count("APX002") == count and rules.count("APX101") == count


def test_cli_ignore_hides_the_crash_but_not_the_findings(crash_env, project):
    done = apex_check(crash_env, project, "--jobs", "1", "--format", "json",
                      "--ignore", "APX002", "--min-severity", "high", ".")
    assert done.returncode == 1, done.stderr
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["APX102", "APX101", "APX101"]


# -- the language server ---------------------------------------------------------

@pytest_asyncio.fixture
async def lsp(crash_env, project):
    config = ClientServerConfig(server_command=[sys.executable, "-m", "apex_cli", "lsp"],
                                server_env=crash_env)
    client = await config.start()
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=project.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="proj")]))
    yield client
    try:
        if client._server is not None and client._server.returncode is None:
            await asyncio.wait_for(client.shutdown_session(), DEADLINE)
    finally:
        await client.stop()


async def _diagnostics_for(client, uri: str) -> list[types.Diagnostic]:
    async def wait():
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]
    return await asyncio.wait_for(wait(), DEADLINE)


@pytest.mark.asyncio
async def test_language_server_shows_the_crash_beside_the_other_findings(lsp, project):
    opened = {}
    for name in ("a.py", "b.py"):
        uri = (project / name).as_uri()
        opened[name] = uri
        lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                 text=(project / name).read_text())))
    for name, expected in (("a.py", [("APX002", 1), ("APX101", 2), ("APX102", 1)]),
                           ("b.py", [("APX002", 0), ("APX101", 0)])):
        diags = await _diagnostics_for(lsp, opened[name])
        assert sorted((d.code, d.range.start.line) for d in diags) == expected
        crash = next(d for d in diags if d.code == "APX002")
        assert "rule APX990 crashed: ValueError: boom" in crash.message
        assert crash.severity == types.DiagnosticSeverity.Information
