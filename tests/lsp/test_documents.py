"""Text sync and pushed diagnostics: open, incremental change, save, close, stale versions."""
from __future__ import annotations

import pytest
from lsprotocol import types

from conftest import until
from lsp_helpers import (codes, diagnostics_for, insert, last_publish, open_doc, publish_where,
                         replace_all)

pytestmark = pytest.mark.asyncio

#: A pattern finding (APX101): the argument is not known to be tainted.
EVAL = "x = eval(expr)\n"
#: A taint finding (APX800): user input reaches eval, with a source -> sink path.
TAINTED = "x = eval(input())\n"


async def test_open_pushes_diagnostics_with_version_code_and_link(client, workspace):
    uri = open_doc(client, workspace / "a.py", "import os\n" + EVAL, version=7)
    diags = await diagnostics_for(client, uri, version=7)
    (apx101,) = [d for d in diags if d.code == "APX101"]
    assert apx101.source == "apex"
    assert apx101.severity == types.DiagnosticSeverity.Error
    assert apx101.code_description.href.endswith("/docs/rules/APX101.md")
    assert apx101.range == types.Range(start=types.Position(line=1, character=4),
                                       end=types.Position(line=1, character=14))


async def test_taint_path_becomes_related_information(client, workspace):
    uri = open_doc(client, workspace / "t.py", "import os\n" + TAINTED)
    diags = await diagnostics_for(client, uri, version=1)
    taint = next(d for d in diags if d.related_information)
    assert taint.severity == types.DiagnosticSeverity.Error
    steps = taint.related_information
    assert all(step.location.uri == uri for step in steps)
    assert "input()" in steps[0].message and steps[0].location.range.start.line == 1
    assert steps[-1].message.startswith("sink")


async def test_incremental_change_and_close(client, workspace):
    path = workspace / "b.py"
    uri = open_doc(client, path, "print('hello')\n")
    assert await diagnostics_for(client, uri, version=1) == []
    # Insert an eval call on a new line 0 through a range-based (incremental) change.
    insert(client, uri, 0, 0, EVAL, version=2)
    diags = await diagnostics_for(client, uri, version=2)
    assert "APX101" in codes(diags)
    assert diags[0].range.start.line == 0
    count = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await publish_where(client, uri, lambda diags: diags == [], after=count)


async def test_save_reanalyses(client, workspace):
    path = workspace / "c.py"
    uri = open_doc(client, path, EVAL)
    await diagnostics_for(client, uri, version=1)
    count = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    diags = await diagnostics_for(client, uri, after=count)
    assert "APX101" in codes(diags)


async def test_only_the_latest_version_is_published(client, workspace):
    """Fire many edits without waiting: every publish must match the text of the
    version it names, versions never go backwards, and the last one stands."""
    path = workspace / "stale.py"
    uri = open_doc(client, path, "")
    edits = 40
    for version in range(2, edits + 2):
        # Version v has (v - 1) eval lines, so its diagnostics identify the version.
        insert(client, uri, 0, 0, EVAL, version=version)
    final = edits + 1
    await until(client, lambda: (p := last_publish(client, uri)) and p.version == final)
    ours = [p for p in client.published if p.uri == uri]
    versions = [p.version for p in ours]
    assert versions == sorted(versions), versions
    for params in ours:
        assert sum(d.code == "APX101" for d in params.diagnostics) == params.version - 1
    # Far fewer analyses than edits were published: stale work was dropped.
    assert len(ours) < edits
    assert sum(d.code == "APX101" for d in last_publish(client, uri).diagnostics) == edits


async def test_syntax_error_keeps_recovered_findings(client, workspace):
    text = "def broken(:\n    pass\n" + EVAL
    uri = open_doc(client, workspace / "syntax.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    assert {"APX000", "APX101"} <= set(codes(diags))
    syntax = next(d for d in diags if d.code == "APX000")
    assert syntax.range.start.line == 0


async def test_non_ascii_columns_are_utf16(client, workspace):
    # "😋" is two UTF-16 code units: the eval call starts at character 11, not 10.
    text = 's = "😋"; x = eval(expr)\n'
    uri = open_doc(client, workspace / "emoji.py", text)
    diags = await diagnostics_for(client, uri, version=1)
    apx101 = next(d for d in diags if d.code == "APX101")
    assert apx101.range.start.character == text.index("eval") + 1


async def test_a_huge_document_does_not_block_a_small_one(client, workspace):
    # ~10 MB of Python: its analysis takes seconds on its own worker lane; the small
    # document opened after it must get its diagnostics first.
    line = "value_%d = compute(%d) + other_value\n"
    huge = "".join(line % (i, i) for i in range(300_000))
    assert len(huge) > 10_000_000
    huge_uri = open_doc(client, workspace / "huge.py", huge, write=False)
    small_uri = open_doc(client, workspace / "small.py", EVAL)
    await diagnostics_for(client, small_uri, version=1)
    assert last_publish(client, huge_uri) is None
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=huge_uri)))


async def test_replace_all_edit(client, workspace):
    path = workspace / "d.py"
    old = EVAL
    uri = open_doc(client, path, old)
    await diagnostics_for(client, uri, version=1)
    replace_all(client, uri, old, "print(1)\n", version=2)
    assert await diagnostics_for(client, uri, version=2) == []


async def test_cross_file_taint_path_reaches_into_an_unopened_file(start, workspace):
    helpers = workspace / "helpers.py"
    helpers.write_text("import os\n\ndef run(cmd):\n    os.system(cmd)\n")
    client = await start()  # indexes the workspace for cross-file taint
    app = ("from flask import Flask, request\nfrom helpers import run\n\n"
           "app = Flask(__name__)\n\n@app.route('/')\ndef view():\n    run(request.args['c'])\n")
    uri = open_doc(client, workspace / "app.py", app)

    def cross_file():
        params = last_publish(client, uri)
        return params and [d for d in params.diagnostics if d.related_information and any(
            r.location.uri == helpers.as_uri() for r in d.related_information)]
    (finding,) = await until(client, cross_file)
    assert finding.range.start.line == 7
    assert finding.related_information[-1].message.startswith("sink")
    assert finding.related_information[-1].location.range.start.line == 3


async def test_files_changed_outside_the_editor_reach_cross_file_taint(client, workspace):
    app = ("import subprocess\nfrom flask import request\nfrom tools import shell\n\n"
           "def view():\n    shell(request.args['c'])\n")
    uri = open_doc(client, workspace / "app.py", app)
    await diagnostics_for(client, uri, version=1)
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
               and "**/*.py" in str(r.register_options) for r in client.registrations)
    tools = workspace / "tools.py"
    tools.write_text("import subprocess\n\ndef shell(cmd):\n    subprocess.call(cmd, shell=True)\n")
    count = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=tools.as_uri(), type=types.FileChangeType.Created)]))

    def cross_file():
        params = last_publish(client, uri)
        return len(client.published) > count and [
            d for d in params.diagnostics if d.related_information and any(
                r.location.uri == tools.as_uri() for r in d.related_information)]
    assert await until(client, cross_file)


async def test_a_file_that_cannot_be_analysed_says_why(client, workspace):
    uri = open_doc(client, workspace / "nul.py", "x = 1\x00\n", write=False)
    (note,) = await diagnostics_for(client, uri, version=1)
    assert note.code == "APX-SKIPPED" and "NUL" in note.message
    assert note.severity == types.DiagnosticSeverity.Information
