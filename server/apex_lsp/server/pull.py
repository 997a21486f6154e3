"""LSP 3.17 pull diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``.

A report's ``resultId`` is ``"<settings generation>:<document version>"`` (open
documents) or ``"<generation>:<mtime>:<size>"`` (files on disk); a request that
names the current id gets an *unchanged* report.

``workspace/diagnostic`` is a long poll: when the client sends its previous ids
and every report would be *unchanged*, the request is held until something it
covers may have changed (a document's new analysis, a settings or policy change,
a file changed on disk, a document closed) and then answers with what changed.
The client cancels a held request it no longer needs (``$/cancelRequest``).
Files on disk are scanned again only after such a change; otherwise the last
scan's reports are reused.
"""
from __future__ import annotations

import asyncio
import os

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from .policy_files import is_policy_document, update_policy_document
from .workspace_scan import scan_workspace


class DiagnosticChanges:
    """What held ``workspace/diagnostic`` requests wait on, and the last disk scan.

    ``notify()`` after anything a workspace report covers may have changed;
    ``notify(disk=True)`` when the last scan of unopened files may be stale."""

    def __init__(self) -> None:
        self.seq = 0
        self.disk_epoch = 0
        self._waiters: set[asyncio.Future] = set()
        self._scan_key: tuple | None = None
        self._scan_reports: dict[str, tuple[str, list[types.Diagnostic]]] = {}

    def notify(self, disk: bool = False) -> None:
        self.seq += 1
        if disk:
            self.disk_epoch += 1
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_past(self, seq: int) -> None:
        """Return once ``notify`` was called after ``self.seq`` was ``seq``."""
        while self.seq == seq:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.add(waiter)
            try:
                await waiter
            finally:  # cancelled: leave nothing behind
                self._waiters.discard(waiter)

    async def disk_reports(self, ls, token, skip: set[str]) -> dict:
        """uri -> (resultId, diagnostics) of unopened files, rescanned only when stale.

        Reuse needs the client's file watcher: without it a change on disk is
        never announced, so every request scans."""
        key = (ls.projects.generation, self.disk_epoch)
        if ls.watch_registration and key == self._scan_key:
            return {uri: report for uri, report in self._scan_reports.items()
                    if uri not in skip}
        scanned = await scan_workspace(ls, token=token, skip=skip, publish=False)
        if not scanned.cancelled:
            self._scan_key, self._scan_reports = key, scanned.reports
        return scanned.reports


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
        # Hold only when a change would be announced (see DiagnosticChanges.disk_reports).
        hold = bool(previous) and ls.watch_registration
        token = params.work_done_token
        changes: DiagnosticChanges = ls.diagnostic_changes
        while True:
            seen = changes.seq
            items = await _workspace_items(ls, previous, token)
            token = None  # a progress token is used once; later scans make their own
            if not hold or any(item.kind == "full" for item in items):
                return types.WorkspaceDiagnosticReport(items=items)
            await changes.wait_past(seen)


async def _workspace_items(ls, previous: dict[str, str], token) -> list:
    items: list = []
    for uri, doc in list(ls.workspace.text_documents.items()):
        if not ls.is_python(doc):
            continue
        result = await ls.scheduler.wait_current(uri)
        if result is None:
            continue
        items.append(_workspace_report(uri, result.version, result.result_id,
                                       previous.get(uri), result.diagnostics))
    reports = await ls.diagnostic_changes.disk_reports(ls, token,
                                                       set(ls.workspace.text_documents))
    for uri, (result_id, diagnostics) in reports.items():
        items.append(_workspace_report(uri, None, result_id, previous.get(uri), diagnostics))
    items.extend(_gone_reports(ls, previous, {item.uri for item in items}))
    return items


def _gone_reports(ls, previous: dict[str, str], reported: set[str]) -> list:
    """Empty reports for Python files the client has results for that no longer exist
    (deleted or renamed), so their diagnostics do not linger; once per file."""
    gone_id = f"{ls.projects.generation}:gone"
    reports = []
    for uri, result_id in previous.items():
        if uri in reported or result_id == gone_id or not uri.endswith((".py", ".pyi")):
            continue
        path = to_fs_path(uri)
        if path and not os.path.exists(path):
            reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                uri=uri, items=[], result_id=gone_id))
    return reports


def _workspace_report(uri, version, result_id, previous, diagnostics):
    if previous == result_id:
        return types.WorkspaceUnchangedDocumentDiagnosticReport(
            uri=uri, version=version, result_id=result_id)
    return types.WorkspaceFullDocumentDiagnosticReport(
        uri=uri, version=version, items=diagnostics, result_id=result_id)
