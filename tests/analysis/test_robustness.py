"""Bad input gets a clear message and the rest of the run goes on."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from apex_cli.main import main
from apex_lsp.analysis import Analyzer, rules_by_id

GOOD = "def f(x):\n    return eval(x)\n"


def run_check(monkeypatch, capsys, cwd, *args):
    monkeypatch.chdir(cwd)
    code = main(["check", "--format", "json", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def by_path(doc):
    findings = {}
    for f in doc["findings"]:
        findings.setdefault(f["path"], []).append((f["rule"], f["line"], f["column"]))
    errors = {e["path"]: e["message"] for e in doc["errors"]}
    return findings, errors


@pytest.fixture
def project(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def test_syntax_error_gives_one_apx000_at_its_location_and_the_run_goes_on(project, monkeypatch, capsys):
    (project / "broken.py").write_text("x = 1\ndef f(:\n    pass\n")
    code, doc, _ = run_check(monkeypatch, capsys, project, ".")
    findings, errors = by_path(doc)
    assert findings["broken.py"] == [("APX000", 2, 7)]
    assert findings["good.py"] == [("APX101", 2, 12)]
    assert errors == {} and code == 1


def test_findings_after_a_syntax_error_still_show():
    result = Analyzer([rules_by_id()["APX101"]]).analyze_source(
        "def f(:\n    pass\nvalue = eval(data)\n", "t.py")
    assert [(f.rule, f.line) for f in result.findings] == [("APX000", 1), ("APX101", 3)]


@pytest.mark.parametrize("name, content, message", [
    ("binary.py", bytes(range(256)) * 4, "binary file"),
    ("latin1.py", "name = 'caf\xe9'\n".encode("latin-1"), "cannot decode"),
    ("cookie.py", b"# -*- coding: no-such-codec -*-\nx = 1\n", "cannot decode"),
    ("late_nul.py", b"x = 1\n" * 3000 + b"y = '\x00'\n", "NUL bytes"),
])
def test_undecodable_files_are_errors_not_crashes(project, monkeypatch, capsys, name, content, message):
    (project / name).write_bytes(content)
    code, doc, _ = run_check(monkeypatch, capsys, project, ".")
    findings, errors = by_path(doc)
    assert message in errors[name]
    assert findings["good.py"] == [("APX101", 2, 12)]
    assert code == 1


def test_declared_encodings_and_bom_are_honoured(project, monkeypatch, capsys):
    (project / "latin1.py").write_bytes(b"# -*- coding: latin-1 -*-\ns = '\xe9'; eval(s)\n")
    (project / "bom.py").write_bytes(b"\xef\xbb\xbfeval(x)\n")
    _, doc, _ = run_check(monkeypatch, capsys, project, ".")
    findings, errors = by_path(doc)
    assert errors == {}
    assert findings["latin1.py"] == [("APX101", 2, 10)]  # character columns
    assert findings["bom.py"] == [("APX101", 1, 1)]


def test_ten_megabyte_files(project, monkeypatch, capsys):
    size = 10 * 1024 * 1024
    (project / "big_string.py").write_text("DATA = '" + "x" * size + "'\nvalue = eval(data)\n")
    # One 10 MB comment line of '#': once quadratic in the suppression scanner.
    (project / "big_comment.py").write_text("#" * size + "\nvalue = eval(data)\n")
    started = time.monotonic()
    _, doc, _ = run_check(monkeypatch, capsys, project, ".")
    findings, errors = by_path(doc)
    assert errors == {}
    assert findings["big_string.py"] == [("APX101", 2, 9)]
    assert findings["big_comment.py"] == [("APX101", 2, 9)]
    assert findings["good.py"] == [("APX101", 2, 12)]
    # Not a timing assertion on speed, a guard against a hang: seconds, not hours.
    assert time.monotonic() - started < 120


@pytest.mark.parametrize("source, expected", [
    ("x = " + "-" * 100_000 + "1\n", [("APX000", 1, 1)]),
    ("x = " + " + ".join(["a"] * 100_000) + "\n", [("APX000", 1, 1)]),
    ("x = " + "(" * 250 + "1" + ")" * 250 + "\n", [("APX000", 1, 205)]),
    ("x = " + "[" * 90 + "]" * 90 + "\n", []),
    ("eval(" + "f(" * 90 + ")" * 90 + ")\n", [("APX101", 1, 1)]),
    ("".join("    " * i + "if x:\n" for i in range(99)) + "    " * 99 + "eval(y)\n",
     [("APX101", 100, 397)]),
], ids=["unary-100k", "binop-100k", "parens-250", "lists-90", "calls-90", "blocks-99"])
def test_deep_nesting_never_crashes(project, monkeypatch, capsys, source, expected):
    (project / "deep.py").write_text(source)
    _, doc, _ = run_check(monkeypatch, capsys, project, "--select", "APX101", ".")
    findings, errors = by_path(doc)
    assert findings["good.py"] == [("APX101", 2, 12)]
    assert errors == {}
    assert findings.get("deep.py", []) == expected


def test_deep_nesting_reports_a_clear_reason():
    result = Analyzer().analyze_source("x = " + "-" * 100_000 + "1\n", "t.py")
    assert [(f.rule, f.message) for f in result.findings] == [
        ("APX000", "too deeply nested to parse")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_do_not_hang(project, monkeypatch, capsys):
    (project / "pkg").mkdir()
    (project / "pkg" / "mod.py").write_text(GOOD)
    os.symlink(project, project / "pkg" / "up")
    os.symlink(project / "pkg" / "a.py", project / "pkg" / "b.py")
    os.symlink(project / "pkg" / "b.py", project / "pkg" / "a.py")
    code, doc, _ = run_check(monkeypatch, capsys, project, "--verbose", ".")
    findings, errors = by_path(doc)
    assert sorted(findings) == ["good.py", "pkg/mod.py"]
    err = capsys.readouterr().err
    code, doc, err = run_check(monkeypatch, capsys, project, "--verbose", ".")
    assert "excluded: pkg/up: symlink loop" in err
    assert "excluded: pkg/a.py: broken or looping symlink" in err


def test_fifo_is_skipped_instead_of_blocking(project, monkeypatch, capsys):
    os.mkfifo(project / "pipe.py")
    code, doc, err = run_check(monkeypatch, capsys, project, "--verbose", ".")
    findings, _ = by_path(doc)
    assert sorted(findings) == ["good.py"]
    assert "pipe.py: not a regular file" in err
    code, doc, _ = run_check(monkeypatch, capsys, project, "pipe.py", "good.py")
    assert by_path(doc)[1] == {"pipe.py": "not a regular file; skipped"}


def _without_root_file_access() -> list[str]:
    """A command prefix under which file permissions apply even to root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def test_unreadable_file_and_directory(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "good.py").write_text(GOOD)
    (project / "secret.py").write_text(GOOD)
    (project / "locked").mkdir()
    (project / "locked" / "inner.py").write_text(GOOD)
    os.chmod(project / "secret.py", 0)
    os.chmod(project / "locked", 0)
    command = _without_root_file_access() + [
        sys.executable, "-m", "apex_cli", "check", "--format", "json", "--jobs", "1", "."]
    try:
        proc = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)
    finally:
        os.chmod(project / "locked", 0o755)
    doc = json.loads(proc.stdout)
    findings, errors = by_path(doc)
    assert sorted(findings) == ["good.py"]
    assert errors == {"locked": "cannot read directory: Permission denied",
                      "secret.py": "cannot read file: Permission denied"}
    assert proc.returncode == 1
