"""The server against the capabilities real editors send (pytest-lsp's recorded
profiles): diagnostics arrive by push or pull as the client supports, and columns
are in the position encoding the client and server agreed on."""
from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from lsp_helpers import diagnostics_for, open_doc

pytestmark = pytest.mark.asyncio

TEXT = 's = "😋"; x = eval(expr)\n'
CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


@pytest.mark.parametrize("profile", ["neovim@v0.7.0", "neovim@v0.11.0",
                                     "visual-studio-code@v1.65.2", "emacs@v29.1"])
async def test_real_client_profile(start, workspace, profile):
    caps = client_capabilities(profile)
    client = await start(capabilities=caps)
    encoding = client.init_result.capabilities.position_encoding or "utf-16"
    uri = open_doc(client, workspace / "p.py", TEXT)
    if caps.text_document.diagnostic:
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        diagnostics = list(report.items)
        assert client.published == []
    else:
        diagnostics = await diagnostics_for(client, uri, version=1)
    apx101 = next(d for d in diagnostics if d.code == "APX101")
    codec, unit = CODECS[str(encoding)]
    prefix = TEXT[:TEXT.index("eval")]
    assert apx101.range.start.character == len(prefix.encode(codec)) // unit
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=apx101.range.start))
    assert "APX101" in str(hover.contents)
