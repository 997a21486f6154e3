"""Scanning every Python file in the workspace, with ``$/progress`` and cancellation.

Used by the ``apex.scanWorkspace`` command (which publishes the results) and by
``workspace/diagnostic`` (which returns them). Files are analysed in batches on
the analysis pool; between batches the scan reports progress and checks whether
the client cancelled (``window/workDoneProgress/cancel`` or ``$/cancelRequest``).
"""
from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections import Counter
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from .convert import diagnostics as to_diagnostics

log = logging.getLogger(__name__)

BATCH = 16


@dataclass
class ScanResult:
    files: int = 0
    findings: int = 0
    cancelled: bool = False
    by_rule: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    #: uri -> (resultId, diagnostics)
    reports: dict[str, tuple[str, list[types.Diagnostic]]] = field(default_factory=dict)

    def summary(self) -> dict:
        return {"files": self.files, "findings": self.findings, "cancelled": self.cancelled,
                "byRule": dict(sorted(self.by_rule.items())), "errors": self.errors[:50]}


def workspace_roots(ls) -> list[str]:
    folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()]
    roots = [f for f in folders if f] or [ls.root_path()]
    return sorted(set(roots))


def _analyze_file(ls, path: str, codec, generation: int):
    """Worker thread: read, analyse and convert one file."""
    try:
        stat = os.stat(path)
    except OSError as exc:
        return path, None, None, f"{path}: {exc.strerror or exc}"
    result = ls.project_for(path).analyze_file(path)
    if result.error:
        return path, None, None, f"{path}: {result.error.message}"
    uri = from_fs_path(path) or path
    diags = []
    if result.findings:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
        diags = to_diagnostics(result.findings, text, codec, uri, path)
    result_id = f"{generation}:{stat.st_mtime_ns}:{stat.st_size}"
    return path, result.findings, (result_id, diags), None


async def _progress_token(ls, token):
    if token is not None:
        return token
    if not ls.supports_progress:
        return None
    token = f"apex-scan-{uuid.uuid4()}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception:
        log.warning("client refused a progress token", exc_info=True)
        return None
    return token


async def scan_workspace(ls, token=None, skip: set[str] = frozenset(),
                         publish: bool = True) -> ScanResult:
    result = ScanResult()
    files: list[str] = []
    limit = ls.projects.config.scan.max_files
    found = await ls.pool.run(ls.projects.discover, workspace_roots(ls))
    result.errors.extend(f"{e.path}: {e.message}" for e in found.errors)
    for target in found.targets:
        if (from_fs_path(target.path) or target.path) not in skip:
            files.append(target.path)
        if len(files) >= limit:
            result.errors.append(f"stopped after scan.maxFiles={limit} files")
            break

    token = await _progress_token(ls, token)
    progress = ls.work_done_progress
    if token is not None:
        progress.begin(token, types.WorkDoneProgressBegin(
            title="Apex: scanning workspace", cancellable=True,
            message=f"0/{len(files)} files", percentage=0))
    cancel = progress.tokens.get(token) if token is not None else None
    codec = ls.workspace.position_codec
    generation = ls.projects.generation
    previously = ls.scan_published
    published: set[str] = set()
    try:
        for start in range(0, len(files), BATCH):
            if cancel is not None and cancel.cancelled():
                result.cancelled = True
                break
            batch = files[start:start + BATCH]
            outcomes = await asyncio.gather(*(ls.pool.run(_analyze_file, ls, path, codec,
                                                           generation) for path in batch))
            for path, findings, report, error in outcomes:
                result.files += 1
                if error:
                    result.errors.append(error)
                    continue
                uri = from_fs_path(path) or path
                result.findings += len(findings)
                result.by_rule.update(f.rule for f in findings)
                result.reports[uri] = report
                if publish and (report[1] or uri in previously):
                    ls.publish_file(uri, report[1])
                    published.add(uri)
            if token is not None:
                done = min(start + BATCH, len(files))
                progress.report(token, types.WorkDoneProgressReport(
                    message=f"{done}/{len(files)} files",
                    percentage=int(100 * done / max(len(files), 1)), cancellable=True))
    except asyncio.CancelledError:
        result.cancelled = True
        raise
    finally:
        if publish:
            ls.scan_published = published | (previously if result.cancelled else set())
        if token is not None:
            word = "cancelled" if result.cancelled else "done"
            progress.end(token, types.WorkDoneProgressEnd(
                message=f"{word}: {result.findings} findings in {result.files} files"))
            progress.tokens.pop(token, None)
    return result
