"""`apex check -` reads one file from standard input (editors, pre-commit on staged
content), like `ruff check -` and `bandit -`; ``--stdin-filename`` names it so its
project's settings and per-file ignores apply. Through the real command."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def apex_check(cwd: Path, data: bytes, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "apex_cli", "check", *args], cwd=cwd,
                          input=data, capture_output=True, timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode(), done.stderr.decode())


def test_dash_reads_standard_input(tmp_path):
    done = apex_check(tmp_path, b"import os\nos.system(cmd)\neval(x)\n", "-")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" ")[:2] for line in lines[:2]] == [
        ["<stdin>:2:1:", "APX150"], ["<stdin>:3:1:", "APX101"]]
    assert "in 1 of 1 file checked" in done.stdout


def test_clean_input_exits_0(tmp_path):
    done = apex_check(tmp_path, b"x = 1\n", "-")
    assert (done.returncode, done.stdout) == (0, "No findings in 1 file checked.\n")


def test_stdin_filename_names_the_findings_and_brings_its_project_settings(tmp_path):
    project = tmp_path / "svc"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        "[tool.apex]\nper-file-ignores = { \"tests/**\" = [\"APX101\"] }\n")
    source = b"eval(x)\nexec(y)\n"
    done = apex_check(tmp_path, source, "--format", "json", "--stdin-filename",
                      "svc/app.py")
    assert [(f["path"], f["rule"]) for f in json.loads(done.stdout)["findings"]] == [
        ("svc/app.py", "APX101"), ("svc/app.py", "APX102")]
    # The file does not exist: only its name decides the project and the ignores.
    done = apex_check(tmp_path, source, "--format", "json", "--stdin-filename",
                      "svc/tests/test_app.py", "-")
    assert [(f["path"], f["rule"]) for f in json.loads(done.stdout)["findings"]] == [
        ("svc/tests/test_app.py", "APX102")]


def test_encoding_cookie_syntax_errors_and_binary_input(tmp_path):
    done = apex_check(tmp_path, b"# -*- coding: latin-1 -*-\ns = '\xe9'; eval(x)\n", "-")
    assert done.stdout.startswith("<stdin>:2:10: APX101")
    done = apex_check(tmp_path, b"def f(:\n", "-")
    assert done.returncode == 1 and done.stdout.startswith("<stdin>:1:7: APX000")
    done = apex_check(tmp_path, b"\x00\x01binary", "-")
    assert done.returncode == 1
    assert "<stdin>: error: binary file (contains NUL bytes); skipped" in done.stderr


@pytest.mark.parametrize("args, message", [
    (("-", "a.py"), "'-' (standard input) cannot be combined with other paths"),
    (("--stdin-filename", "x.py", "a.py"), "--stdin-filename names the file read from "
                                            "standard input; give '-' (or no PATH) to read it"),
])
def test_misuse_is_a_usage_error(tmp_path, args, message):
    (tmp_path / "a.py").write_text("x = 1\n")
    done = apex_check(tmp_path, b"", *args)
    assert done.returncode == 2 and done.stderr == f"apex check: error: {message}\n"


def test_sarif_from_standard_input(tmp_path):
    done = apex_check(tmp_path, b"eval(x)\n", "--format", "sarif", "--stdin-filename",
                      "pkg/mod.py")
    run = json.loads(done.stdout)["runs"][0]
    [result] = run["results"]
    assert result["ruleId"] == "APX101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "pkg/mod.py", "uriBaseId": "%SRCROOT%"}
    assert any(rule["id"] == "APX101" for rule in run["tool"]["driver"]["rules"])
