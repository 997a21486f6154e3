"""Settings (initializationOptions, workspace/configuration), the mode policy, policy
files (diagnostics, watching), commands and the apex/status notification."""
from __future__ import annotations

import pytest
from lsprotocol import types

from conftest import as_dict, until
from lsp_helpers import codes, diagnostics_for, insert, last_publish, open_doc, publish_where

pytestmark = pytest.mark.asyncio

NETWORK = "import requests\nrequests.get(url, timeout=5)\n"
#: Capability-use rules (APX9xx) are opt-in; the policy judges what they report.
CAPABILITY_RULES = {"extend-select": ["APX9"]}
PYPROJECT_CAPS = '[tool.apex]\nextend-select = ["APX9"]\n'


def errors(diagnostics):
    return [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error]


async def test_bad_settings_warn_and_fall_back_to_defaults(start, workspace):
    client = await start(options={"mode": "turbo", "diagnostics": {"delivery": 3},
                                  "unknownThing": True})
    await until(client, lambda: len(client.messages) >= 3)
    text = "\n".join(m.message for m in client.messages)
    assert all(m.type == types.MessageType.Warning for m in client.messages)
    assert "apex.mode" in text and "apex.diagnostics.delivery" in text and "unknownThing" in text
    uri = open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    assert "APX101" in codes(await diagnostics_for(client, uri, version=1))


async def test_status_reports_mode_and_policy_source(start, workspace):
    pyproject = workspace / "pyproject.toml"
    pyproject.write_text('[tool.apex]\nmode = "hybrid"\n')
    client = await start()
    status = client.statuses[-1]
    assert status["mode"] == "hybrid"
    assert status["policySource"] == str(pyproject)


async def test_configuration_change_reevaluates_open_documents(start, workspace):
    client = await start(configuration={"apex": {"policy": CAPABILITY_RULES}})
    uri = open_doc(client, workspace / "net.py", NETWORK)
    assert errors(await diagnostics_for(client, uri, version=1)) == []
    count = len(client.published)
    client.set_configuration({"apex": {"mode": "isolation", "policy": CAPABILITY_RULES}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    # Network use is denied in isolation mode.
    await publish_where(client, uri, errors, after=count)
    await until(client, lambda: client.statuses[-1]["mode"] == "isolation")


async def test_set_mode_command_and_show_policy(start, workspace):
    client = await start(options={"policy": CAPABILITY_RULES})
    uri = open_doc(client, workspace / "net.py", NETWORK)
    assert errors(await diagnostics_for(client, uri, version=1)) == []
    count = len(client.published)
    status = as_dict(await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apex.setMode", arguments=["isolation"])))
    assert status["mode"] == "isolation" and status["modeOverride"] == "isolation"
    await publish_where(client, uri, errors, after=count)
    policy = as_dict(await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apex.showPolicy", arguments=[uri])))
    assert policy["mode"] == "isolation" and policy["capabilities"]["network"] == "deny"
    assert client.messages[-1].message.startswith("Apex: isolation mode")
    # null returns to the policy file's mode (here: the default).
    status = as_dict(await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apex.setMode", arguments=[None])))
    assert status["mode"] == "development"


async def test_policy_file_diagnostics_at_the_offending_key(client, workspace):
    text = '[project]\nname = "x"\n\n[tool.apex]\nmode = "turbo"\nselect = ["APX1"]\n'
    uri = open_doc(client, workspace / "pyproject.toml", text, language="toml")
    diags = await diagnostics_for(client, uri, version=1)
    assert len(diags) == 1
    (bad,) = diags
    assert bad.range.start.line == 4 and bad.source == "apex"
    assert bad.severity == types.DiagnosticSeverity.Error
    assert "mode" in bad.message and "turbo" in bad.message
    # Fix it in the editor (unsaved): the diagnostic goes away.
    fixed = text.replace('"turbo"', '"hybrid"')
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    assert await diagnostics_for(client, uri, version=2) == []
    # A TOML syntax error is located too.
    insert(client, uri, 5, 0, "oops = [\n", version=3)
    (syntax,) = await diagnostics_for(client, uri, version=3)
    assert "TOML" in syntax.message and syntax.range.start.line >= 5


async def test_watched_policy_file_change_reevaluates(start, workspace):
    pyproject = workspace / "pyproject.toml"
    pyproject.write_text(PYPROJECT_CAPS + 'mode = "development"\n')
    client = await start()
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
               for r in client.registrations)
    uri = open_doc(client, workspace / "net.py", NETWORK)
    assert errors(await diagnostics_for(client, uri, version=1)) == []
    count = len(client.published)
    pyproject.write_text(PYPROJECT_CAPS + 'mode = "isolation"\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)]))
    await publish_where(client, uri, errors, after=count)
    await until(client, lambda: client.statuses[-1]["mode"] == "isolation")
    assert last_publish(client, uri).version == 1


async def test_invalid_editor_policy_values_are_shown_once(start, workspace):
    client = await start(options={"policy": {"mode": "turbo"}})
    await until(client, lambda: any("apex.policy.mode" in m.message for m in client.messages))
    (message,) = [m for m in client.messages if "apex.policy.mode" in m.message]
    assert "turbo" in message.message and message.type == types.MessageType.Warning
