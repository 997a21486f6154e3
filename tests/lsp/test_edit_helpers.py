"""The text-edit helpers behind the suppression and policy code actions (unit level)."""
from __future__ import annotations

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import pytest

from apex_lsp.analysis import Confidence, Finding, Severity
from apex_lsp.server import policy_edits
from apex_lsp.server.suppression import suppression_edit


def finding(line, end_line=None, stmt=(0, 0), rule="APX101"):
    return Finding("f.py", line, 1, end_line or line, 2, rule, Severity.HIGH, Confidence.HIGH,
                   None, None, "m", stmt_lines=stmt)


def apply(text, edit):
    lines = text.split("\n")
    line = lines[edit.line - 1]
    lines[edit.line - 1] = line[:edit.column - 1] + edit.text + line[edit.end_column - 1:]
    return "\n".join(lines)


@pytest.mark.parametrize("text, stmt, expected_line, expected", [
    ("x = eval(a)\n", (1, 1), 1, "x = eval(a)  # apex: ignore[APX101]"),
    ("x = eval(a)   \n", (1, 1), 1, "x = eval(a)  # apex: ignore[APX101]"),
    ("x = eval(  # why\n  a)\n", (1, 2), 1, "x = eval(  # why  # apex: ignore[APX101]"),
    ("x = eval(a)  # apex: ignore[APX2]\n", (1, 1), 1, "x = eval(a)  # apex: ignore[APX2, APX101]"),
    ('x = eval("""\n""" + \\\n a)\n', (1, 3), 3, " a)  # apex: ignore[APX101]"),
])
def test_suppression_placement(text, stmt, expected_line, expected):
    edit = suppression_edit(text, finding(stmt[0], stmt[1], stmt))
    assert edit.line == expected_line
    assert apply(text, edit).split("\n")[expected_line - 1] == expected


def test_already_suppressed_lines_get_no_edit():
    assert suppression_edit("x = eval(a)  # apex: ignore\n", finding(1, stmt=(1, 1))) is None
    assert suppression_edit("x = eval(a)  # apex: ignore[APX101]\n",
                            finding(1, stmt=(1, 1))) is None


def apply_line_edit(text, edit):
    return policy_edits.apply(text, edit)


@pytest.mark.parametrize("text", [
    "",
    '[project]\nname = "x"\n',
    '[project]\nname = "x"',  # no final newline
    '[tool.apex]\nmode = "isolation"  # strict\n\n[tool.other]\na = 1\n',
    '[tool.apex]\n# comment\nselect = ["APX1"]\n',
])
def test_set_mode_in_pyproject(text):
    edit = policy_edits.set_value(text, "pyproject.toml", (), "mode", "development")
    data = tomllib.loads(apply_line_edit(text, edit))
    assert data["tool"]["apex"]["mode"] == "development"


def test_per_file_ignores_merge_in_pyproject_and_apex_toml():
    text = '[tool.apex]\nmode = "isolation"\n\n[tool.apex.per-file-ignores]\n"a.py" = ["APX1"]\n'
    edit = policy_edits.set_value(text, "pyproject.toml", ("per-file-ignores",), "b.py",
                                  ("APX901",))
    data = tomllib.loads(apply_line_edit(text, edit))["tool"]["apex"]["per-file-ignores"]
    assert data == {"a.py": ["APX1"], "b.py": ["APX901"]}
    apex = 'mode = "isolation"\n'
    edit = policy_edits.set_value(apex, "apex.toml", ("per-file-ignores",), "src/x.py", ("APX9",))
    assert tomllib.loads(apply_line_edit(apex, edit)) == {
        "mode": "isolation", "per-file-ignores": {"src/x.py": ["APX9"]}}
    edit = policy_edits.set_value(apex, "apex.toml", (), "mode", "development")
    assert tomllib.loads(apply_line_edit(apex, edit)) == {"mode": "development"}


def test_an_edit_that_would_break_the_file_is_not_offered():
    # per-file-ignores written inline: a [tool.apex.per-file-ignores] table would redefine it.
    text = '[tool.apex]\nper-file-ignores = {"a.py" = ["APX1"]}\n'
    assert policy_edits.set_value(text, "pyproject.toml", ("per-file-ignores",), "b.py",
                                  ("APX2",)) is None


def test_add_override_appends_an_array_table_and_checks_it_parses():
    text = '[tool.apex]\nmode = "isolation"\n\n[[tool.apex.overrides]]\npaths = ["a/**"]\n' \
           'capabilities = { subprocess = "allow" }'  # no final newline
    edit = policy_edits.add_override(text, "pyproject.toml", ("src/net/c.py",), "network")
    data = tomllib.loads(apply_line_edit(text, edit))["tool"]["apex"]
    assert data["overrides"][-1] == {"paths": ["src/net/c.py"],
                                     "capabilities": {"network": "allow"}}
    assert len(data["overrides"]) == 2 and data["mode"] == "isolation"
    apex = 'mode = "hybrid"\n'
    edit = policy_edits.add_override(apex, "apex.toml", ("x.py",), "subprocess")
    assert tomllib.loads(apply_line_edit(apex, edit))["overrides"] == [
        {"paths": ["x.py"], "capabilities": {"subprocess": "allow"}}]
    # Written inline already: an [[overrides]] table would redefine it, so nothing is offered.
    inline = '[tool.apex]\noverrides = []\n'
    assert policy_edits.add_override(inline, "pyproject.toml", ("x.py",), "network") is None
