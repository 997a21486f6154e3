"""`apex check --format sarif` is valid SARIF 2.1.0 and carries rule metadata, CWE and code flows."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from apex_cli.main import main
from apex_lsp.analysis.checker import CheckReport
from apex_lsp.analysis.formats import sarif_format
from apex_lsp.analysis.model import Confidence, Finding, Location, PathStep, Severity

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
VULNERABLE = "import pickle\n\ndef handler(request):\n    return eval(request.args['q'])\n"


@pytest.fixture
def validator():
    return jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _check_sarif(tmp_path, monkeypatch, capsys, *args):
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--format", "sarif", "--jobs", "1", *args])
    return code, json.loads(capsys.readouterr().out)


def test_sarif_output_validates_and_describes_rules(tmp_path, monkeypatch, capsys, validator):
    (tmp_path / "app.py").write_text(VULNERABLE)
    code, doc = _check_sarif(tmp_path, monkeypatch, capsys, "--select", "APX101", "app.py")
    assert code == 1
    validator.validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["APX101"]
    rule = rules[0]
    assert rule["name"] == "eval-used"
    assert rule["helpUri"].endswith("/docs/rules/APX101.md")
    assert "## Why is this bad" in rule["help"]["markdown"]
    assert "arbitrary Python" in rule["fullDescription"]["text"]
    assert rule["properties"]["security-severity"] == "8.0"
    assert "external/cwe/cwe-95" in rule["properties"]["tags"]
    target = rule["relationships"][0]["target"]
    assert target["toolComponent"]["name"] == "CWE"
    taxa = run["taxonomies"][0]["taxa"]
    assert taxa[target["index"]]["id"] == "95"

    (result,) = run["results"]
    assert result["ruleId"] == "APX101" and result["ruleIndex"] == 0
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 4 and location["region"]["startColumn"] == 12


def test_sarif_reports_unanalysable_files_as_notifications(tmp_path, monkeypatch, capsys, validator):
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02garbage")
    (tmp_path / "ok.py").write_text("x = 1\n")
    code, doc = _check_sarif(tmp_path, monkeypatch, capsys, ".")
    validator.validate(doc)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == ["binary.py"]
    assert "binary" in notes[0]["message"]["text"]
    assert code == 1


def test_taint_path_steps_become_code_flows(validator):
    def loc(line):
        return Location("src/app.py", line, 5, line, 20)
    finding = Finding("src/app.py", 9, 5, 9, 30, "APX101", Severity.HIGH, Confidence.HIGH, 95,
                      "dynamic_code", "tainted data reaches eval()",
                      path_steps=(PathStep(loc(3), "source: request.args"),
                                  PathStep(loc(6), "assigned to q"),
                                  PathStep(loc(9), "sink: eval(q)")))
    doc = sarif_format.document(CheckReport(findings=[finding], files=1))
    validator.validate(doc)
    (result,) = doc["runs"][0]["results"]
    flow = result["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [step["location"]["message"]["text"] for step in flow] == [
        "source: request.args", "assigned to q", "sink: eval(q)"]
    assert [step["location"]["physicalLocation"]["region"]["startLine"] for step in flow] == [3, 6, 9]


def test_absolute_and_odd_paths_are_valid_uris(tmp_path, validator):
    odd = tmp_path / "dir with space" / "ünïcode#1.py"
    finding = Finding(str(odd), 1, 1, 1, 2, "APX101", Severity.HIGH, Confidence.HIGH, 95, None, "m")
    rel = Finding("dir with space/x%.py", 1, 1, 1, 2, "APX101", Severity.HIGH, Confidence.HIGH, 95,
                  None, "m")
    doc = sarif_format.document(CheckReport(findings=[finding, rel], files=2))
    validator.validate(doc)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in doc["runs"][0]["results"]]
    assert uris[0].startswith("file:///") and "%20" in uris[0]
    assert uris[1] == "dir%20with%20space/x%25.py"


def test_empty_run_is_valid(tmp_path, monkeypatch, capsys, validator):
    (tmp_path / "clean.py").write_text("print('hello')\n")
    code, doc = _check_sarif(tmp_path, monkeypatch, capsys, ".")
    assert code == 0
    validator.validate(doc)
    assert doc["runs"][0]["results"] == []


def test_real_taint_finding_has_a_code_flow(tmp_path, monkeypatch, capsys, validator):
    (tmp_path / "views.py").write_text(
        "import os\nfrom flask import request\n\n"
        "def view():\n    command = request.args['cmd']\n    os.system(command)\n")
    code, doc = _check_sarif(tmp_path, monkeypatch, capsys, "--select", "APX801", ".")
    validator.validate(doc)
    (result,) = doc["runs"][0]["results"]
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps]
    assert len(steps) >= 2 and lines[0] == 5 and lines[-1] == 6
