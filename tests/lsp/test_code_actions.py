"""Code actions, applied to the text the way an editor applies them."""
from __future__ import annotations

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

import pytest
from lsprotocol import types

from lsp_helpers import (apply_edits, code_actions, codes, diagnostics_for, edits_for,
                         open_doc, publish_where, replace_all)

pytestmark = pytest.mark.asyncio


def by_title(actions, prefix):
    return next(a for a in actions if a.title.startswith(prefix))


async def test_quick_fix_from_the_rule_applies(client, workspace):
    text = "import yaml\n\ndata = yaml.load(stream)\n"
    uri = open_doc(client, workspace / "y.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    yaml_diag = [d for d in diags if d.range.start.line == 2]
    actions = await code_actions(client, uri, 2, yaml_diag)
    fix = by_title(actions, "Use yaml.safe_load")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    fixed = apply_edits(text, edits_for(fix.edit, uri))
    assert fixed == "import yaml\n\ndata = yaml.safe_load(stream)\n"
    # The fixed text is clean for that rule.
    replace_all(client, uri, text, fixed, version=2)
    after = await diagnostics_for(client, uri, version=2)
    assert not set(codes(after)) & {d.code for d in yaml_diag}


async def test_suppress_goes_on_the_first_line_of_a_multiline_statement(client, workspace):
    text = "result = eval(\n    expr,\n    {},\n)\n"
    uri = open_doc(client, workspace / "m.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    assert "APX101" in codes(diags)
    # Ask on the statement's last line: the comment still goes on the first.
    actions = await code_actions(client, uri, 2, diags)
    suppress = by_title(actions, "Suppress APX101")
    fixed = apply_edits(text, edits_for(suppress.edit, uri))
    assert fixed == "result = eval(  # apex: ignore[APX101]\n    expr,\n    {},\n)\n"
    replace_all(client, uri, text, fixed, version=2)
    assert "APX101" not in codes(await diagnostics_for(client, uri, version=2))


async def test_suppress_skips_lines_inside_strings_and_continuations(client, workspace):
    text = 'value = eval("""\nabc""" + \\\n    expr)\n'
    uri = open_doc(client, workspace / "s.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    actions = await code_actions(client, uri, 0, diags)
    fixed = apply_edits(text, edits_for(by_title(actions, "Suppress APX101").edit, uri))
    # Line 1 ends inside the string, line 2 in a backslash continuation.
    assert fixed == 'value = eval("""\nabc""" + \\\n    expr)  # apex: ignore[APX101]\n'
    replace_all(client, uri, text, fixed, version=2)
    assert "APX101" not in codes(await diagnostics_for(client, uri, version=2))


async def test_suppress_merges_with_an_existing_ignore_comment(client, workspace):
    text = "import pickle\nx = eval(pickle.loads(blob))  # apex: ignore[APX999]\n"
    uri = open_doc(client, workspace / "p.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    actions = await code_actions(client, uri, 1, diags)
    suppressions = [a for a in actions if a.title.startswith("Suppress")]
    assert len(suppressions) >= 2
    fixed = apply_edits(text, edits_for(suppressions[0].edit, uri))
    rule = suppressions[0].title.split()[1]
    assert fixed.splitlines()[1].endswith(f"# apex: ignore[APX999, {rule}]")


async def test_fix_all_applies_every_safe_fix(client, workspace):
    text = "import yaml\na = yaml.load(s1)\nb = yaml.load(s2)\n"
    uri = open_doc(client, workspace / "f.py", text)
    await diagnostics_for(client, uri, version=1)
    actions = await code_actions(client, uri, 0, only=["source.fixAll.apex"])
    assert [a.kind for a in actions] == ["source.fixAll.apex"]
    fixed = apply_edits(text, edits_for(actions[0].edit, uri))
    assert fixed == "import yaml\na = yaml.safe_load(s1)\nb = yaml.safe_load(s2)\n"


async def test_policy_actions_edit_pyproject(start, workspace):
    pyproject = workspace / "pyproject.toml"
    pyproject.write_text('[project]\nname = "demo"\n\n[tool.apex]\nmode = "isolation"\n'
                         'extend-select = ["APX9"]\n')
    client = await start()
    text = "import requests\nrequests.get(url, timeout=5)\n"
    uri = open_doc(client, workspace / "net.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    net = [d for d in diags if d.range.start.line == 1]
    assert net and any(d.severity == types.DiagnosticSeverity.Error for d in net), diags
    actions = await code_actions(client, uri, 1, net)
    config_uri = pyproject.as_uri()
    original = pyproject.read_text()

    switch = by_title(actions, "Switch this workspace to development mode")
    switched = apply_edits(original, edits_for(switch.edit, config_uri))
    assert tomllib.loads(switched)["tool"]["apex"]["mode"] == "development"
    assert tomllib.loads(switched)["project"]["name"] == "demo"

    allow = by_title(actions, "Allow `network` for net.py")
    allowed = apply_edits(original, edits_for(allow.edit, config_uri))
    policy = tomllib.loads(allowed)["tool"]["apex"]
    # A per-path capability override, not a hidden finding: the runtime policy agrees.
    assert policy["overrides"] == [{"paths": ["net.py"], "capabilities": {"network": "allow"}}]
    assert "per-file-ignores" not in policy
    assert policy["mode"] == "isolation"
    # Saving the edited policy re-evaluates the open document: the verdict is gone.
    count = len(client.published)
    pyproject.write_text(allowed)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=config_uri, type=types.FileChangeType.Changed)]))
    after = await publish_where(
        client, uri, lambda diags: not [d for d in diags if d.range.start.line == 1
                                        and "network access" in d.message], after=count)
    # The policy agrees for the file (and only for it).
    from apex_policy import load_settings
    decided = load_settings(str(workspace)).settings.policy
    assert decided.decide("network", "example.com:443", path=str(workspace / "net.py")) == \
        "allow"
    assert decided.decide("network", "example.com:443", path=str(workspace / "other.py")) == \
        "deny"
    # No allow action is offered once the file is allowed.
    actions = await code_actions(client, uri, 1, after)
    assert not [a for a in actions if a.title.startswith("Allow `network`")]


async def test_policy_action_creates_pyproject_when_missing(start, workspace):
    # No policy file; the editor settings choose isolation, where subprocess is denied.
    client = await start(options={"mode": "isolation"})
    text = "import subprocess\nsubprocess.run(cmd, shell=True)\n"
    uri = open_doc(client, workspace / "run.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    actions = await code_actions(client, uri, 1, diags)
    allow = next((a for a in actions if a.title.startswith("Allow `subprocess`")), None)
    assert allow is not None, [a.title for a in actions]
    create = allow.edit.document_changes[0]
    assert isinstance(create, types.CreateFile)
    assert create.uri == (workspace / "pyproject.toml").as_uri()
    created = apply_edits("", edits_for(allow.edit, create.uri))
    overrides = tomllib.loads(created)["tool"]["apex"]["overrides"]
    assert overrides == [{"paths": ["run.py"], "capabilities": {"subprocess": "allow"}}]


async def test_code_action_out_of_range_is_an_error(client, workspace):
    uri = open_doc(client, workspace / "e.py", "x = 1\n")
    await diagnostics_for(client, uri, version=1)
    with pytest.raises(Exception, match="outside the document"):
        await code_actions(client, uri, 500)
