"""Hover on findings, and LSP errors (never crashes) for malformed or out-of-range requests."""
from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_helpers import diagnostics_for, open_doc, raw_request

pytestmark = pytest.mark.asyncio


def hover_params(uri, line, character):
    return types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri),
                             position=types.Position(line=line, character=character))


async def test_hover_explains_rule_cwe_and_policy(start, workspace):
    (workspace / "pyproject.toml").write_text('[tool.apex]\nmode = "isolation"\n')
    client = await start()
    uri = open_doc(client, workspace / "h.py", "x = 1\ny = eval(expr)\n")
    await diagnostics_for(client, uri, version=1)
    hover = await client.text_document_hover_async(hover_params(uri, 1, 6))
    text = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "APX101" in text and "[CWE-95](https://cwe.mitre.org/data/definitions/95.html)" in text
    assert "What it does" in text and "docs/rules/APX101.md" in text
    assert "**Mode:** `isolation`" in text and "pyproject.toml" in text
    assert "`dynamic_code`" in text and "denied" in text
    assert hover.range.start == types.Position(line=1, character=4)
    # Off a finding: no hover.
    assert await client.text_document_hover_async(hover_params(uri, 0, 0)) is None


async def test_out_of_range_and_unknown_documents_get_errors(client, workspace):
    uri = open_doc(client, workspace / "r.py", "x = eval(expr)\n")
    await diagnostics_for(client, uri, version=1)
    with pytest.raises(JsonRpcException, match="outside the document"):
        await client.text_document_hover_async(hover_params(uri, 99, 0))
    with pytest.raises(JsonRpcException, match="not open"):
        await client.text_document_hover_async(
            hover_params((workspace / "nope.py").as_uri(), 0, 0))
    # Malformed params (no position): an InvalidParams-style error, and the server lives on.
    with pytest.raises(JsonRpcException):
        await raw_request(client, types.TEXT_DOCUMENT_HOVER, {"textDocument": {"uri": uri}})
    with pytest.raises(JsonRpcException):
        await raw_request(client, types.TEXT_DOCUMENT_HOVER,
                          {"textDocument": {"uri": uri}, "position": {"line": "x"}})
    with pytest.raises(JsonRpcException):
        await raw_request(client, "apex/noSuchMethod", {})
    with pytest.raises(JsonRpcException, match="apex.setMode"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="apex.setMode", arguments=["turbo"]))
    hover = await client.text_document_hover_async(hover_params(uri, 0, 5))
    assert "APX101" in hover.contents.value
