"""Text synchronisation (incremental) and when to analyse: open, change, save."""
from __future__ import annotations

from lsprotocol import types

from .policy_files import is_policy_document, update_policy_document


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: types.DidOpenTextDocumentParams) -> None:
        _changed(ls, params.text_document.uri, opened=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if ls.projects.config.diagnostics.run_on == "change" or is_policy_document(uri):
            _changed(ls, uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE,
                    types.SaveOptions(include_text=False))
    def did_save(ls, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        _changed(ls, uri, saved=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc_path = ls.scheduler.path_of(uri)
        ls.scheduler.forget(uri)
        ls.publish_file(uri, [])
        if doc_path and doc_path.endswith(".py"):
            # The index held the unsaved text; the file on disk is the truth again.
            ls.pool.run(ls.projects.refresh_from_disk, doc_path)


def _changed(ls, uri: str, opened: bool = False, saved: bool = False) -> None:
    doc = ls.open_document(uri)
    if doc is None:
        return
    if is_policy_document(uri):
        update_policy_document(ls, doc)
        if saved:  # a saved policy file changes what every open document means
            ls.reevaluate()
        return
    if ls.is_python(doc):
        ls.scheduler.request(uri)
