"""`apex check` end to end: discovery, formats, exit codes, selection, parallel runs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apex_cli.main import main
from apex_lsp.analysis.discovery import ExcludeRules, discover
from apex_lsp.analysis.projects import DEFAULT_EXCLUDE

EVAL = "def f(x):\n    return eval(x)\n"
EXEC_AND_EVAL = "def f(x):\n    exec(x)\n    return eval(x)\n"


def write(root: Path, rel: str, text: str = EVAL) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def check(monkeypatch, capsys, cwd, *args):
    monkeypatch.chdir(cwd)
    code = main(["check", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(monkeypatch, capsys, cwd, *args):
    code, out, err = check(monkeypatch, capsys, cwd, "--format", "json", *args)
    return code, json.loads(out), err


def paths_of(doc):
    return sorted({f["path"] for f in doc["findings"]})


# -- exit codes and formats ----------------------------------------------------

def test_text_format_lines_and_summary(tmp_path, monkeypatch, capsys):
    write(tmp_path, "pkg/a.py", EXEC_AND_EVAL)
    write(tmp_path, "pkg/b.py", "x = 1\n")
    code, out, err = check(monkeypatch, capsys, tmp_path, "--select", "APX101,APX102", "pkg")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("pkg/a.py:2:5: APX102 [")
    assert lines[1].startswith("pkg/a.py:3:12: APX101 [high] eval()")
    assert "Found 2 findings in 1 of 2 files checked." in out
    assert "By rule:" in out and "APX101  eval-used" in out


def test_exit_codes(tmp_path, monkeypatch, capsys):
    write(tmp_path, "clean.py", "print(1)\n")
    write(tmp_path, "bad.py")
    assert check(monkeypatch, capsys, tmp_path, "clean.py")[0] == 0
    assert check(monkeypatch, capsys, tmp_path, "bad.py")[0] == 1
    assert check(monkeypatch, capsys, tmp_path, "--exit-zero", "bad.py")[0] == 0
    code, _, err = check(monkeypatch, capsys, tmp_path, "missing.py")
    assert code == 2 and "no such file or directory: missing.py" in err
    code, _, err = check(monkeypatch, capsys, tmp_path, "--select", "APX999", "bad.py")
    assert code == 2 and "APX999" in err and "matches no rule" in err
    with pytest.raises(SystemExit) as exc:
        check(monkeypatch, capsys, tmp_path, "--format", "xml", "bad.py")
    assert exc.value.code == 2


def test_json_schema_and_relative_paths(tmp_path, monkeypatch, capsys):
    write(tmp_path, "src/app.py")
    code, doc, _ = check_json(monkeypatch, capsys, tmp_path / "src", "--select", "APX101", "../src")
    assert code == 1
    assert set(doc) == {"version", "findings", "errors"} and doc["version"] == 1
    (finding,) = doc["findings"]
    assert finding == {
        "path": "../src/app.py", "line": 2, "column": 12, "end_line": 2, "end_column": 19,
        "rule": "APX101", "severity": "high", "confidence": "high", "cwe": 95,
        "capability": "dynamic_code", "message": finding["message"]}
    code, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX101", "src/app.py")
    assert doc["findings"][0]["path"] == "src/app.py"
    absolute = str(tmp_path / "src" / "app.py")
    code, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX101", absolute)
    assert doc["findings"][0]["path"] == absolute


def test_output_file(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py")
    code, out, _ = check(monkeypatch, capsys, tmp_path, "--format", "json", "-o", "report.json", "a.py")
    assert code == 1 and out == ""
    assert json.loads((tmp_path / "report.json").read_text())["findings"]


def test_errors_are_reported_and_others_still_analysed(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py")
    (tmp_path / "b.py").write_bytes(b"\xff\xfe\x00\x00binary")
    code, doc, _ = check_json(monkeypatch, capsys, tmp_path, ".")
    assert code == 1
    assert paths_of(doc) == ["a.py"]
    assert [e["path"] for e in doc["errors"]] == ["b.py"]
    code, out, err = check(monkeypatch, capsys, tmp_path, ".")
    assert "b.py: error: binary file" in err and "b.py" not in out.split("\n\n")[0]


# -- selection -----------------------------------------------------------------

def test_select_ignore_prefixes_and_specificity(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py", EXEC_AND_EVAL)
    rules = lambda *args: sorted(f["rule"] for f in check_json(monkeypatch, capsys, tmp_path, *args, "a.py")[1]["findings"])
    assert rules("--select", "APX101") == ["APX101"]
    assert rules("--select", "APX10") == ["APX101", "APX102"]
    assert rules("--select", "APX10", "--ignore", "APX102") == ["APX101"]
    assert rules("--ignore", "APX1", "--extend-select", "APX101") == ["APX101"]
    assert rules("--select", "APX101", "--extend-select", "APX102") == ["APX101", "APX102"]


def test_min_severity_and_confidence(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py")
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--min-severity", "critical", "a.py")
    assert doc["findings"] == []
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--min-severity", "high", "a.py")
    assert [f["rule"] for f in doc["findings"]] == ["APX101"]


def test_report_unused_suppressions(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py", "x = 1  # apex: ignore[APX101]\ny = eval(z)  # apex: ignore[APX101]\n")
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX101", "a.py")
    assert doc["findings"] == []
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX101",
                           "--report-unused-suppressions", "a.py")
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("APX001", 1)]


def test_show_settings(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py")
    code, out, _ = check(monkeypatch, capsys, tmp_path, "--show-settings", "--select", "APX101", ".")
    assert code == 0
    assert "[tool.apex]" in out and 'select = ["APX101"]' in out
    assert "# 1 rules selected: APX101" in out


# -- discovery -----------------------------------------------------------------

def _rules_for(root):
    rules = ExcludeRules.build(str(root), DEFAULT_EXCLUDE, (), DEFAULT_EXCLUDE)
    return lambda _directory: rules


def test_default_excludes_gitignore_and_real_packages(tmp_path, monkeypatch, capsys):
    write(tmp_path, "app/main.py")
    write(tmp_path, ".venv/lib/site.py")
    write(tmp_path, "node_modules/x.py")
    write(tmp_path, "env2/lib/x.py")
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    write(tmp_path, "build/lib/pkg/x.py")
    write(tmp_path, "venv/__init__.py", EVAL)  # a real package that happens to be called venv
    write(tmp_path, "generated/out.py")
    write(tmp_path, "logs/keep.py")
    write(tmp_path, "logs/skip.py")
    (tmp_path / ".gitignore").write_text("# comment\ngenerated/\nlogs/*\n!logs/keep.py\n")
    code, doc, err = check_json(monkeypatch, capsys, tmp_path, "--verbose", ".")
    assert paths_of(doc) == ["app/main.py", "logs/keep.py", "venv/__init__.py"]
    assert "excluded: .venv: matches default exclude '.venv'" in err
    assert "excluded: env2: virtual environment (has pyvenv.cfg)" in err
    assert "excluded: generated: ignored by" in err and "'generated/'" in err
    assert "included: venv: analysed although it matches default exclude 'venv'" in err
    # Without --verbose, the text format still says that something was left out.
    code, out, err = check(monkeypatch, capsys, tmp_path, ".")
    assert "path(s) excluded" in err and "--verbose" in err


def test_explicit_files_are_always_analysed(tmp_path, monkeypatch, capsys):
    write(tmp_path, "node_modules/tool.py")
    write(tmp_path, "script")  # no .py suffix
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "node_modules/tool.py", "script")
    assert paths_of(doc) == ["node_modules/tool.py", "script"]
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, ".")
    assert doc["findings"] == []
    # An explicitly named directory is walked even when it matches an exclude.
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "node_modules")
    assert paths_of(doc) == ["node_modules/tool.py"]


def test_gitignore_of_repository_root_applies_to_subdirectory(tmp_path, monkeypatch, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*_pb2.py\n/top_only.py\n")
    write(tmp_path, "src/x_pb2.py")
    write(tmp_path, "src/top_only.py")
    write(tmp_path, "top_only.py")
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path / "src", ".")
    assert paths_of(doc) == ["top_only.py"]
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, ".")
    assert paths_of(doc) == ["src/top_only.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_and_duplicates(tmp_path):
    write(tmp_path, "pkg/a.py")
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "loop")
    os.symlink(tmp_path / "pkg", tmp_path / "alias")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.py")
    os.symlink(tmp_path / "self", tmp_path / "self")
    found = discover([str(tmp_path)], _rules_for(tmp_path))
    assert [t.path for t in found.targets] == [str(tmp_path / "alias" / "a.py")]
    reasons = {Path(e.shown).name: e.reason for e in found.excluded}
    assert "already walked" in reasons["loop"] or "already walked" in reasons["pkg"]
    assert "broken or looping symlink" in reasons["dangling.py"]


def test_output_order_is_deterministic_and_parallel_matches_serial(tmp_path, monkeypatch, capsys):
    for i in range(60):
        write(tmp_path, f"pkg{i % 7}/mod{i:02d}.py", EXEC_AND_EVAL if i % 3 else "x = 1\n")
    _, serial, _ = check_json(monkeypatch, capsys, tmp_path, "--jobs", "1", ".")
    code = main(["check", "--format", "json", "--jobs", "2", "."])
    parallel = json.loads(capsys.readouterr().out)
    assert code == 1
    assert parallel == serial
    assert [f["path"] for f in serial["findings"]] == sorted(f["path"] for f in serial["findings"])


def test_real_cli_process_no_progress_bar_in_pipes(tmp_path):
    write(tmp_path, "a.py")
    env = dict(os.environ, CI="")
    proc = subprocess.run([sys.executable, "-m", "apex_cli", "check", "a.py"], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout.startswith("a.py:2:12: APX101 [high]")
    assert "\r" not in proc.stderr and "files" not in proc.stderr


# -- configuration ---------------------------------------------------------------

def test_nearest_configuration_governs_each_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.apex]\nselect = ["APX101", "APX102"]\nextend-exclude = ["vendored"]\n'
        '[tool.apex.per-file-ignores]\n"tests/*" = ["APX102"]\n')
    write(tmp_path, "app.py", EXEC_AND_EVAL)
    write(tmp_path, "tests/test_app.py", EXEC_AND_EVAL)
    write(tmp_path, "vendored/lib.py", EXEC_AND_EVAL)
    write(tmp_path, "sub/apex.toml", 'select = ["APX102"]\n')
    write(tmp_path, "sub/mod.py", EXEC_AND_EVAL)
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, ".")
    got = sorted((f["path"], f["rule"]) for f in doc["findings"])
    assert got == [("app.py", "APX101"), ("app.py", "APX102"), ("sub/mod.py", "APX102"),
                   ("tests/test_app.py", "APX101")]
    # The same files named from elsewhere keep their own project's settings.
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path / "sub", "mod.py", "../app.py")
    assert sorted((f["path"], f["rule"]) for f in doc["findings"]) == [
        ("../app.py", "APX101"), ("../app.py", "APX102"), ("mod.py", "APX102")]


def test_invalid_configuration_exits_2_naming_file_line_and_key(tmp_path, monkeypatch, capsys):
    write(tmp_path, "a.py")
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.apex]\nmin-severity = "bogus"\n')
    code, out, err = check(monkeypatch, capsys, tmp_path, ".")
    assert code == 2 and out == ""
    assert f"{config}:2:1: [min-severity]" in err and "expected one of" in err
    config.write_text('[tool.apex]\n\nselect = ["APX999"]\n')
    code, out, err = check(monkeypatch, capsys, tmp_path, "a.py")
    assert code == 2
    assert f"{config}:3: [select] 'APX999' matches no rule" in err


# -- mode policy and taint ---------------------------------------------------------

NETWORK = "import requests\n\ndef f(url):\n    return requests.get(url, timeout=5)\n"


def test_mode_judges_capability_use(tmp_path, monkeypatch, capsys):
    write(tmp_path, "net.py", NETWORK)
    code, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX901",
                              "--mode", "isolation", "net.py")
    (finding,) = doc["findings"]
    assert code == 1 and finding["severity"] == "high" and finding["capability"] == "network"
    assert "denied in isolation mode" in finding["message"]
    code, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX901",
                              "--mode", "development", "net.py")
    assert code == 0 and doc["findings"] == []


def test_mode_from_the_project_file(tmp_path, monkeypatch, capsys):
    (tmp_path / "apex.toml").write_text('mode = "isolation"\n')
    write(tmp_path, "net.py", NETWORK)
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX901", ".")
    assert "denied in isolation mode — policy: apex.toml" in doc["findings"][0]["message"]


def test_taint_findings_and_no_taint(tmp_path, monkeypatch, capsys):
    write(tmp_path, "views.py", "import os\nfrom flask import request\n\n"
                                "def view():\n    os.system(request.args['cmd'])\n")
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX8", ".")
    assert [f["rule"] for f in doc["findings"]] == ["APX801"]
    _, doc, _ = check_json(monkeypatch, capsys, tmp_path, "--select", "APX8", "--no-taint", ".")
    assert doc["findings"] == []


def _run_with_tty_stderr(cwd, env):
    import pty
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "apex_cli", "check", "--jobs", "1", "."],
                              cwd=cwd, stdout=subprocess.PIPE, stderr=follower, env=env,
                              timeout=120)
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        return proc, b"".join(chunks).decode()
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)


def test_progress_bar_only_on_a_terminal_and_never_in_ci(tmp_path):
    for i in range(5):
        write(tmp_path, f"m{i}.py")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    proc, terminal = _run_with_tty_stderr(tmp_path, env)
    assert proc.returncode == 1
    assert "\r[" in terminal and "/5 files" in terminal
    assert b"\r" not in proc.stdout
    proc, terminal = _run_with_tty_stderr(tmp_path, dict(env, CI="true"))
    assert "\r[" not in terminal


@pytest.mark.parametrize("pattern, path, is_dir, expected", [
    ("*.py[co]", "pkg/mod.pyc", False, True),
    ("*.py[co]", "pkg/mod.py", False, False),
    ("build", "a/b/build", True, True),
    ("/build", "a/build", True, False),
    ("/build", "build", True, True),
    ("logs/", "logs", False, False),
    ("logs/", "logs", True, True),
    ("**/gen", "x/y/gen", True, True),
    ("**/gen", "gen", True, True),
    ("a/**/b.py", "a/b.py", False, True),
    ("a/**/b.py", "a/x/y/b.py", False, True),
    ("a/**", "a/x/y.py", False, True),
    ("a/*.py", "a/x/y.py", False, False),
    ("\\#hash.py", "#hash.py", False, True),
    ("trailing.py   ", "trailing.py", False, True),
    ("# comment", "# comment", False, False),
    ("doc?.py", "doc1.py", False, True),
    ("doc?.py", "doc/.py", False, False),
])
def test_gitignore_patterns(pattern, path, is_dir, expected):
    from apex_lsp.analysis.gitignore import compile_pattern, matches_any
    compiled = compile_pattern(pattern)
    got = compiled is not None and matches_any((compiled,), path, is_dir) is not None
    assert got is expected


def test_gitignore_negation_and_last_match_wins():
    from apex_lsp.analysis.gitignore import IgnoreFile
    ignore = IgnoreFile("/r", ["*.py", "!keep.py", "sub/keep.py"], "/r/.gitignore")
    assert not ignore.match("/r/a.py", False).negated
    assert ignore.match("/r/keep.py", False).negated
    assert not ignore.match("/r/sub/keep.py", False).negated
    assert ignore.match("/other/a.py", False) is None


def test_a_file_that_kills_its_worker_costs_only_itself(tmp_path, monkeypatch):
    """A real worker process dies (os._exit) on one file; every other file is analysed."""
    from apex_lsp.analysis import all_rules, selection
    from apex_lsp.analysis.checker import Checker
    from apex_lsp.analysis.rule import Rule

    class KillsWorker(Rule):
        """Exits the process when it sees crash_here() (test helper)."""
        id = "APX999"
        name = "kills-worker"
        category = "test"
        calls = frozenset({"crash_here"})

        def check_call(self, node, ctx):
            os._exit(70)

    monkeypatch.setattr(selection, "all_rules", lambda: (*all_rules(), KillsWorker))
    for i in range(60):
        write(tmp_path, f"m{i:02d}.py", "crash_here()\n" if i == 17 else EVAL)
    checker = Checker()
    checker.start_method = "fork"  # the workers must inherit the patched catalogue
    report = checker.check_paths([str(tmp_path)], jobs=2)
    assert [e.message for e in report.errors] == [
        "analysing this file crashed the worker process; skipped"]
    assert report.errors[0].path.endswith("m17.py")
    assert len({f.path for f in report.findings if f.rule == "APX101"}) == 59


# -- selection (unit) ------------------------------------------------------------

def test_selection_resolves_prefixes_all_overrides_and_per_file_ignores():
    from apex_policy.analysis_settings import AnalysisSettings
    from apex_lsp.analysis import all_rules
    from apex_lsp.analysis.model import Severity
    from apex_lsp.analysis.selection import SelectionError, select_rules

    meta = {r.id for r in all_rules() if r.category == "meta"}
    assert meta == {"APX000", "APX001", "APX002"}
    every = {r.id for r in all_rules()} - meta
    default = {r.id for r in all_rules() if r.enabled_by_default} - meta
    assert select_rules(AnalysisSettings()).rule_ids == default
    assert select_rules(AnalysisSettings(select=("ALL",))).rule_ids == every
    chosen = select_rules(AnalysisSettings(select=("apx1",), ignore=("APX10",),
                                           extend_select=("APX101",)))
    assert "APX101" in chosen.rule_ids and "APX102" not in chosen.rule_ids
    assert all(i.startswith("APX1") for i in chosen.rule_ids)
    assert select_rules(AnalysisSettings(select=("ALL",))).report_unused_suppressions
    assert not select_rules(AnalysisSettings(ignore=("APX000",))).report_syntax_errors

    chosen = select_rules(AnalysisSettings(severity={"APX101": "critical"},
                                           per_file_ignores={"tests/**": ("APX1",)}))
    assert chosen.severity_overrides == {"APX101": Severity.CRITICAL}
    assert chosen.ignored_in("tests/unit/test_x.py") == ("APX1",)
    assert chosen.ignored_in("src/tests.py") == ()

    for bad, key in ((AnalysisSettings(severity={"APX101": "fatal"}), "severity.APX101"),
                     (AnalysisSettings(severity={"APX9999": "low"}), "severity"),
                     (AnalysisSettings(ignore=("XYZ",)), "ignore"),
                     (AnalysisSettings(min_confidence="sure"), "min-confidence")):
        with pytest.raises(SelectionError) as exc:
            select_rules(bad)
        assert exc.value.key == key
