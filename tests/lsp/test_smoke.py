import pytest
from lsprotocol import types


async def open_doc(client, path, text, version=1):
    path.write_text(text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="python",
                                             version=version, text=text)))


@pytest.mark.asyncio
async def test_open_publishes(client, workspace):
    path = workspace / "a.py"
    await open_doc(client, path, "import os\nx = eval(input())\n")
    params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    print(params)
    assert params.version == 1
    assert [d.code for d in params.diagnostics] == ["APX101"]
