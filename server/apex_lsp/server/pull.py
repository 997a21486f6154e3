"""LSP 3.17 pull diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``.

A report's ``resultId`` is ``"<settings generation>:<document version>"``; a
request that names the current id gets an *unchanged* report."""
from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from .policy_files import is_policy_document, update_policy_document
from .workspace_scan import scan_workspace


def _report(result_id: str, previous: str | None, items) -> object:
    if previous == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC,
                    types.DiagnosticOptions(identifier="apex", inter_file_dependencies=True,
                                            workspace_diagnostics=True))
    async def document_diagnostic(ls, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        doc = ls.open_document(uri)
        if doc is None:
            raise JsonRpcInvalidParams(f"document is not open: {uri}")
        if is_policy_document(uri):
            version, items = ls.policy_results.get(uri, (None, None))
            if version != doc.version or items is None:
                items = update_policy_document(ls, doc)
            return _report(f"{ls.projects.generation}:{doc.version}",
                           params.previous_result_id, items)
        if not ls.is_python(doc):
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result = await ls.scheduler.wait_current(uri)
        if result is None:
            raise JsonRpcInvalidParams(f"document was closed: {uri}")
        return _report(result.result_id, params.previous_result_id, result.diagnostics)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls, params: types.WorkspaceDiagnosticParams):
        previous = {p.uri: p.value for p in params.previous_result_ids}
        items: list = []
        for uri, doc in list(ls.workspace.text_documents.items()):
            if not ls.is_python(doc):
                continue
            result = await ls.scheduler.wait_current(uri)
            if result is None:
                continue
            items.append(_workspace_report(uri, result.version, result.result_id,
                                           previous.get(uri), result.diagnostics))
        open_uris = set(ls.workspace.text_documents)
        scanned = await scan_workspace(ls, token=params.work_done_token, skip=open_uris,
                                       publish=False)
        for uri, (result_id, diagnostics) in scanned.reports.items():
            items.append(_workspace_report(uri, None, result_id, previous.get(uri),
                                           diagnostics))
        return types.WorkspaceDiagnosticReport(items=items)


def _workspace_report(uri, version, result_id, previous, diagnostics):
    if previous == result_id:
        return types.WorkspaceUnchangedDocumentDiagnosticReport(
            uri=uri, version=version, result_id=result_id)
    return types.WorkspaceFullDocumentDiagnosticReport(
        uri=uri, version=version, items=diagnostics, result_id=result_id)
