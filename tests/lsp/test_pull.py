"""LSP 3.17 pull diagnostics for clients that support them (the server then does not push)."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from conftest import pull_capabilities, until
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
    # The next pull with these ids is held until something changes (see below).


async def test_pull_clients_are_asked_to_refresh_when_the_policy_changes(start, workspace):
    client = await start(capabilities=pull_capabilities())
    before = client.diagnostic_refresh_count
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apex.setMode", arguments=["isolation"]))
    assert client.diagnostic_refresh_count > before


def previous_ids(report) -> list[types.PreviousResultId]:
    return [types.PreviousResultId(uri=i.uri, value=i.result_id) for i in report.items]


async def first_workspace_pull(client):
    report = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    return report, types.WorkspaceDiagnosticParams(previous_result_ids=previous_ids(report))


async def still_pending(client, held, uri) -> bool:
    """A round trip the server answers after it has handled the held request's start."""
    await client.text_document_diagnostic_async(doc_params(uri))
    return not held.done()


async def test_workspace_pull_is_held_until_an_edit_changes_a_document(start, workspace):
    (workspace / "on_disk.py").write_text("import pickle\npickle.loads(blob)\n")
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    first, again = await first_workspace_pull(client)
    scans = len(client.progress_reports)  # each scan of the files on disk reports progress
    assert scans == 1
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    assert await still_pending(client, held, uri)
    # Saving an open file is not a change on disk the scan needs to see again.
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri, type=types.FileChangeType.Changed)]))
    insert(client, uri, 0, 0, "y = eval(other)\n", version=2)
    report = await held
    items = {item.uri: item for item in report.items}
    assert items[uri].kind == "full" and items[uri].version == 2
    assert codes(items[uri].items) == ["APX101", "APX101"]
    assert items[(workspace / "on_disk.py").as_uri()].kind == "unchanged"
    assert len(client.progress_reports) == scans  # the last scan's reports were reused


async def test_workspace_pull_is_held_until_a_file_changes_on_disk(start, workspace):
    disk = workspace / "on_disk.py"
    disk.write_text("print('ok')\n")
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "a.py", "x = 1\n")
    first, again = await first_workspace_pull(client)
    assert not {i.uri: i for i in first.items}[disk.as_uri()].items
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    assert await still_pending(client, held, uri)
    disk.write_text("import pickle\npickle.loads(blob)\n# now longer\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=disk.as_uri(), type=types.FileChangeType.Changed)]))
    report = await held
    changed = [item for item in report.items if item.kind == "full"]
    assert [item.uri for item in changed] == [disk.as_uri()] and changed[0].items


async def test_workspace_pull_is_held_until_the_mode_changes(start, workspace):
    (workspace / "net.py").write_text("import requests\nrequests.get(url)\n")
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "a.py", "x = 1\n")
    first, again = await first_workspace_pull(client)
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    assert await still_pending(client, held, uri)
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apex.setMode", arguments=["isolation"]))
    report = await held
    assert {item.kind for item in report.items} == {"full"}  # every id has a new generation


async def test_a_held_workspace_pull_can_be_cancelled(start, workspace):
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    first, again = await first_workspace_pull(client)
    held = asyncio.ensure_future(client.protocol.send_request_async(
        types.WORKSPACE_DIAGNOSTIC, again, msg_id="held-pull"))
    assert await still_pending(client, held, uri)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="held-pull"))
    with pytest.raises(JsonRpcRequestCancelled):
        await held
    # The server keeps working: a fresh pull answers, and an edit still reaches it.
    assert (await first_workspace_pull(client))[0].items
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    insert(client, uri, 0, 0, "y = 2\n", version=2)
    report = await held
    assert {item.uri: item for item in report.items}[uri].version == 2


async def test_without_a_file_watcher_the_workspace_pull_answers_at_once(start, workspace):
    """No didChangeWatchedFiles: a change on disk would never be announced, so no hold."""
    caps = pull_capabilities()
    caps.workspace.did_change_watched_files = None
    client = await start(capabilities=caps)
    open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    first, again = await first_workspace_pull(client)
    report = await client.workspace_diagnostic_async(again)
    assert {item.kind for item in report.items} == {"unchanged"}


async def test_a_deleted_file_gets_an_empty_report_once(start, workspace):
    gone = workspace / "gone.py"
    gone.write_text("import pickle\npickle.loads(blob)\n")
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "a.py", "x = 1\n")
    first, again = await first_workspace_pull(client)
    assert {i.uri: i for i in first.items}[gone.as_uri()].items
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    assert await still_pending(client, held, uri)
    gone.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=gone.as_uri(), type=types.FileChangeType.Deleted)]))
    report = await held
    changed = [item for item in report.items if item.kind == "full"]
    assert [(item.uri, list(item.items)) for item in changed] == [(gone.as_uri(), [])]
    # With the new ids nothing is left to report: the next pull is held again.
    held = asyncio.ensure_future(client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous_ids(report))))
    assert await still_pending(client, held, uri)
    held.cancel()


async def test_shutdown_with_a_held_workspace_pull(start, workspace):
    client = await start(capabilities=pull_capabilities())
    uri = open_doc(client, workspace / "a.py", "x = eval(expr)\n")
    first, again = await first_workspace_pull(client)
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    assert await still_pending(client, held, uri)
    await client.shutdown_session()
    assert client._server.returncode is not None or await client._server.wait() == 0
    held.cancel()


async def test_a_held_workspace_pull_reports_a_closed_document_from_disk(start, workspace):
    client = await start(capabilities=pull_capabilities())
    keep = open_doc(client, workspace / "keep.py", "x = 1\n")
    path = workspace / "a.py"
    uri = open_doc(client, path, "x = eval(expr)\n")
    insert(client, uri, 0, 0, "y = eval(other)\n", version=2)  # unsaved: 2 findings
    first, again = await first_workspace_pull(client)
    assert codes({i.uri: i for i in first.items}[uri].items) == ["APX101", "APX101"]
    held = asyncio.ensure_future(client.workspace_diagnostic_async(again))
    assert await still_pending(client, held, keep)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    report = await held
    closed = {i.uri: i for i in report.items}[uri]
    assert closed.kind == "full" and closed.version is None  # the file on disk now
    assert codes(closed.items) == ["APX101"]
