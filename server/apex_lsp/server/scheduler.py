"""Per-document analysis scheduling: off the event loop, latest version wins.

Each open document has at most one analysis in flight. Edits that arrive while
it runs only mark the document dirty; when the analysis finishes its result is
kept only if the document is still at the version that was analysed (and the
settings have not changed meanwhile), and the loop then analyses the newest
text. So a burst of edits costs at most two analyses, and a stale version's
diagnostics never reach the client (the flake8 template's per-version guard).

Analysis runs off the event loop: ordinary documents on a small thread pool,
documents above ``large_file_bytes`` in one worker process (``ast.parse`` holds
the GIL, so only a process keeps a 10 MB file from stalling everything else).
"""
from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable

from lsprotocol import types

from apex_lsp.analysis import FileResult, Finding

from . import worker

if TYPE_CHECKING:
    from .app import ApexLanguageServer

log = logging.getLogger(__name__)


@dataclass
class DocumentResult:
    uri: str
    version: int | None
    generation: int
    findings: list[Finding]
    diagnostics: list[types.Diagnostic]
    error: str | None = None
    #: Text the findings refer to (code actions and hover work on this snapshot).
    text: str = field(default="", repr=False)

    @property
    def result_id(self) -> str:
        return f"{self.generation}:{self.version}"


class AnalysisPool:
    """Bounded workers: threads for ordinary documents, one process for huge ones."""

    def __init__(self, workers: int = 2) -> None:
        self._small = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apex-analysis")
        self._large = None  # a ProcessPoolExecutor, started on first use

    def run(self, func: Callable, *args) -> Awaitable:
        return asyncio.get_running_loop().run_in_executor(self._small, func, *args)

    async def run_large(self, func: Callable, *args):
        """Run ``func`` in the worker process (started on first use, restarted if it died)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        if self._large is None:
            # spawn: the server is multi-threaded, so fork is unsafe.
            self._large = ProcessPoolExecutor(max_workers=1,
                                              mp_context=multiprocessing.get_context("spawn"),
                                              initializer=worker.watch_parent)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._large, func, *args)
        except BrokenProcessPool:
            self._large = None
            raise RuntimeError("the analysis worker process died (out of memory?)") from None

    def shutdown(self) -> None:
        self._small.shutdown(wait=False, cancel_futures=True)
        large, self._large = self._large, None
        if large is not None:
            processes = list((getattr(large, "_processes", None) or {}).values())
            large.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # do not leave a worker parsing for nobody
                process.terminate()


class Scheduler:
    def __init__(self, server: "ApexLanguageServer") -> None:
        self.server = server
        self.results: dict[str, DocumentResult] = {}
        self._dirty: set[str] = set()
        self._tasks: dict[str, asyncio.Task] = {}
        self._waiters: dict[str, list[asyncio.Future]] = {}
        # Set while no document is being analysed: background work (the workspace
        # index) waits on it so what the user is looking at comes first.
        self._idle = threading.Event()
        self._idle.set()
        self._active = 0

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block (a worker thread) until no document analysis runs, at most ``timeout``."""
        self._idle.wait(timeout)

    # -- requests -----------------------------------------------------------
    def request(self, uri: str) -> None:
        """Analyse ``uri`` soon; coalesces with any analysis already running."""
        self._dirty.add(uri)
        task = self._tasks.get(uri)
        if task is None or task.done():
            self._tasks[uri] = asyncio.ensure_future(self._drain(uri))

    def path_of(self, uri: str) -> str | None:
        from pygls.uris import to_fs_path
        return to_fs_path(uri)

    def forget(self, uri: str) -> None:
        self._dirty.discard(uri)
        self.results.pop(uri, None)
        task = self._tasks.pop(uri, None)
        if task is not None and not task.done():
            task.cancel()
        for waiter in self._waiters.pop(uri, []):
            if not waiter.done():  # wait_current answers None for a closed document
                waiter.set_result(None)
        # A closed document is reported from the file on disk again.
        self.server.diagnostic_changes.notify(disk=True)

    def current(self, uri: str) -> DocumentResult | None:
        """The cached result if it is for the document's current version and settings."""
        result = self.results.get(uri)
        doc = self.server.open_document(uri)
        if result is None or doc is None:
            return None
        if result.version != doc.version or result.generation != self.server.projects.generation:
            return None
        return result

    async def wait_current(self, uri: str) -> DocumentResult | None:
        """Analyse if needed and return the result for the current version."""
        result = self.current(uri)
        if result is not None:
            return result
        if self.server.open_document(uri) is None:
            return None
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(uri, []).append(waiter)
        self.request(uri)
        return await waiter

    # -- the per-document loop ---------------------------------------------------
    async def _drain(self, uri: str) -> None:
        self._active += 1
        self._idle.clear()
        try:
            await self._drain_dirty(uri)
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    async def _drain_dirty(self, uri: str) -> None:
        while uri in self._dirty:
            self._dirty.discard(uri)
            doc = self.server.open_document(uri)
            if doc is None:
                return
            version, text, path = doc.version, doc.source, doc.path
            generation = self.server.projects.generation
            try:
                result = await self._analyze(uri, version, generation, text, path)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # an analyzer bug must not stop later analyses
                log.exception("analysis of %s failed", uri)
                result = DocumentResult(uri, version, generation, [], [], error=str(exc), text=text)
            doc = self.server.open_document(uri)
            if doc is None or doc.version != version or \
                    generation != self.server.projects.generation:
                continue  # stale: a newer request is already marked dirty
            self.results[uri] = result
            self.server.publish(result)
            for waiter in self._waiters.pop(uri, []):
                if not waiter.done():
                    waiter.set_result(result)
            if uri not in self._dirty and self.server.projects.generation != generation:
                self._dirty.add(uri)

    async def _analyze(self, uri: str, version: int | None, generation: int, text: str,
                       path: str) -> DocumentResult:
        server = self.server
        config = server.projects.config
        if len(text) >= config.large_file_bytes:
            file_result: FileResult = await server.pool.run_large(
                worker.analyze, text, path, config, generation)
            doc = server.open_document(uri)
            if doc is None or doc.version != version:
                return DocumentResult(uri, version, generation, [], [], text=text)
            diagnostics = await server.pool.run(_to_diagnostics, file_result.findings, text,
                                                doc.position_codec, uri, path)
        else:
            # One hop to the worker thread: analyse and convert together.
            codec = server.workspace.position_codec
            file_result, diagnostics, dependents = await server.pool.run(
                _analyze_and_convert, server, text, path, codec, uri)
            server.reanalyse_paths(dependents)
        error = file_result.error.message if file_result.error else None
        if error:  # say why a file shows nothing (NUL bytes, nesting too deep, ...)
            from .convert import skipped_diagnostic
            diagnostics = [skipped_diagnostic(error)] + list(diagnostics)
        return DocumentResult(uri, version, generation, file_result.findings, diagnostics,
                              error=error, text=text)


def _analyze_and_convert(server, text, path, codec, uri):
    result, dependents = server.analyze_text(text, path)
    return result, _to_diagnostics(result.findings, text, codec, uri, path), dependents


def _to_diagnostics(findings, text, codec, uri, path):
    from .convert import diagnostics
    return diagnostics(findings, text, codec, uri, path)
