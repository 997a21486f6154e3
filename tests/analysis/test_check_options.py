"""`apex check` options as a ruff or bandit user meets them: names the CLI keeps as
copies (to keep `apex` start-up free of heavy imports) stay equal to their single
source, errors name the command and give hints, help and docs stay true."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from apex_cli.commands import check as check_command
from apex_cli.main import build_parser
from apex_policy import keys
from apex_policy.capabilities import MODES
from apex_lsp.analysis import all_rules, formats
from apex_lsp.analysis.model import Confidence, Severity


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_mode_option_offers_exactly_the_policy_modes():
    offered = {name: tuple(action.choices) for name, command in _subcommands().items()
               for action in command._actions if action.dest == "mode"}
    assert {"check", "run"} <= set(offered)
    assert all(choices == MODES for choices in offered.values()), offered


def test_severity_confidence_and_format_names_match_their_sources():
    assert check_command.SEVERITIES == keys.SEVERITIES == tuple(str(s) for s in Severity)
    assert check_command.CONFIDENCES == keys.CONFIDENCES == tuple(str(c) for c in Confidence)
    assert check_command.FORMATS == formats.FORMATS


def test_the_taint_rules_are_the_apx8_range_that_no_taint_names():
    taint = {r.id for r in all_rules() if getattr(r, "file_pass", None)}
    assert taint and taint == {r.id for r in all_rules() if r.id.startswith("APX8")}


# -- through the real command ------------------------------------------------------

def apex(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "apex_cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("flag, value, message", [
    ("--select", "B602", "--select: 'B602' matches no rule: B602 is a bandit test id; "
                         "use the Apex rule for it: APX155 or APX158"),
    ("--ignore", "b101", "--ignore: 'B101' matches no rule: B101 is a bandit test id; "
                         "use the Apex rule for it: APX651"),
    ("--extend-select", "APX1011", "--extend-select: 'APX1011' matches no rule; "
                                   "did you mean APX101"),
    ("--ignore", "XYZ", "--ignore: 'XYZ' matches no rule (expected a rule id such as "
                        "'APX101' or a prefix such as 'APX1')"),
])
def test_unknown_selectors_exit_2_with_a_hint(tmp_path, flag, value, message):
    (tmp_path / "a.py").write_text("eval(x)\n")
    done = apex(tmp_path, "check", flag, value, ".")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"apex check: error: {message}"), done.stderr


def test_a_mistyped_id_in_the_configuration_gets_the_same_hint(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.apex]\nignore = ['APX999']\n")
    (tmp_path / "a.py").write_text("eval(x)\n")
    done = apex(tmp_path, "check", ".")
    assert done.returncode == 2
    assert "[ignore] 'APX999' matches no rule; did you mean APX909" in done.stderr, done.stderr


def test_levels_and_format_are_case_insensitive(tmp_path):
    (tmp_path / "a.py").write_text("def f(y):\n    assert y\n    return eval(y)\n")

    def severities(*args):
        done = apex(tmp_path, "check", "--select", "ALL", "--format", "JSON", *args, ".")
        assert done.returncode == 1, done.stderr
        return sorted(f["severity"] for f in json.loads(done.stdout)["findings"])

    assert severities() == ["high", "low"]
    assert severities("--min-severity", "HIGH") == ["high"]


@pytest.mark.parametrize("argv, usage", [
    (("check", "--statistics"), "usage: apex check "),
    (("policy", "show", "--bogus"), "usage: apex policy show "),
])
def test_an_unknown_option_shows_the_usage_of_its_command(tmp_path, argv, usage):
    done = apex(tmp_path, *argv)
    assert done.returncode == 2
    assert done.stderr.startswith(usage), done.stderr
    assert f"error: unrecognized arguments: {argv[-1]}" in done.stderr


def test_run_takes_a_double_dash_before_the_script(tmp_path):
    (tmp_path / "show.py").write_text("import sys\nprint(sys.argv[1:])\n")
    done = apex(tmp_path, "run", "--mode", "development", "--", "show.py", "--flag", "x")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "['--flag', 'x']"


def test_every_check_option_is_documented_in_docs_check_md():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "check.md").read_text()
    table = [line for line in doc.splitlines() if line.startswith("| `")]
    options = [max(action.option_strings, key=len)
               for action in _subcommands()["check"]._actions
               if action.option_strings and action.dest != "help"]
    missing = [o for o in options if not any(f"`{o}" in row or f", {o}" in row for row in table)]
    assert not missing, f"docs/check.md's option table lacks {missing}"


def test_help_states_the_exit_statuses(tmp_path):
    done = apex(tmp_path, "check", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "Exit status: 0 no findings; 1 findings (syntax errors and rule crashes included) " \
           "or unanalysable files; 2 usage or configuration error." in text
