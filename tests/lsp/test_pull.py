"""LSP 3.17 pull diagnostics for clients that support them (the server then does not push)."""
from __future__ import annotations

import pytest
from lsprotocol import types

from conftest import pull_capabilities
from lsp_helpers import codes, insert, open_doc

pytestmark = pytest.mark.asyncio


def doc_params(uri, previous=None):
    return types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous)


async def test_document_pull_with_result_ids(start, workspace):
    client = await start(capabilities=pull_capabilities())
    caps = client.init_result.capabilities
    assert caps.diagnostic_provider.workspace_diagnostics
    uri = open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    report = await client.text_document_diagnostic_async(doc_params(uri))
    assert report.kind == "full" and codes(report.items) == ["APX101"]
    assert report.items[0].code_description.href.endswith("APX101.md")
    again = await client.text_document_diagnostic_async(doc_params(uri, report.result_id))
    assert again.kind == "unchanged" and again.result_id == report.result_id
    insert(client, uri, 0, 0, "y = eval(other)\n", version=2)
    changed = await client.text_document_diagnostic_async(doc_params(uri, report.result_id))
    assert changed.kind == "full" and changed.result_id != report.result_id
    assert codes(changed.items) == ["APX101", "APX101"]
    # Pull clients get no pushed diagnostics (they would be shown twice).
    assert client.published == []


async def test_workspace_pull_covers_open_and_unopened_files(start, workspace):
    (workspace / "on_disk.py").write_text("import pickle\npickle.loads(blob)\n")
    (workspace / "clean.py").write_text("print('ok')\n")
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "open.py", "x = eval(expr)\n", version=3)
    report = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    items = {item.uri: item for item in report.items}
    assert items[uri].version == 3 and codes(items[uri].items) == ["APX101"]
    disk = items[(workspace / "on_disk.py").as_uri()]
    assert disk.version is None and disk.items
    assert not items[(workspace / "clean.py").as_uri()].items
    previous = [types.PreviousResultId(uri=i.uri, value=i.result_id) for i in report.items]
    again = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert {i.kind for i in again.items} == {"unchanged"}


async def test_pull_clients_are_asked_to_refresh_when_the_policy_changes(start, workspace):
    client = await start(capabilities=pull_capabilities())
    before = client.diagnostic_refresh_count
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apex.setMode", arguments=["isolation"]))
    assert client.diagnostic_refresh_count > before
