"""Taint diagnostics through the real language server (stdio, pytest-lsp): the
related information lists the path, each hop on its line."""
import importlib.util
from pathlib import Path

import pytest
from lsprotocol import types

_CONFTEST = Path(__file__).resolve().parents[2] / "lsp" / "conftest.py"
_spec = importlib.util.spec_from_file_location("apex_taint_lsp_fixtures", _CONFTEST)
_lsp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lsp)
start, workspace, until = _lsp.start, _lsp.workspace, _lsp.until  # fixtures reused

SOURCE = """\
import os
from flask import Flask, request

app = Flask(__name__)


def run(cmd):
    full = "sh -c " + cmd
    os.system(full)


@app.route("/")
def index():
    value = request.args["v"]
    run(value)
    return "ok"
"""


@pytest.mark.asyncio
async def test_taint_diagnostic_has_the_path_as_related_information(start, workspace):
    client = await start()
    path = workspace / "app.py"
    path.write_text(SOURCE)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                             text=SOURCE)))

    def taint():
        for params in reversed(client.published):
            if params.uri == uri:
                found = [d for d in params.diagnostics if d.code == "APX801"]
                return found or None
        return None

    [diagnostic] = await until(client, taint)
    assert diagnostic.range.start.line == 14  # 0-based: the call `run(value)`
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    hops = [(r.location.uri, r.location.range.start.line + 1, r.message)
            for r in diagnostic.related_information]
    assert hops == [
        (uri, 14, "source: Flask request.args"),
        (uri, 14, "assigned to `value`"),
        (uri, 15, "passed to `run()`"),
        (uri, 7, "parameter `cmd` of `run()`"),
        (uri, 8, "assigned to `full`"),
        (uri, 9, "sink: os.system()"),
    ]


@pytest.mark.asyncio
async def test_callee_in_another_file_overrules_what_the_file_alone_assumed(start, workspace):
    from .test_check_cli import CROSS_FILE_CALLEES
    import textwrap
    for name, text in CROSS_FILE_CALLEES.items():
        (workspace / name).write_text(textwrap.dedent(text))
    views = workspace / "views.py"
    text = views.read_text()
    client = await start()
    uri = views.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                             text=text)))

    def linked():  # the newest diagnostics, once the index has linked views.py to shell.py
        for params in reversed(client.published):
            if params.uri == uri:
                via = [d for d in params.diagnostics if d.code == "APX801"
                       and "via `archive()`" in d.message]
                return params.diagnostics if via else None
        return None

    diagnostics = await until(client, linked)
    found = sorted((d.range.start.line + 1, d.code) for d in diagnostics)
    # No XSS guessed at `return str(archive(...))`, no command injection through the
    # sanitizing quoted(); the pattern finding on that os.system() call stays.
    assert found == [(12, "APX801"), (17, "APX150")]
